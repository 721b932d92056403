#pragma once
/// @file
/// Means of SPD matrices: Riemannian (Karcher / Frechet mean under the affine-invariant
/// metric), log-Euclidean and Euclidean, optionally weighted.
///
/// mean_riemann iterates from the weighted Euclidean mean M:
///   J = sum_i w_i log(M^{-1/2} X_i M^{-1/2});  M <- M^{1/2} exp(nu J) M^{1/2};  crit = ||J||_F
/// and stops when crit <= tolerance (or the step nu falls to the tolerance). Two step rules:
/// - MeanStepRule::secant (default): nu = 1 on the first pass; then the Barzilai–Borwein step
///   nu = <s, y>/<y, y> from the last step s = nu_prev J_prev and the change of the gradient
///   y = J_prev − J, kept in [0.1, 10] (the last nu where <s, y> <= 0); the iteration may be
///   non-monotone, but where crit exceeds 4 times its smallest value so far nu is halved
///   instead. The fixed-step iteration converges linearly with ratio ~|1 − nu h| for the
///   curvature h of the objective along J; the secant step estimates 1/h. Measured: never
///   more passes than pyRiemann's rule on sampo's comparison sets, and up to 2x fewer on
///   dispersed data (docs/riemann.md, "Levers measured, 2026-12-01").
/// - MeanStepRule::pyriemann: pyRiemann's `mean_riemann` step for step (Congedo et al. 2015):
///   if nu crit < tau { nu *= 0.95; tau = nu crit } else nu *= 0.5; starting with nu = 1,
///   tau = +inf. Its nu shrinks by 5% a pass, which slows the convergence from the third pass
///   on; use it to reproduce pyRiemann's numbers to rounding.
/// Both converge to the same mean: they differ by their stopping errors (about ||J||_F at the
/// last pass). The weights are normalized to sum to 1. The sum over matrices is reduced in a
/// fixed order, so the result does not depend on the thread count.

#include <cstddef>
#include <string_view>
#include <vector>

#include "sampo/core/cancellation.hpp"
#include "sampo/core/eigen.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/riemann/metric.hpp"

namespace sampo::riemann {

/// How mean_riemann chooses its step nu (see the file comment).
enum class MeanStepRule {
  secant,    ///< Barzilai–Borwein step from the last two passes, safeguarded (default)
  pyriemann  ///< pyRiemann v0.7's rule: nu shrinks by 5% a pass, halves on an increase
};

/// "secant", "pyriemann".
std::string_view to_string(MeanStepRule rule) noexcept;
/// Parses to_string's names. @throw sampo::invalid_argument listing them.
MeanStepRule mean_step_rule_from_string(std::string_view name);

/// Options of the Riemannian mean (defaults: pyRiemann's tol = 10e-9 = 1e-8, maxiter = 50).
struct MeanOptions {
  double tolerance = 1e-8;          ///< stop when ||J||_F <= tolerance or the step nu <= tolerance
  std::size_t max_iterations = 50;  ///< iteration budget (0: return the initial guess)
  MeanStepRule step_rule = MeanStepRule::secant;  ///< how the step nu is chosen
  /// Stop (numerical_failure, "stalled") after this many passes in a row in which ||J||_F did
  /// not fall below half of the value it had when it last did so (its reference; the first
  /// pass sets it). On ill-conditioned inputs (ACMs of condition 1e12) the rounding floor of
  /// ||J||_F can lie above the tolerance, and every further pass only moves the iterate inside
  /// that floor. 0 (the default): never; run to max_iterations as pyRiemann does.
  std::size_t stall_passes = 0;
  /// Initial guess; empty (default) means the weighted Euclidean mean.
  Eigen::MatrixXd init;
  /// Advanced by one per iteration (max_iterations bounds the total). Not owned; null: none.
  Progress* progress = nullptr;
  /// Polled before each iteration: once raised, mean_riemann returns the current iterate with
  /// run.termination = Termination::user_stopped. Not owned; null: never cancelled.
  const CancellationFlag* cancel = nullptr;
  /// @throw sampo::invalid_argument naming the field (tolerance <= 0 or not finite).
  void validate() const;
};

/// A mean and how it was obtained.
struct MeanResult {
  Eigen::MatrixXd mean;  ///< the mean matrix (symmetric)
  /// converged: ||J||_F <= tolerance; numerical_failure: the step nu fell to the tolerance
  /// first (pyRiemann's second stop rule, taken silently there), or ||J||_F stalled
  /// (MeanOptions::stall_passes); user_stopped: options.cancel
  /// was raised; max_iterations otherwise.
  /// iterations = passes made; evaluations = matrix logarithms taken; message: final ||J||_F
  /// (and nu when the step fell to the tolerance).
  sampo::Run run;
  double gradient_norm = 0.0;  ///< ||J||_F of the last pass (0 for closed-form means)
};

/// Riemannian mean of @p xs with weights @p weights (empty: equal weights).
/// @throw sampo::invalid_argument if xs is empty, a matrix is not SPD or of another size
///        ("matrix 3"), a weight is negative or not finite, the weights sum to 0, their
///        count differs from xs.size(), or options/init are bad.
[[nodiscard]] MeanResult mean_riemann(
    const std::vector<Eigen::MatrixXd>& xs, const MeanOptions& options = {},
    const Eigen::Ref<const Eigen::VectorXd>& weights = Eigen::VectorXd());

/// Log-Euclidean mean exp(sum_i w_i log X_i) (closed form).
/// @throw sampo::invalid_argument as mean_riemann.
[[nodiscard]] Eigen::MatrixXd mean_logeuclid(
    const std::vector<Eigen::MatrixXd>& xs,
    const Eigen::Ref<const Eigen::VectorXd>& weights = Eigen::VectorXd());

/// Euclidean mean sum_i w_i X_i. @throw sampo::invalid_argument for empty input, size
/// mismatch, non-finite entries or bad weights (SPD is not required).
[[nodiscard]] Eigen::MatrixXd mean_euclid(
    const std::vector<Eigen::MatrixXd>& xs,
    const Eigen::Ref<const Eigen::VectorXd>& weights = Eigen::VectorXd());

/// The mean of @p metric (closed-form means report converged after 0 iterations).
/// @throw as the chosen mean.
[[nodiscard]] MeanResult mean(const std::vector<Eigen::MatrixXd>& xs, Metric metric,
                              const MeanOptions& options = {},
                              const Eigen::Ref<const Eigen::VectorXd>& weights = Eigen::VectorXd());

}  // namespace sampo::riemann

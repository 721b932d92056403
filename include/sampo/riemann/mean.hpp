#pragma once
/// @file
/// Means of SPD matrices: Riemannian (Karcher / Frechet mean under the affine-invariant
/// metric), log-Euclidean and Euclidean, optionally weighted.
///
/// mean_riemann reproduces pyRiemann's `mean_riemann` iteration step for step (Congedo et
/// al. 2015 step rule): start from the weighted Euclidean mean M; repeat
///   J = sum_i w_i log(M^{-1/2} X_i M^{-1/2});  M <- M^{1/2} exp(nu J) M^{1/2};
///   crit = ||J||_F;  if nu crit < tau { nu *= 0.95; tau = nu crit } else nu *= 0.5;
///   stop if crit <= tolerance or nu <= tolerance;
/// starting with nu = 1, tau = +inf. The weights are normalized to sum to 1. The sum over
/// matrices is reduced in a fixed order, so the result does not depend on the thread count.

#include <cstddef>
#include <vector>

#include "sampo/core/cancellation.hpp"
#include "sampo/core/eigen.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/riemann/metric.hpp"

namespace sampo::riemann {

/// Options of the Riemannian mean (defaults: pyRiemann's tol = 10e-9 = 1e-8, maxiter = 50).
struct MeanOptions {
  double tolerance = 1e-8;          ///< stop when ||J||_F <= tolerance or the step nu <= tolerance
  std::size_t max_iterations = 50;  ///< iteration budget (0: return the initial guess)
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
  /// first (pyRiemann's second stop rule, taken silently there); user_stopped: options.cancel
  /// was raised; max_iterations otherwise.
  /// iterations = passes made; evaluations = matrix logarithms taken; message: final ||J||_F
  /// and nu.
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

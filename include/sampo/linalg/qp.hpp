#pragma once
/// @file
/// Small dense convex quadratic programs
///     minimize f(x) = ½ xᵀ H x + gᵀ x,  H symmetric positive semidefinite,
/// over the probability simplex {x >= 0, Σ x = 1} or a box {l <= x <= u} (n up to a few
/// hundred; meant for n <~ 50, e.g. weights combining surrogate models).
///
/// Method. Accelerated projected gradient (FISTA, step 1/L with L = λ_max(H), with the
/// O'Donoghue–Candès gradient restart), using the exact Euclidean projection onto the feasible
/// set (sort-based for the simplex, clamping for the box). Every few iterations an *active-set
/// polish* solves the equality-constrained QP on the current free variables exactly (KKT
/// system by complete orthogonal decomposition, so a singular H is fine) and keeps it if it is
/// feasible and lowers the KKT residual; once the active set is identified this ends the
/// iteration at machine precision.
///
/// Optimality measure. With b = max(1, ‖l‖_∞, ‖u‖_∞) (b = 1 on the simplex), the gradient
/// scale s = λ_max(H)·b + ‖g‖_∞ (s = 1 if that is 0) and P the projection,
///     kkt_residual = ‖x − P(x − (b/s)·∇f(x))‖_∞ / b,
/// the projected-gradient (natural) residual, zero exactly at a KKT point. It is
/// dimensionless and unchanged when f is multiplied by a constant; the run converges when it
/// is <= options.tolerance. Non-convergence is reported in QpResult::run, never thrown.

#include <cstddef>

#include "sampo/core/cancellation.hpp"
#include "sampo/core/eigen.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::linalg {

/// Options of qp_simplex / qp_box.
struct QpOptions {
  double tolerance = 1e-12;            ///< on kkt_residual (see the file comment)
  std::size_t max_iterations = 20000;  ///< projected-gradient iterations
  /// Advanced by one per iteration (max_iterations bounds the total). Not owned; null: none.
  Progress* progress = nullptr;
  /// Polled before each iteration: once raised, the run returns its current (feasible) iterate
  /// with run.termination = Termination::user_stopped. Not owned; null: never cancelled.
  const CancellationFlag* cancel = nullptr;

  /// @throw sampo::invalid_argument if tolerance is not finite and > 0 or max_iterations = 0.
  void validate() const;
};

/// Result of qp_simplex / qp_box.
struct QpResult {
  Eigen::VectorXd x;          ///< the minimizer (feasible: on the simplex up to rounding)
  double objective = 0;       ///< f(x)
  double kkt_residual = 0;    ///< relative KKT residual at x (see the file comment)
  /// termination (converged | max_iterations | numerical_failure | user_stopped), message,
  /// iterations, evaluations (products H·v), seconds.
  Run run;
};

/// Euclidean projection of @p v onto the probability simplex {x >= 0, Σx = 1}
/// (exact, sort-based, O(n log n)).
/// @throw sampo::invalid_argument if @p v is empty or not finite.
[[nodiscard]] Eigen::VectorXd project_to_simplex(const Eigen::Ref<const Eigen::VectorXd>& v);

/// Minimizes ½xᵀHx + gᵀx over the probability simplex.
/// @param h n x n symmetric positive semidefinite (eigenvalues >= -1e-10·‖H‖₂ accepted).
/// @param g n-vector.
/// @throw sampo::invalid_argument on empty, mismatched, non-finite, non-symmetric or
///        indefinite input (the message gives the smallest eigenvalue), or bad @p options.
[[nodiscard]] QpResult qp_simplex(const Eigen::Ref<const Eigen::MatrixXd>& h,
                                  const Eigen::Ref<const Eigen::VectorXd>& g,
                                  const QpOptions& options = {});

/// Minimizes ½xᵀHx + gᵀx over the box lower <= x <= upper.
/// @param h, g as qp_simplex.
/// @param lower, upper finite n-vectors with lower <= upper (equal entries fix a variable).
/// @throw sampo::invalid_argument as qp_simplex, or on bounds of the wrong size, non-finite
///        or with lower_i > upper_i (the message names i).
[[nodiscard]] QpResult qp_box(const Eigen::Ref<const Eigen::MatrixXd>& h,
                              const Eigen::Ref<const Eigen::VectorXd>& g,
                              const Eigen::Ref<const Eigen::VectorXd>& lower,
                              const Eigen::Ref<const Eigen::VectorXd>& upper,
                              const QpOptions& options = {});

}  // namespace sampo::linalg

#pragma once
/// @file
/// Solving A X = B for symmetric positive definite A by Cholesky factorization, with a guard
/// on the condition number.
///
/// Error model (chosen for this module): *bad input* throws — a non-square, non-finite or
/// non-symmetric A, a B of the wrong height, or an A that is not numerically positive definite
/// (sampo::invalid_argument with A's smallest eigenvalue, via sampo::throw_not_spd). *Ill-
/// conditioning* is an outcome: the solution is still computed and returned, and
/// `CholeskyResult::well_conditioned` is false, run.termination numerical_failure and
/// run.message gives the estimated condition number. Callers that cannot use an inaccurate answer check `ok()`. The relative error of X
/// is about κ₁(A)·eps, where κ₁(A) ≈ 1/rcond is LAPACK's 1-norm condition estimate.

#include <string>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::linalg {

/// Options of cholesky_solve.
struct CholeskyOptions {
  /// Largest acceptable estimated 1-norm condition number κ₁(A) ≈ 1/rcond; beyond it the
  /// result is flagged (well_conditioned = false). 1e12 leaves ~4 correct digits.
  double max_condition = 1e12;

  /// @throw sampo::invalid_argument if max_condition is not finite and >= 1.
  void validate() const;
};

/// Result of cholesky_solve.
struct CholeskyResult {
  Eigen::MatrixXd solution;       ///< X with A X = B (same columns as B)
  Eigen::MatrixXd factor;         ///< L, lower triangular, A = L Lᵀ
  double rcond = 0.0;             ///< reciprocal 1-norm condition estimate (Eigen::LLT::rcond)
  double condition_estimate = 0;  ///< 1 / rcond (+inf when rcond == 0)
  bool well_conditioned = false;  ///< condition_estimate <= options.max_condition
  /// termination: converged when well conditioned, numerical_failure when not (the solution is
  /// still there); message: the condition estimate against max_condition (and, when ill
  /// conditioned, the expected relative error); iterations = evaluations = 0; seconds.
  Run run;
  /// Empty when well conditioned, else run.message. Deprecated: read run.message; removed in
  /// 0.2. (Not marked [[deprecated]]: GCC would then warn in every copy of the struct.)
  std::string message;

  /// True when the solution can be trusted to about log10(eps·κ) digits.
  [[nodiscard]] bool ok() const noexcept { return well_conditioned; }
};

/// Solves A X = B with A symmetric positive definite (Cholesky A = L Lᵀ, two triangular
/// solves). B may be a vector (one column) or a matrix of right-hand sides.
/// @param a       n x n symmetric positive definite, finite.
/// @param b       n x k right-hand sides, finite (k >= 1).
/// @param options the condition guard.
/// @return the solution, the factor and the conditioning verdict (see the file comment).
/// @throw sampo::invalid_argument on bad shapes, non-finite entries, non-symmetric @p a, an
///        @p a that is not positive definite (message: smallest eigenvalue), or bad @p options.
[[nodiscard]] CholeskyResult cholesky_solve(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                           const Eigen::Ref<const Eigen::MatrixXd>& b,
                                           const CholeskyOptions& options = {});

/// The former name of CholeskyResult, deprecated: kept through the 0.1 series, removed in 0.2.
using CholeskySolve [[deprecated("renamed sampo::linalg::CholeskyResult")]] = CholeskyResult;

}  // namespace sampo::linalg

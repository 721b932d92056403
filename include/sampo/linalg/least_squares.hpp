#pragma once
/// @file
/// Ordinary least squares with coefficient covariance, by column-pivoted Householder QR.
///
/// Method. The design D = [1, X] (or X) is first equilibrated by exact powers of two (each
/// column scaled to a 2-norm in [1/2, 1), which introduces no rounding error and makes the
/// pivoting and the rank decision independent of the units of the columns), then factored
/// D S P = Q R with column pivoting. The coefficients solve R β = Qᵀ y; the covariance is
/// σ̂² (DᵀD)⁻¹ = σ̂² S P R⁻¹ R⁻ᵀ Pᵀ S with σ̂² = RSS / (n - rank). Normal equations are never
/// formed, so the error of β is governed by κ(D S) (not its square) for a small residual.
///
/// Accuracy. On NIST StRD Longley (κ₂(D) ≈ 4.86e9 unscaled, κ₂(D S) ≈ 5.4e4 after
/// equilibration) the coefficients and standard deviations agree with the certified values to
/// 11 or more significant digits (see tests/linalg/test_least_squares.cpp).
///
/// Rank deficiency is reported, not thrown: with numerical rank r < m, the coefficients of the
/// m - r columns the pivoting left out ("aliased", like R's NA coefficients) are set to 0 (a
/// basic least-squares solution), their standard errors and covariance rows/columns are NaN,
/// and rank_deficient = true.

#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::linalg {

/// Options of ols().
struct OlsOptions {
  /// Prepend a column of ones; coefficient 0 is then the intercept.
  bool add_intercept = true;
  /// A pivot |R_kk| <= rank_tolerance·|R_00| of the equilibrated design counts as zero
  /// (|R_kk|/|R_00| estimates 1/κ; 1e-10 declares rank deficiency only where at most ~6
  /// digits of the coefficients would be meaningful).
  double rank_tolerance = 1e-10;

  /// @throw sampo::invalid_argument if rank_tolerance is not in [0, 1).
  void validate() const;
};

/// Result of ols(). Coefficient order: [intercept,] columns of X.
struct OlsResult {
  Eigen::VectorXd coefficients;     ///< β (0 for aliased columns)
  Eigen::VectorXd standard_errors;  ///< sqrt(diag(covariance)) (NaN for aliased columns)
  Eigen::MatrixXd covariance;       ///< σ̂² (DᵀD)⁻¹ on the estimable coefficients (NaN elsewhere)
  double residual_variance = 0;     ///< σ̂² = RSS / degrees_of_freedom (NaN if dof = 0)
  double residual_std = 0;          ///< σ̂
  /// 1 - RSS/TSS, TSS centred about the mean with an intercept, uncentred (Σy²) without
  /// (R's convention); NaN when TSS = 0.
  double r_squared = 0;
  Eigen::Index rank = 0;            ///< numerical rank of the design
  bool rank_deficient = false;      ///< rank < number of coefficients
  std::vector<Eigen::Index> aliased;  ///< indices of coefficients left out (rank deficiency)
  Eigen::Index degrees_of_freedom = 0;  ///< n - rank
  Eigen::VectorXd residuals;        ///< y - D β
  /// termination = converged (a direct method; rank deficiency is the outcome above);
  /// message: the rank and the aliased coefficients; iterations = evaluations = 0; seconds.
  Run run;
};

/// Ordinary least squares min ‖y - D β‖₂ with D = [1, X] (add_intercept) or X.
/// @param x       n x k predictors (k may be 0 with an intercept), finite.
/// @param y       n responses, finite.
/// @param options intercept and rank tolerance.
/// @return coefficients, standard errors, covariance, residual variance, R², rank, residuals.
/// @throw sampo::invalid_argument if n = 0, the design has no column, y.size() != x.rows(), an
///        entry is not finite, or @p options is invalid.
[[nodiscard]] OlsResult ols(const Eigen::Ref<const Eigen::MatrixXd>& x,
                            const Eigen::Ref<const Eigen::VectorXd>& y,
                            const OlsOptions& options = {});

}  // namespace sampo::linalg

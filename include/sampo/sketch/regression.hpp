#pragma once
/// @file
/// ℓp regression: min_x ‖Ax − b‖_p for 1 <= p < inf.
///
/// Method. With U an orthonormal basis of range(A) (A = U·T⁻¹ on the range; thin QR and SVD of
/// R), minimize ‖Uy − b‖_p and return x = T y (for a rank-deficient A, the solution with no
/// component in A's numerical null space). The solver is IRLS in its Newton form: each step
/// solves the weighted least-squares system Uᵀ diag(φ''(r)) U Δ = −Uᵀφ'(r) for the smoothed
/// objective Σ φ(r_j), φ(r) = (r² + η²)^{p/2}, **safeguarded** by a backtracking line search
/// (Armijo, so the smoothed objective decreases at every step and the iteration converges for
/// every p). η = 0 for p >= 2. For p < 2, and p = 1 in particular (an LP, where plain IRLS
/// weights |r|^{p−2} blow up at zero residuals), η starts at the RMS ℓ2 residual and is divided
/// by 10 per stage down to the floor smoothing_floor·RMS: the smoothing changes the objective by
/// at most n·η^p, and the certificate below measures what is left. For p = 1 each stage also
/// tries the vertex fitting the r smallest residuals exactly, with its exact LP dual.
/// Certificate: for any u with Uᵀu = 0, ‖Ux − b‖_p >= −uᵀb/‖u‖_q (Hölder, 1/p + 1/q = 1); u is
/// the gradient φ'(r) projected onto null(Uᵀ). The run converges when the relative gap
/// (objective − lower_bound)/objective is <= tolerance.

#include <cstddef>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::sketch {

/// Options of lp_regression.
struct LpRegressionOptions {
  double tolerance = 1e-8;           ///< certified relative gap on ‖Ax − b‖_p
  std::size_t max_iterations = 400;  ///< Newton (IRLS) iterations over all smoothing stages
  double smoothing_floor = 1e-12;    ///< p < 2: smallest η relative to the RMS ℓ2 residual

  /// @throw sampo::invalid_argument naming the field if tolerance or smoothing_floor is not in
  ///        (0, 1) or max_iterations = 0.
  void validate() const;
};

/// Result of lp_regression.
struct LpRegressionResult {
  Eigen::VectorXd x;          ///< the minimizer found
  double objective = 0.0;     ///< ‖Ax − b‖_p at x
  double lower_bound = 0.0;   ///< certified lower bound on min ‖Ax − b‖_p
  double relative_gap = 0.0;  ///< (objective − lower_bound)/objective (0 for an exact fit)
  Eigen::Index rank = 0;      ///< numerical rank of A
  Run run;                    ///< iterations, termination (converged iff gap <= tolerance)
};

/// ℓp regression (see the file comment).
/// @param a n x d, n >= d, finite, not all zero.
/// @param b n-vector, finite.
/// @param p 1 <= p < inf.
/// @throw sampo::invalid_argument on bad input (naming the argument) or options.
[[nodiscard]] LpRegressionResult lp_regression(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                               const Eigen::Ref<const Eigen::VectorXd>& b,
                                               double p, const LpRegressionOptions& options = {});

/// What a sample costs in regression: x̃ = argmin ‖S(Ax − b)‖_p against x* = argmin ‖Ax − b‖_p.
struct RegressionRatioResult {
  /// ‖Ax̃ − b‖_p / ‖Ax* − b‖_p: >= 1 up to the two solves' certified gaps; 1 for a perfect sample.
  double ratio = 1.0;
  LpRegressionResult full;     ///< the full problem's solve (x*)
  LpRegressionResult sampled;  ///< the sampled problem's solve (x̃)
  /// iterations of both solves; converged iff both converged; seconds of the call.
  Run run;
};

/// The regression-error ratio of an ℓp sample (rows @p indices of A and b, each rescaled by its
/// @p weights entry, as sample_rows returns them).
/// @throw sampo::invalid_argument on bad input (naming the argument): an index outside
///        [0, n), weights not positive or of another length than indices, fewer sampled rows
///        than columns.
[[nodiscard]] RegressionRatioResult regression_error_ratio(
    const Eigen::Ref<const Eigen::MatrixXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b,
    const std::vector<Eigen::Index>& indices, const Eigen::Ref<const Eigen::VectorXd>& weights,
    double p, const LpRegressionOptions& options = {});

}  // namespace sampo::sketch

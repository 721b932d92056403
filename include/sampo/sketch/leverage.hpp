#pragma once
/// @file
/// Root leverage scores and approximate leverage scores of a tall matrix A (n x d).
///
/// Exact leverage scores τ_i = ‖e_iᵀU‖² (U an orthonormal basis of range(A)) are
/// sampo::linalg::leverage_scores (QR/TSQR and Gram routes); this header builds on them.
///
/// **Root leverage scores** (Woodruff & Yasuda 2023, Yasuda's thesis ch. 8) upper-bound the ℓp
/// sensitivities: s_i = τ_i^{p/2} for p <= 2 and s_i = min{1, n^{p/2−1} τ_i^{p/2}} for p > 2.
/// Sums: Σ τ_i^{p/2} <= n^{1−p/2} d^{p/2} (p < 2), Σ s_i <= 2 n^{1−2/p} d (p > 2).
///
/// **Approximate leverage scores** (Drineas, Magdon-Ismail, Mahoney & Woodruff, JMLR 2012, with
/// the sparse embedding of Clarkson & Woodruff 2013): a CountSketch S (m x n: row i of A is
/// added, with a random sign, to one of m buckets) gives SA and a whitening T (SA·T has
/// orthonormal columns spanning range(SA)): the squared row norms of A·T are within
/// [1/(1+ε_S)², 1/(1−ε_S)²] of τ when S is an ε_S subspace embedding of range(A). A Gaussian
/// JL matrix G (r x k, entries N(0, 1/k)) then gives τ̃_i = ‖(A·T·G)_i‖², within (1 ± ε_J) of
/// ‖(A·T)_i‖² for every row when k >= 8 ln(2n/δ)/ε_J². The stated bound uses
/// ε_S = sqrt((r² + r)/(δ·m)) (CountSketch, Nelson & Nguyen 2013) and ε_J = sqrt(8 ln(2n/δ)/k),
/// and holds with probability >= 1 − 2δ:
///     (1 − ε_J)/(1 + ε_S)² · τ_i <= τ̃_i <= (1 + ε_J)/(1 − ε_S)² · τ_i.
/// When m >= n no sketch is used (SA = A, ε_S = 0).
/// Whitening, two routes (run.message says which):
/// - Cholesky: (SA)ᵀSA = LLᵀ, T = L⁻ᵀ = R⁻¹ (R = Lᵀ is SA's triangular factor up to signs; A·R⁻¹
///   has the row norms of A·V_r Σ_r⁻¹), taken when the rounding allowance
///   ρ = d·eps·κ₁((SA)ᵀSA) is <= 1e-6; the bound above is then widened by ρ (ratio_lower times
///   1 − ρ, ratio_upper times 1 + ρ) for the rounding of forming (SA)ᵀSA (order κ(SA)²·eps).
/// - QR + SVD otherwise (ill-conditioned or rank-deficient SA): SA = Q_S R, R = U_R Σ V_Rᵀ,
///   T = V_r Σ_r⁻¹ over the numerical rank r (σ > max(n, d)·eps·σ_1).
/// Cost: O(nnz(A)) for SA, m d² + d³/3 for its Gram matrix and Cholesky (2md² + O(d³) on the
/// QR + SVD route), 2 nnz(A)·k for the scores. All randomness comes from
/// sampo::parallel::RandomStream (seed, stream 0: buckets and signs, one sample index per row;
/// stream 1: G, one per column), and every parallel step uses fixed blocks and fixed summation
/// orders, so the scores are a pure function of (A, options), independent of the thread count.

#include <cstdint>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

#include <Eigen/SparseCore>

namespace sampo::sketch {

/// Root leverage scores from leverage scores @p tau of an n-row matrix (see the file comment).
/// @param tau leverage scores (each in [0, 1] up to rounding), n = tau.size().
/// @param p   1 <= p < inf.
/// @throw sampo::invalid_argument if @p tau is empty or has an entry outside [0, 1 + 1e-8] or
///        non-finite, or @p p is not finite and >= 1.
[[nodiscard]] Eigen::VectorXd root_leverage_scores(const Eigen::Ref<const Eigen::VectorXd>& tau,
                                                   double p);

/// Options of approximate_leverage_scores.
struct ApproxLeverageOptions {
  /// Target relative error ε in (0, 1): the automatic sizes aim at ε_S = ε_J = ε/4, which makes
  /// the stated bound at least as tight as [1 − ε, 1 + ε] for ε <= 1/2.
  double epsilon = 0.5;
  /// Failure probability δ in (0, 1) of each of the two steps.
  double delta = 0.1;
  /// CountSketch rows m; 0 = automatic, ⌈(d² + d)/(δ ε_S²)⌉ (then no sketch when that is >= n).
  Eigen::Index sketch_rows = 0;
  /// JL dimension k; 0 = automatic, ⌈8 ln(2n/δ)/ε_J²⌉.
  Eigen::Index jl_dimension = 0;
  std::uint64_t seed = 0;  ///< master seed of the random streams

  /// @throw sampo::invalid_argument naming the field if epsilon or delta is not in (0, 1) or
  ///        sketch_rows or jl_dimension is negative.
  void validate() const;
};

/// Result of approximate_leverage_scores.
struct ApproxLeverageResult {
  Eigen::VectorXd scores;        ///< τ̃_i, one per row
  Eigen::Index rank = 0;         ///< numerical rank of SA (of A when no sketch is used; d on the Cholesky route)
  Eigen::Index sketch_rows = 0;  ///< m used (n when no sketch)
  Eigen::Index jl_dimension = 0; ///< k used
  double ratio_lower = 0.0;      ///< stated lower bound of τ̃_i/τ_i (0 when ε_J >= 1)
  double ratio_upper = 0.0;      ///< stated upper bound of τ̃_i/τ_i (+inf when ε_S >= 1)
  Run run;                       ///< converged; message: sizes and the whitening route; seconds
};

/// Approximate leverage scores of a dense tall matrix (see the file comment).
/// @throw sampo::invalid_argument if @p a is empty, wide, non-finite, or options are invalid.
[[nodiscard]] ApproxLeverageResult approximate_leverage_scores(
    const Eigen::Ref<const Eigen::MatrixXd>& a, const ApproxLeverageOptions& options = {});

/// Approximate leverage scores of a sparse tall matrix: the CountSketch costs O(nnz(A)) and
/// A·(T G) one sparse-dense product. Same streams as the dense overload, so a matrix gives the
/// same scores, up to rounding, stored dense or sparse.
[[nodiscard]] ApproxLeverageResult approximate_leverage_scores(
    const Eigen::SparseMatrix<double>& a, const ApproxLeverageOptions& options = {});

}  // namespace sampo::sketch

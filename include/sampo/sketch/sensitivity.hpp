#pragma once
/// @file
/// ℓp sensitivities of a tall matrix A (n x d, rows a_iᵀ):
///     σ_i = sup_{Ax ≠ 0} |a_iᵀx|^p / ‖Ax‖_p^p,   1/σ_i = min_{a_iᵀx = 1} ‖Ax‖_p^p,
/// and the total sensitivity 𝔖 = Σ σ_i (Woodruff & Yasuda, ICML 2023, Def. 1.1). σ_i depends
/// only on range(A); 0 <= σ_i <= 1; p = 2 gives the leverage scores and 𝔖 = rank. Zero rows
/// have σ_i = 0. Bounds (checked by the tests): for p < 2, d^{p/2−1} w_i <= σ_i <= w_i and
/// σ_i <= τ_i^{p/2}; for p > 2, w_i <= σ_i <= d^{p/2−1} w_i (w the Lewis weights, τ leverage,
/// d the rank).
///
/// Method (exact). With U an orthonormal basis of range(A) (thin QR and SVD of R) the problem
/// of row i is min ‖Uy‖_p subject to u_iᵀy = 1, a convex problem in rank(A) unknowns, solved by
/// damped Newton from the ℓ2 solution y = u_i/‖u_i‖² on the smoothed objective
/// Σ_j ((Uy)_j² + η²)^{p/2}: η = 0 for p >= 2 (the objective is then C²), and for p < 2 a
/// continuation η → η_min = smoothing_floor·RMS(start residual), dividing η by 10 per stage;
/// the intermediate stages stop Newton at a decrement of 1e-6 of the objective (they only give
/// the next stage its start), the last at 1e-13 (p = 1 is an LP; the smoothing keeps Newton
/// usable and its effect is measured by the certificate, never assumed). **Certificate**: for any u with Uᵀu = λu_i, Hölder gives
/// ‖Uy‖_p >= λ/‖u‖_q (1/p + 1/q = 1) for every feasible y; u is the gradient at the iterate,
/// projected. With L <= min ‖Ax‖_p <= U (U attained by a feasible x, L from u) each row gets
/// certified bounds 1/U^p <= σ_i <= 1/L^p, and it has converged when U − L <= tolerance·U.
/// For p = 1 (an LP) each stage also tries the vertex whose active set is the r − 1 smallest
/// residuals (the smallest independent ones when those are dependent), with its exact LP dual
/// (on a degenerate vertex's other zero residuals: the smoothed dual), which usually closes the
/// gap to rounding. Rows are solved in parallel (sampo::parallel::parallel_for, one
/// row per block); each row's computation is serial, so the result is bit-for-bit the same for
/// any thread count. Cost: about (Newton iterations) · n·d² per row, so Θ(n²d²) in all: meant
/// for n up to ~10⁴.
///
/// Method (approximate, Options::embedding_rows > 0). The same problems against a small ℓp
/// embedding SA (Lewis-weight sampling, sample_rows, with that many expected rows):
/// σ̂_i = sup_x |a_iᵀx|^p/‖SAx‖_p^p. If ‖SAx‖_p^p ∈ (1 ± ε)‖Ax‖_p^p for all x then
/// σ̂_i ∈ [σ_i/(1+ε), σ_i/(1−ε)] for every row, sampled or not; ε is not known a priori (use
/// sketch::distortion to measure it). Cost n·poly(d) plus the embedding.

#include <cstddef>
#include <cstdint>

#include <Eigen/SparseCore>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::sketch {

/// Options of lp_sensitivities.
struct SensitivityOptions {
  double tolerance = 1e-8;            ///< certified relative gap on each row's minimum norm
  std::size_t max_iterations = 400;   ///< Newton iterations per row (all smoothing stages)
  /// p < 2: the smallest smoothing η relative to the RMS start residual.
  double smoothing_floor = 1e-12;
  /// 0 = exact; > 0: approximate, against a Lewis-weight sample with this many expected rows.
  Eigen::Index embedding_rows = 0;
  std::uint64_t seed = 0;             ///< approximate only: the sample's seed
  int threads = 0;                    ///< OpenMP threads (0 = OMP_NUM_THREADS)
  /// p = 1 only: solve each row's linear program with GLPK's simplex instead of the smoothed
  /// Newton path (the dual form max λ s.t. Mᵀu = λc, ‖u‖_∞ <= 1: rank equality rows,
  /// n + 1 bounded columns), certified by the same Hölder bound. A cross-check of the default
  /// path; usually slower. Throws for p ≠ 1.
  bool use_glpk = false;

  /// @throw sampo::invalid_argument naming the field if tolerance is not in (0, 1),
  ///        max_iterations = 0, smoothing_floor is not in (0, 1), embedding_rows < 0 or
  ///        threads < 0.
  void validate() const;
};

/// Result of lp_sensitivities.
struct SensitivityResult {
  Eigen::VectorXd sensitivities;  ///< σ_i (1/upper-norm^p: attained by a feasible x)
  Eigen::VectorXd upper_bounds;   ///< certified σ_i upper bounds (1/lower-norm^p; +inf if none)
  double total = 0.0;             ///< 𝔖 = Σ σ_i
  Eigen::Index rank = 0;          ///< numerical rank of A
  double max_relative_gap = 0.0;  ///< max over rows of the certified relative gap on the norm
  std::size_t unconverged_rows = 0;
  bool approximate = false;       ///< against an embedding (see the file comment)
  Eigen::Index embedding_rows = 0;///< rows of the embedding used (approximate only)
  /// iterations = Newton iterations of all rows, evaluations = rows solved; converged iff
  /// every row met the tolerance.
  Run run;
};

/// ℓp sensitivities (see the file comment).
/// @param a n x d, n >= d, finite, not all zero.
/// @param p 1 <= p < inf.
/// @throw sampo::invalid_argument on bad input (naming the argument) or options.
[[nodiscard]] SensitivityResult lp_sensitivities(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                                 double p, const SensitivityOptions& options = {});

/// ℓp sensitivities of a sparse A, never forming A (or its n x rank basis U) densely.
/// Exact: T (d x rank, U = A·T) from R of A (linalg::sparse_qr_r: row blocks densified one at a
/// time) and the SVD of R, by the dense overload's rank rule; each row's problem runs the dense
/// overload's solver, certificate and stopping rule on the operator M = A·T: M y = A(T y),
/// Mᵀu = Tᵀ(Aᵀu) and the Newton matrix MᵀDM = Tᵀ(AᵀDA)T with AᵀDA (d x d) accumulated from each
/// row's non-zeros, so one Newton iteration costs about Σ_i nnz(a_i)² + d³ flops instead of
/// n·rank². M is orthonormal to about κ_r·eps (κ_r = σ_1/σ_r), not eps as the dense U: the
/// certificate's rounding grows alike. Approximate (embedding_rows > 0): Lewis weights of the
/// sparse A (lewis_weights(SparseMatrix)), the same sample as sample_rows draws, held dense
/// (embedding_rows x d: small), and c_i = Tᵀa_i from row i's non-zeros. Zero rows get σ_i = 0.
/// Rows in parallel, each serial: the same bits for any thread count (they may differ in the
/// last bits from the dense overload on the same matrix, within the certified bounds).
/// @param a n x d sparse, n >= d, finite (explicit zeros allowed), not all zero.
/// @throw sampo::invalid_argument as the dense overload, and for options.use_glpk (GLPK's LP
///        would hold the dense n x rank basis: use the dense overload for that cross-check).
[[nodiscard]] SensitivityResult lp_sensitivities(const Eigen::SparseMatrix<double>& a, double p,
                                                 const SensitivityOptions& options = {});

}  // namespace sampo::sketch

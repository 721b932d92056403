#pragma once
/// @file
/// ℓp Lewis weights of a tall matrix A (n x d): the unique w >= 0 with
///     w_i = τ_i(W^{1/2−1/p} A),  equivalently  w_i = (a_iᵀ (Aᵀ W^{1−2/p} A)⁻ a_i)^{p/2},
/// W = diag(w) (Lewis 1978; Cohen & Peng, STOC 2015). Σ w_i = rank(A); p = 2 gives the
/// leverage scores. Zero rows have w_i = 0 and are left out of the iteration (for p < 2,
/// w^{1/2−1/p} would be infinite there).
///
/// Method. The map T(w)_i = (w_i^{2/p−1} τ_i(W^{1/2−1/p}A))^{p/2}, each τ by
/// sampo::linalg::leverage_scores (exact), from w = rank/n' on the n' nonzero rows.
/// - p < 4: the Cohen–Peng iteration w ← T(w). It contracts by |1 − p/2| per iteration in
///   d(u, w) = max_i |log(u_i/w_i)| (τ(w) is 1-Lipschitz in that metric), so it converges for
///   every A; the iterations to accuracy ε grow like log(1/ε)/log(1/|1 − p/2|).
/// - p >= 4: the plain iteration need not converge (it diverges for p = 6 and 10 on Gaussian
///   data). sampo uses the damped update log w ← (1 − β) log w + β log T(w) with β = 4/(p + 2),
///   whose local contraction rate is (p − 2)/(p + 2). **This is a heuristic**: no global
///   convergence proof is known for it. Its answer is checked by the fixed-point residual below,
///   and the Result says whether the test was met.
/// Convergence test: the last change max_i |log w_i^{new} − log w_i| and the fixed-point
/// residual max_i |log T(w)_i − log w_i| are both <= tolerance.

#include <cstddef>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo/sketch/leverage.hpp"

#include <Eigen/SparseCore>

namespace sampo::sketch {

/// Options of lewis_weights.
struct LewisOptions {
  double tolerance = 1e-10;            ///< on the log change and the fixed-point residual
  std::size_t max_iterations = 1000;   ///< fixed-point iterations
  /// Damping β of the log-space update; 0 = automatic: 1 for p < 4, 4/(p + 2) for p >= 4.
  double damping = 0.0;
  linalg::LeverageOptions leverage;    ///< route of each inner leverage computation

  /// @throw sampo::invalid_argument naming the field if tolerance is not finite and > 0,
  ///        max_iterations is 0 or damping is not in [0, 1], or leverage is invalid.
  void validate() const;
};

/// Result of lewis_weights.
struct LewisResult {
  Eigen::VectorXd weights;     ///< w_i, one per row (0 on zero rows)
  Eigen::Index rank = 0;       ///< numerical rank of A; Σ w_i = rank at the fixed point
  double damping = 1.0;        ///< β used
  double residual = 0.0;       ///< max_i |log T(w)_i − log w_i| at the returned w
  double sum_error = 0.0;      ///< |Σ w_i − rank|
  Run run;                     ///< iterations (= leverage computations − 1), termination
};

/// ℓp Lewis weights (see the file comment).
/// @param a n x d, n >= d, finite, not all zero.
/// @param p 1 <= p < inf.
/// @throw sampo::invalid_argument on bad input (naming the argument) or options.
[[nodiscard]] LewisResult lewis_weights(const Eigen::Ref<const Eigen::MatrixXd>& a, double p,
                                        const LewisOptions& options = {});

/// ℓp Lewis weights of a sparse A, never densified: the same iteration, options and Result,
/// each leverage computation by linalg::leverage_scores's sparse overload (Gram AᵀA from the
/// non-zeros, per-row solves over each row's non-zeros; the QR fallback on a rank-deficient or
/// ill-conditioned scaled matrix, see sampo/linalg/leverage.hpp). Rows with no nonzero value
/// get w = 0. The same bits for any thread count; within the leverage routes' error model of
/// the dense overload's weights (other summation orders).
/// @throw sampo::invalid_argument as the dense overload (a(i, j) names a non-finite entry).
[[nodiscard]] LewisResult lewis_weights(const Eigen::SparseMatrix<double>& a, double p,
                                        const LewisOptions& options = {});

/// Options of approximate_lewis_weights.
struct ApproxLewisOptions {
  /// Each leverage step: approximate_leverage_scores with these options (its seed is the master
  /// seed; step t uses a seed drawn from RandomStream(seed, 2, t)). δ defaults to 0.01 here, so
  /// that the union bound over the steps stays meaningful (failure_probability = 2δ·steps).
  ApproxLeverageOptions leverage = [] {
    ApproxLeverageOptions o;
    o.delta = 0.01;
    return o;
  }();
  std::size_t max_iterations = 100;  ///< leverage steps at most

  /// @throw sampo::invalid_argument naming the field if max_iterations is 0 or leverage is
  ///        invalid.
  void validate() const;
};

/// Result of approximate_lewis_weights.
struct ApproxLewisResult {
  Eigen::VectorXd weights;        ///< w̃_i, one per row (0 on zero rows)
  Eigen::Index rank = 0;          ///< numerical rank of the first sketch
  /// Stated bound E on max_i |log(w̃_i/w_i)| (w the exact Lewis weights): w̃_i/w_i ∈ [e^−E, e^E]
  /// for every row when every step's leverage bound held (see failure_probability).
  double error_bound = 0.0;
  double failure_probability = 0.0;  ///< min{1, 2δ·steps}: the union bound over the steps
  double leverage_log_error = 0.0;   ///< L = max |log| of the steps' stated ratio bounds
  double last_change = 0.0;          ///< Δ = max_i |log w̃_i − log w̃_i^{previous}| at the end
  Run run;  ///< iterations (= steps − 1); converged when the iteration term γΔ <= (p/2)L
};

/// ℓp Lewis weights on approximate leverage scores, for 1 <= p < 4: the Cohen–Peng iteration
/// w ← T(w) of lewis_weights with each leverage computation τ(W^{1/2−1/p}A) replaced by
/// approximate_leverage_scores (Drineas, Magdon-Ismail, Mahoney & Woodruff 2012: CountSketch,
/// then Johnson–Lindenstrauss), so each step costs O(nnz(A) + m d² + n d k) instead of an exact
/// leverage computation; a sparse A stays sparse.
///
/// Error. If each step's τ̃ is within its stated ratio bounds [ρ_lo, ρ_hi] of τ, the step
/// computes T(w)·c^{p/2} with c ∈ [ρ_lo, ρ_hi], i.e. log T plus at most (p/2)L,
/// L = max(|log ρ_lo|, |log ρ_hi|). T contracts by γ = |1 − p/2| < 1 in d(u, w) = max_i
/// |log(u_i/w_i)| (p < 4), so d(w̃_t, w) <= γ d(w̃_{t−1}, w) + (p/2)L, and with the last change
/// Δ = d(w̃_t, w̃_{t−1}) and the triangle inequality
///     d(w̃_t, w) <= (γΔ + (p/2)L)/(1 − γ) = error_bound,
/// an a-posteriori bound that holds with probability >= 1 − 2δ·steps (each step's leverage
/// bound holds with probability >= 1 − 2δ, fresh randomness per step). The iteration stops when
/// γΔ <= (p/2)L (more steps cannot lower the bound below (p/2)L/(1 − γ) by more than half),
/// or after max_iterations steps. p = 2 takes one step (w = τ̃).
/// The stated L is as conservative as approximate_leverage_scores's bounds: the measured errors
/// are far smaller (docs/sketch.md).
/// Reproducibility: a pure function of (A, p, options), the same bits for any thread count.
/// @param a n x d, n >= d, finite, not all zero.
/// @param p 1 <= p < 4 (for p >= 4 the iteration needs damping and has no such bound).
/// @throw sampo::invalid_argument on bad input (naming the argument) or options.
[[nodiscard]] ApproxLewisResult approximate_lewis_weights(
    const Eigen::Ref<const Eigen::MatrixXd>& a, double p, const ApproxLewisOptions& options = {});

/// The same for a sparse A (each step sketches W^{1/2−1/p}A in O(nnz(A))).
[[nodiscard]] ApproxLewisResult approximate_lewis_weights(
    const Eigen::SparseMatrix<double>& a, double p, const ApproxLewisOptions& options = {});

}  // namespace sampo::sketch

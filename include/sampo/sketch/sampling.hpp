#pragma once
/// @file
/// ℓp row sampling: independent Bernoulli sampling with q_i = min{1, s_i/α} for scores s, and
/// rescaling of every kept row by q_i^{−1/p} (the ℓp sampling matrix of Woodruff & Yasuda 2023,
/// Def. 6.1.1 of Yasuda's thesis), so that E‖SAx‖_p^p = ‖Ax‖_p^p for every x and
/// E[rows] = Σ q_i.
///
/// Scores: sensitivities (sketch::lp_sensitivities), Lewis weights (sketch::lewis_weights),
/// root leverage (sketch::root_leverage_scores), leverage (linalg::leverage_scores), uniform
/// (s_i = 1), or leverage and sensitivity combined (leverage_sensitivity_scores, the p > 2
/// scheme of Woodruff & Yasuda 2023); any upper bound s_i >= σ_i keeps the guarantees, with a sample size growing like
/// Σ s_i. α is chosen for a target expected row count (alpha_for_expected_rows: the exact
/// solution of Σ min{1, s_i/α} = m), or given.
///
/// Reproducibility: row i is kept iff RandomStream(seed, stream, i).uniform() < q_i, a pure
/// function of (seed, stream, i, q_i): the same sample for any number of threads or ranks, and
/// a row's fate does not depend on the other rows except through α.

#include <cstdint>
#include <string_view>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::sketch {

/// The scores a sample can be drawn by (sketch::sampling_scores computes them).
enum class ScoreKind { sensitivity, lewis, root_leverage, leverage, uniform, leverage_sensitivity };

/// "sensitivity", "lewis", "root-leverage", "leverage", "uniform", "leverage-sensitivity".
[[nodiscard]] std::string_view to_string(ScoreKind kind) noexcept;
/// Parses the names of to_string(); @throw sampo::invalid_argument otherwise.
[[nodiscard]] ScoreKind score_kind_from_string(std::string_view name);

/// The scores of @p kind for the ℓp problem on @p a with default options of the underlying
/// routine (leverage: linalg::leverage_scores; root leverage from those; Lewis weights;
/// exact sensitivities; uniform: all ones; leverage_sensitivity: leverage_sensitivity_scores of
/// the exact sensitivities and leverage scores).
/// @throw sampo::invalid_argument on bad input (naming the argument).
[[nodiscard]] Eigen::VectorXd sampling_scores(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                              double p, ScoreKind kind);

/// Leverage and sensitivity combined: s_i = 2[(1 − λ)σ_i/𝔖 + λτ_i/r] (𝔖 = Σσ, r = Στ, the
/// rank; λ = @p leverage_share), a mixture of the two sampling distributions with Σ s = 2, so
/// q_i = min{1, s_i/α} >= min{1, 2(1 − λ)σ_i/(α𝔖)} and >= min{1, 2λτ_i/(αr)}: with
/// m = 2/α expected rows (no q_i capped) the sample is at least as fine as sensitivity sampling
/// with (1 − λ)m rows and as leverage sampling with λm rows. This is the form of the p > 2
/// scheme that Woodruff & Yasuda (ICML 2023, arXiv:2306.00732) announce with
/// ≈ d^{2/p} 𝔖^{2−4/p} rows (against 𝔖^{2−2/p} for sensitivities alone). Why both parts: the
/// chaining bound for p > 2 (Lemma 7.4.2 of Yasuda's thesis) takes a bound τ on the sampled
/// matrix's leverage scores and a bound σ on its sensitivities separately; sensitivity sampling
/// alone bounds τ only through τ <= σ, leverage sampling bounds it directly. A theorem asking
/// q_i >= min{1, σ_i/α_σ} and q_i >= min{1, τ_i/α_τ} is met by this sum form with
/// α_σ = 𝔖/((1 − λ)m), α_τ = r/(λm); the only free choice is the share λ of the rows given to
/// leverage. The paper's own constants (which fix some λ) could not be read here, nor its
/// statement of the combined theorem; λ = 1/2 (equal masses, s = σ/𝔖 + τ/r) is sampo's
/// default. docs/sketch.md measures m* against λ (p = 3 and 6, d = 8–32): no λ needed fewer rows
/// than λ = 0, and leverage-heavy shares needed up to two grid steps (2^{1/4} each) more. λ = 0 is sensitivity sampling and λ = 1
/// leverage sampling, both scaled to Σ s = 2.
/// @param sigma sensitivities (or upper bounds), n entries, finite, >= 0, not all zero.
/// @param tau   leverage scores, n entries, finite, >= 0, not all zero (checked for any λ).
/// @param leverage_share λ in [0, 1]: the share of the expected rows drawn by leverage.
/// @throw sampo::invalid_argument naming the argument otherwise.
[[nodiscard]] Eigen::VectorXd leverage_sensitivity_scores(
    const Eigen::Ref<const Eigen::VectorXd>& sigma, const Eigen::Ref<const Eigen::VectorXd>& tau,
    double leverage_share = 0.5);

/// α for leverage_sensitivity_scores (Σ s = 2) from a target ε: the rows
/// m = ε⁻² d^{2/p} 𝔖^{2−4/p} of the bound Woodruff & Yasuda (2023) state for the combined scheme
/// (abstract of arXiv:2306.00732, polylog factors and constants omitted), and α = 2/m, so the
/// expected size is about m (exactly m when no q_i is capped at 1). Like alpha_for_epsilon for
/// p ≠ 2 this is a **heuristic** starting point: the theorem's constants are not stated; check
/// the sample with sketch::distortion.
/// @param epsilon target distortion, 0 < ε < 1.
/// @param p       2 < p < inf (the bound is stated for p > 2 only).
/// @param d       rank of A, >= 1.
/// @param total_sensitivity 𝔖 = Σσ_i, finite and > 0.
/// @throw sampo::invalid_argument naming the argument otherwise.
[[nodiscard]] double alpha_for_epsilon_leverage_sensitivity(double epsilon, double p,
                                                            Eigen::Index d,
                                                            double total_sensitivity);

/// α with Σ_i min{1, s_i/α} = m exactly (up to rounding), for 0 < m < #{s_i > 0}; when
/// m >= #{s_i > 0} every row with a positive score is kept and α = min positive s_i.
/// Sort-based, O(n log n).
/// @throw sampo::invalid_argument if @p scores is empty, negative, non-finite or all zero, or
///        @p m is not finite and > 0.
[[nodiscard]] double alpha_for_expected_rows(const Eigen::Ref<const Eigen::VectorXd>& scores,
                                             double m);

/// α = ε²/(3 ln(2d/δ)): the matrix Chernoff choice (Tropp 2012) that makes Bernoulli sampling
/// by any s_i >= τ_i (leverage) an ε subspace embedding for p = 2 with probability >= 1 − δ.
/// For p ≠ 2 the theorems (Woodruff & Yasuda 2023; Cohen & Peng 2015) carry unstated constants
/// and polylog factors: this α is then a **heuristic** starting point, to be checked with
/// sketch::distortion.
/// @throw sampo::invalid_argument unless 0 < ε < 1, 0 < δ < 1 and d >= 1.
[[nodiscard]] double alpha_for_epsilon(double epsilon, double delta, Eigen::Index d);

/// Options of sample_rows.
struct SampleOptions {
  double p = 2.0;              ///< the ℓp norm the sample preserves (rescaling q^{−1/p})
  double expected_rows = 0.0;  ///< target Σ q_i (> 0), unless alpha is given
  double alpha = 0.0;          ///< > 0: use this α (then expected_rows must be 0)
  std::uint64_t seed = 0;      ///< master seed
  std::uint64_t stream = 0;    ///< stream number (one per independent sample of one seed)

  /// @throw sampo::invalid_argument naming the field if p is not finite and >= 1, or not
  ///        exactly one of expected_rows and alpha is positive (both finite and >= 0).
  void validate() const;
};

/// A sample: the kept rows of A rescaled, their indices and weights.
struct SampleResult {
  Eigen::MatrixXd rows;               ///< SA: rows.row(k) = weights(k) · a_{indices[k]}ᵀ
  Eigen::VectorXd weights;            ///< q_i^{−1/p} of the kept rows
  std::vector<Eigen::Index> indices;  ///< kept rows of A, increasing
  Eigen::VectorXd probabilities;      ///< q_i for every row of A
  double alpha = 0.0;                 ///< α used
  double expected_rows = 0.0;         ///< Σ q_i
  Run run;                            ///< converged; evaluations = n; seconds
};

/// Draws an ℓp sample of the rows of @p a by @p scores (see the file comment).
/// @param a      n x d, finite, non-empty.
/// @param scores n non-negative finite scores, not all zero.
/// @throw sampo::invalid_argument on bad input (naming the argument), e.g. expected_rows > n.
[[nodiscard]] SampleResult sample_rows(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                       const Eigen::Ref<const Eigen::VectorXd>& scores,
                                       const SampleOptions& options);

}  // namespace sampo::sketch

#pragma once
/// @file
/// Several surrogate models combined into one control variate, with weights on the simplex
/// fitted by a quadratic program and cross-fitted.
///
/// Surrogate s logs at each critical step j the value V_s after the sampled action
/// (v_{js} = V_s(state_j, u_j), e.g. its crash-probability-to-go) and its naturalistic mean at
/// the step (c_{js} = Σ_u p(u|state_j) V_s(state_j, u)). With L_{j−1} = ∏_{l<j} w_l,
///     H_s = Σ_j L_{j−1}(w_j v_{js} − c_{js})
/// has mean 0 under q (each term is a martingale difference: E_q[w_j v_{js} | F_{j−1}] = c_{js}).
/// When V_s is the CAV's own crash-probability-to-go and only critical steps are random, the
/// sum telescopes and Y·L − H_s = μ: zero variance (the approximating-martingale control
/// variate of Henderson & Glynn).
///
/// The surrogates are combined linearly: V_λ = Σ λ_s V_s with λ >= 0, Σ λ_s = 1, so that
/// H_λ = Σ λ_s H_s. λ minimizes the sample variance of Y·L − λᵀH:
///     minimize ½ λᵀ S_HH λ − S_HYᵀ λ  over the simplex    (linalg::qp_simplex),
/// S the centred cross-products; this is the least-squares fit of the results on the
/// surrogates' predictions. λ_{−k} is fitted outside fold k and applied to fold k, so μ̂ is
/// unbiased.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sampo/mc/estimate.hpp"
#include "sampo/mc/test_log.hpp"

namespace sampo::mc {

/// How multi_surrogate() combines the surrogate controls.
enum class SurrogateWeights {
  simplex,  ///< λ >= 0, Σλ = 1: a convex combination of the surrogates (the QP above)
  /// λ free: the cross-fitted regression of Y·L on the H_s (control_variates.hpp). It may
  /// scale the surrogates down (λ → 0 when they do not help), so it is never much worse than
  /// importance sampling, where the simplex must keep a total weight of 1.
  free,
};

/// Options of multi_surrogate().
struct MultiSurrogateOptions : EstimatorOptions {
  SurrogateWeights weights = SurrogateWeights::simplex;
  int folds = 5;           ///< cross-fitting folds (>= 2), or 1 for in-sample weights
  std::uint64_t seed = 0;  ///< of the fold assignment
  void validate() const;
};

/// Result of multi_surrogate().
struct MultiSurrogateResult : Estimate {
  std::vector<std::string> surrogate_names;
  Eigen::VectorXd weights;          ///< λ fitted on all tests (reported; simplex or free)
  Eigen::MatrixXd fold_weights;     ///< row k: λ_{−k} applied to fold k
  Eigen::VectorXd single_variance;  ///< per surrogate: sample variance of Y·L − H_s
  double is_estimate = 0;           ///< mean of Y·L
  double r_squared = 0;             ///< 1 − s²/s²_IS
  /// The QP solves: converged unless one of them reported otherwise (then its message).
  Run qp_run;
};

/// Multi-surrogate control variate from a log whose schema has surrogates.
/// @throw sampo::invalid_argument if the log is empty, has no surrogates, fewer tests than
///        2·folds, or options are invalid.
[[nodiscard]] MultiSurrogateResult multi_surrogate(const TestLog& log,
                                                   const MultiSurrogateOptions& options = {});

/// The surrogate controls of test @p i, H_s = Σ_j L_{j−1}(w_j v_js − c_js), one per surrogate of
/// the schema: what multi_surrogate combines, from one test's steps alone (so
/// stream_estimate_csv can stream them).
/// @throw sampo::invalid_argument if @p i is not a test of @p log or @p controls does not have
///        one entry per surrogate.
void surrogate_controls(const TestLog& log, std::size_t i, std::span<double> controls);

}  // namespace sampo::mc

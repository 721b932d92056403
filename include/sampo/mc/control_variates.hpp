#pragma once
/// @file
/// Control variates by multiple linear regression with intercept, cross-fitted; and the
/// defensive-mixture estimator of Owen & Zhou built on it.
///
/// Given per-test values y_i (Y·L) and d controls h_i of known mean 0 under q,
///     μ̂_β = (1/n) Σ (y_i − βᵀh_i)
/// is unbiased for any fixed β, with variance (σ_y² − 2βᵀc + βᵀΣ_hβ)/n, least at the
/// regression slope β* = Σ_h⁻¹c (c = Cov(h, y)): Var* = σ_y²(1 − R²)/n. Estimating β on the
/// same tests biases μ̂ by O(1/n); **cross-fitting** removes that bias: the tests are split into
/// K folds (fold index from a seeded assignment), β_{−k} is the regression slope (with
/// intercept) on the tests outside fold k, and test i in fold k contributes
/// v_i = y_i − β_{−k}ᵀh_i. β_{−k} is independent of fold k's tests, so E[v_i] = μ exactly.
/// The standard error is that of the v_i (the residual spread about the intercept).
///
/// Constant controls (zero variance: the slope is undefined) are left out and reported;
/// collinear ones are solved by a rank-revealing decomposition of the correlation matrix
/// (minimum-norm slope) and the rank is reported. Neither crashes the estimator.

#include <cstdint>
#include <string>
#include <vector>

#include "sampo/mc/estimate.hpp"
#include "sampo/mc/test_log.hpp"

namespace sampo::mc {

/// Options of control_variates().
struct ControlVariateOptions : EstimatorOptions {
  /// Number of cross-fitting folds K (>= 2), or 1 for in-sample coefficients (the classical
  /// regression estimator, biased by O(1/n); offered to measure that bias).
  int folds = 5;
  std::uint64_t seed = 0;  ///< of the fold assignment
  /// Log controls to use, by name (empty: all of the log's controls). log API only.
  std::vector<std::string> controls;
  /// A correlation-matrix singular value <= rank_tolerance·largest counts as zero.
  double rank_tolerance = 1e-10;

  void validate() const;
};

/// Result of control_variates().
struct ControlVariateResult : Estimate {
  Eigen::VectorXd coefficients;       ///< β fitted on all tests (reported, not used for μ̂)
  Eigen::MatrixXd fold_coefficients;  ///< row k: β_{−k} applied to fold k
  std::vector<std::string> control_names;  ///< control j's name ("h<j>" for matrix input)
  std::vector<std::string> constant_controls;  ///< controls left out: zero variance
  Eigen::Index rank = 0;              ///< numerical rank of the controls' correlation matrix
  bool collinear = false;             ///< rank < number of non-constant controls
  double r_squared = 0;               ///< 1 − s²/s²_y: share of y's variance removed
  double is_estimate = 0;             ///< mean of y (the estimate without controls)
};

/// Cross-fitted regression estimator from per-test values and controls.
/// @param y  n values (e.g. Y·L), finite
/// @param h  n x d controls, each of known mean 0 under the sampling distribution, finite
/// @throw sampo::invalid_argument on empty or mismatched input, a non-finite entry (naming the
///        row), fewer tests than 2·folds, or invalid options.
[[nodiscard]] ControlVariateResult control_variates(const Eigen::Ref<const Eigen::VectorXd>& y,
                                                    const Eigen::Ref<const Eigen::MatrixXd>& h,
                                                    const ControlVariateOptions& options = {});

/// The same from a log: y_i = Y_i L_i and the log's per-test controls (options.controls).
/// @throw sampo::invalid_argument if the log has no controls or names an unknown one.
[[nodiscard]] ControlVariateResult control_variates(const TestLog& log,
                                                    const ControlVariateOptions& options = {});

/// Options of defensive_mixture().
struct DefensiveMixtureOptions : ControlVariateOptions {
  /// Mixture weights α_j of the components (>= 0, sum 1; α_0 > 0 makes the mixture defensive
  /// when component 0 is the naturalistic density p).
  Eigen::VectorXd alpha;
  void validate() const;
};

/// Result of defensive_mixture(): the control-variate result plus the mixture's own IS figures.
struct DefensiveMixtureResult : ControlVariateResult {};

/// Owen & Zhou's safe importance sampling: samples x_i from q_α = Σ_j α_j q_j, values
/// y_i = f(x_i)p(x_i)/q_α(x_i), controls h_j = q_j(x_i)/q_α(x_i) − 1 (mean 0; one of them is
/// redundant since Σ α_j h_j = 0, so the last is dropped), cross-fitted. With the optimal β
/// the variance is at most min_j σ²_{q_j}/α_j: never worse than 1/α_0 times that of
/// sampling from component 0 alone.
/// @param fp         n values f(x_i)·p(x_i)
/// @param components n x J densities q_j(x_i) (>= 0, finite, q_α(x_i) > 0)
/// @throw sampo::invalid_argument on bad shapes, values or options (naming the row).
[[nodiscard]] DefensiveMixtureResult defensive_mixture(
    const Eigen::Ref<const Eigen::VectorXd>& fp, const Eigen::Ref<const Eigen::MatrixXd>& components,
    const DefensiveMixtureOptions& options);

}  // namespace sampo::mc

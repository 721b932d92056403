#pragma once
/// @file
/// Sparse control variates over the critical steps of sequential importance-sampled tests,
/// in a provably unbiased form (the default) and in the published stratified form.
///
/// A test draws actions u_1, u_2, ... at its critical steps from q(·|history) instead of
/// p(·|history); w_j = p_j/q_j. Given everything before u_j is drawn (the history F_{j−1}),
///     E_q[w_j − 1 | F_{j−1}] = Σ_u q(u)·p(u)/q(u) − 1 = 0   (q > 0 wherever p > 0).
/// So for any Z_{j−1} known before u_j (the step's position, its predictable features, the
/// product of earlier factors (w_l − 1)), Z_{j−1}(w_j − 1) is a martingale difference: its mean
/// is 0 whatever else happens in the test, including how many critical steps follow.
///
/// Unbiased form (Stratification::none). Controls, all of mean 0 under q:
///   - order 1: for positions g = 1..G−1, h_g = w_g − 1 (0 when the test has fewer steps);
///     h_G = Σ_{j>=G} (w_j − 1);
///   - features: h_{g,f} = Σ_{j in bucket g} φ_{j,f}(w_j − 1) for each schema feature f;
///   - order k >= 2: ∏_{j∈S}(w_j − 1) for every set S of k positions among 1..G (0 when a
///     position is missing);
///   - optionally (`weighted`): L_{j−1}(w_j − 1) summed per position bucket, L_{j−1} = ∏_{l<j} w_l.
/// Coefficients are fitted by cross-fitted regression (control_variates.hpp), so μ̂ is unbiased.
///
/// Stratified form (Stratification::by_critical_count), as the sparse-control-variate papers
/// publish it: tests are grouped by their number K of critical steps (capped at G); in stratum
/// k the controls w_j − 1 (j <= min(k, G), and their products up to the order) are regressed
/// with intercept, and μ̂ = Σ_k (n_k/n) μ̂_k. This assumes E_q[w_j − 1 | K = k] = 0. In a
/// sequential test K depends on the earlier actions, and then this conditional mean is not 0:
/// the estimator is biased. The result measures this: for every stratum and control, the
/// z-score of the control's stratum mean (√n_k·mean/sd), which grows like √n when the
/// assumption fails; bias_suspected is raised when the largest |z| exceeds 4.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sampo/mc/control_variates.hpp"
#include "sampo/mc/estimate.hpp"
#include "sampo/mc/test_log.hpp"

namespace sampo::mc {

/// How the controls' coefficients are grouped.
enum class Stratification {
  none,               ///< one cross-fitted regression on martingale-difference controls (unbiased)
  by_critical_count,  ///< per-stratum regression by number of critical steps (published; biased)
};

/// Options of sparse_control_variates().
struct SparseControlVariateOptions : EstimatorOptions {
  Stratification stratification = Stratification::none;
  int order = 1;        ///< largest product order k (1..positions)
  int positions = 3;    ///< G: positions with their own coefficient (>= 1, <= 16)
  bool use_features = true;  ///< add the feature controls (Stratification::none only)
  /// Add L_{j−1}(w_j − 1) per position, L_{j−1} = ∏_{l<j} w_l the weight accumulated before
  /// step j (Stratification::none only): predictable, so again of mean 0, and on the scale of
  /// Y·L. Off by default: these controls are heavy-tailed, and with a few hundred tests per
  /// fold a coefficient fitted on one fold can blow up another's values (on the unit test's
  /// ladder, 500 tests and 2 folds: replicate spread 13× larger; 20000 tests: 12 % less
  /// variance than without them). Unbiased either way.
  bool weighted = false;
  /// Cross-fitting folds (>= 2), or 1 for in-sample coefficients. The published stratified
  /// form fits in-sample (folds = 1); with folds >= 2 its within-stratum fits are cross-fitted,
  /// which removes the O(1/n) fitting bias but not the stratum bias. A stratum with fewer than
  /// max(2, 2·folds) tests keeps its results unadjusted (β_k = 0).
  int folds = 5;
  std::uint64_t seed = 0;       ///< of the fold assignment
  double rank_tolerance = 1e-10;  ///< as ControlVariateOptions
  void validate() const;
};

/// One stratum of the stratified form.
struct Stratum {
  std::size_t critical_steps = 0;  ///< K (the last stratum holds K >= positions)
  std::size_t n = 0;               ///< tests in it
  double estimate = 0;             ///< μ̂_k
  double variance = 0;             ///< residual variance of its adjusted values
  Eigen::VectorXd coefficients;    ///< β_k
  Eigen::VectorXd control_z;       ///< √n_k·mean/sd of each control in the stratum
};

/// Result of sparse_control_variates().
struct SparseControlVariateResult : Estimate {
  std::vector<std::string> control_names;  ///< e.g. "w1-1", "w2-1", "(w1-1)(w2-1)", "gap*w1-1"
  Eigen::VectorXd coefficients;   ///< β on all tests (Stratification::none)
  Eigen::Index rank = 0;          ///< rank of the controls' correlation matrix (none)
  std::vector<std::string> constant_controls;  ///< left out (e.g. a position no test reaches)
  double r_squared = 0;           ///< 1 − s²/s²_IS
  double is_estimate = 0;         ///< mean of Y·L
  std::vector<Stratum> strata;    ///< by_critical_count only
  double max_abs_control_z = 0;   ///< by_critical_count: largest |z| over strata and controls
  bool bias_suspected = false;    ///< max_abs_control_z > 4
  /// Largest |L_i − ∏_j w_ij|/L_i over tests with L_i > 0: the logged weight against the
  /// product of the logged step ratios (a log whose non-critical steps carry weight too shows
  /// here).
  double max_weight_mismatch = 0;
};

/// Sparse control variates from a log with critical steps.
/// @throw sampo::invalid_argument if the log is empty, has no critical steps, has fewer tests
///        than 2·folds, or options are invalid.
[[nodiscard]] SparseControlVariateResult sparse_control_variates(
    const TestLog& log, const SparseControlVariateOptions& options = {});

/// The unbiased form's controls (Stratification::none) test by test: the values
/// sparse_control_variates regresses on, computed from one test's steps alone (each of mean 0
/// under q). This is what lets stream_estimate_csv stream them. options.stratification, folds
/// and seed are not used.
class SparseControls {
 public:
  /// @throw sampo::invalid_argument if options are invalid.
  SparseControls(const TestLogSchema& schema, const SparseControlVariateOptions& options = {});
  /// The controls' names (as SparseControlVariateResult::control_names), in fill's order.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept;
  [[nodiscard]] std::size_t size() const noexcept;
  /// The controls of test @p i of @p log (a log of the schema's features).
  /// @throw sampo::invalid_argument if @p i is not a test of @p log, the log's feature count
  ///        differs from the schema's, or @p controls does not have size() entries.
  void fill(const TestLog& log, std::size_t i, std::span<double> controls) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace sampo::mc

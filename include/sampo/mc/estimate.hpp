#pragma once
/// @file
/// What every sampo::mc estimator reports, and the options they share.
///
/// An estimator turns a log into n per-test values v_i whose mean is the estimate (Y·L for
/// importance sampling, Y·L − βᵀh_i for a control-variate estimator); then
///     μ̂ = (1/n) Σ v_i,  s² = Σ (v_i − μ̂)² / (n − 1),  SE = s/√n,
///     CI = μ̂ ± z·SE with z = Φ⁻¹(1 − (1 − confidence)/2) (z = 1.6449 at 90 %),
///     RHW = z·SE/|μ̂|  (relative half-width).
/// The sums are Chan-merged moments over fixed chunks of tests, reduced in chunk order by
/// sampo::parallel::map_reduce: the same bits for any thread count.

#include <cstddef>
#include <limits>
#include <string_view>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::mc {

/// Options every estimator takes (each <Algo>Options derives from it).
struct EstimatorOptions {
  double confidence = 0.90;   ///< of the confidence interval and the RHW, in (0, 1)
  double rhw_target = 0.3;    ///< relative half-width the precision report counts tests for, > 0
  int threads = 0;            ///< OpenMP threads (0: OMP_NUM_THREADS); never changes a result
  std::size_t chunk = 4096;   ///< tests per reduction chunk (>= 1); fixes the summation order
  bool keep_values = false;   ///< return the per-test values v_i in Estimate::values

  /// @throw sampo::invalid_argument naming @p function and the field.
  void validate(std::string_view function) const;
};

/// How many tests a target precision takes, and what the method gains.
struct PrecisionReport {
  double rhw_target = 0.3;  ///< the target relative half-width
  /// The first n after which the running RHW of v_1..v_m (in the order the tests were run)
  /// stays <= rhw_target for every m >= n up to the end; 0 when the final RHW is above it.
  std::size_t tests_to_target = 0;
  bool target_reached = false;  ///< tests_to_target > 0
  /// Planning formula (z / rhw_target)² s²/μ̂²: tests a run of this method needs (NaN if μ̂ = 0).
  double tests_needed = std::numeric_limits<double>::quiet_NaN();
  /// μ̂(1 − μ̂)/s²: variance reduction against crude Monte Carlo on naturalistic tests, from
  /// the naturalistic variance of a 0/1 result (NaN when the results are not all 0 or 1).
  double vrf_crude = std::numeric_limits<double>::quiet_NaN();
  /// s²_IS/s²: variance reduction against plain importance sampling (Y·L) on the same log
  /// (1 for importance sampling itself; NaN for crude Monte Carlo).
  double vrf_is = std::numeric_limits<double>::quiet_NaN();
};

/// The answer of every estimator (each <Algo>Result derives from it).
struct Estimate {
  double estimate = std::numeric_limits<double>::quiet_NaN();        ///< μ̂
  double standard_error = std::numeric_limits<double>::quiet_NaN();  ///< s/√n (NaN if n < 2)
  double ci_lower = std::numeric_limits<double>::quiet_NaN();        ///< μ̂ − z·SE
  double ci_upper = std::numeric_limits<double>::quiet_NaN();        ///< μ̂ + z·SE
  double confidence = 0.90;                                          ///< of the interval
  std::size_t n = 0;                                                 ///< tests used
  double relative_half_width = std::numeric_limits<double>::quiet_NaN();  ///< z·SE/|μ̂|
  double variance = std::numeric_limits<double>::quiet_NaN();  ///< s², per-test variance
  PrecisionReport precision;  ///< tests to the RHW target, variance-reduction factors
  Eigen::VectorXd values;     ///< v_i in log order when Options::keep_values, else empty
  Run run;                    ///< evaluations = tests read, iterations = passes, seconds
};

/// The precision report of per-test values @p values (in run order): running RHW scan,
/// planning formula; vrf_crude from @p binary (results all 0/1), vrf_is from @p is_variance
/// (NaN to leave it out).
/// @throw sampo::invalid_argument if values is empty or has a non-finite entry, or
///        confidence / rhw_target are out of range.
[[nodiscard]] PrecisionReport precision_report(const Eigen::Ref<const Eigen::VectorXd>& values,
                                               double rhw_target = 0.3, double confidence = 0.90,
                                               bool binary = false,
                                               double is_variance =
                                                   std::numeric_limits<double>::quiet_NaN());

/// z = Φ⁻¹(1 − (1 − confidence)/2).
/// @throw sampo::invalid_argument unless 0 < confidence < 1.
[[nodiscard]] double confidence_z(double confidence);

}  // namespace sampo::mc

#pragma once
/// @file
/// Precision against the number of tests: an estimator applied to the first k tests of a log
/// (in run order) at a set of checkpoints k, each prefix estimated afresh — a cross-fitted
/// estimator deals its folds and fits its coefficients on the prefix alone, as a study that
/// stopped after k tests would have. This is the "RHW against tests" curve of docs/mc.md.

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "sampo/core/termination.hpp"
#include "sampo/mc/estimate.hpp"
#include "sampo/mc/test_log.hpp"

namespace sampo::mc {

/// About @p points checkpoints from @p first to @p n, evenly spaced on a log scale, rounded to
/// whole tests, strictly increasing, always ending at n (fewer when rounding merges some).
/// @throw sampo::invalid_argument unless 1 <= first <= n and points >= 2.
[[nodiscard]] std::vector<std::size_t> curve_checkpoints(std::size_t n, std::size_t first,
                                                         std::size_t points);

/// One checkpoint of a precision curve.
struct CurvePoint {
  std::size_t tests = 0;  ///< k: the estimate uses tests 0 .. k − 1
  double estimate = 0;
  double standard_error = 0;
  double relative_half_width = 0;  ///< z·SE/|μ̂| (NaN or +inf when μ̂ = 0)
};

/// A precision curve and where it reaches the target.
struct PrecisionCurve {
  std::vector<CurvePoint> points;  ///< one per checkpoint, in order
  double rhw_target = 0.3;
  /// The first checkpoint from which the RHW is <= rhw_target at every later checkpoint up to
  /// the last; 0 when the last one is above it (or not finite). Its resolution is that of the
  /// checkpoints.
  std::size_t tests_to_target = 0;
  bool target_reached = false;
  Run run;  ///< evaluations = checkpoints estimated, seconds
};

/// An estimator of a log (e.g. a lambda calling sparse_control_variates with fixed options).
using LogEstimator = std::function<Estimate(const TestLog&)>;

/// @p estimator applied to log_head(log, k) for every k of @p checkpoints.
/// @throw sampo::invalid_argument if the log is empty, a checkpoint is 0, exceeds the log or
///        does not increase, rhw_target is not > 0, or the estimator refuses a prefix (the
///        message then names k and carries the estimator's).
[[nodiscard]] PrecisionCurve precision_curve(const TestLog& log, const LogEstimator& estimator,
                                             std::span<const std::size_t> checkpoints,
                                             double rhw_target = 0.3);

}  // namespace sampo::mc

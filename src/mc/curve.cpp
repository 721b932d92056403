#include "sampo/mc/curve.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "sampo/core/error.hpp"

namespace sampo::mc {

std::vector<std::size_t> curve_checkpoints(std::size_t n, std::size_t first, std::size_t points) {
  constexpr const char* fn = "sampo::mc::curve_checkpoints";
  if (n == 0) throw_invalid_argument(fn, "n", "0", "must be >= 1");
  if (first < 1 || first > n)
    throw_invalid_argument(fn, "first", std::to_string(first),
                           "must be in [1, n] (n = " + std::to_string(n) + ")");
  if (points < 2) throw_invalid_argument(fn, "points", std::to_string(points), "must be >= 2");
  std::vector<std::size_t> out;
  const double lo = std::log(static_cast<double>(first)), hi = std::log(static_cast<double>(n));
  for (std::size_t i = 0; i < points; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(points - 1);
    auto k = static_cast<std::size_t>(std::llround(std::exp(lo + t * (hi - lo))));
    k = std::clamp(k, first, n);
    if (i + 1 == points) k = n;
    if (out.empty() || k > out.back()) out.push_back(k);
  }
  return out;
}

PrecisionCurve precision_curve(const TestLog& log, const LogEstimator& estimator,
                               std::span<const std::size_t> checkpoints, double rhw_target) {
  constexpr const char* fn = "sampo::mc::precision_curve";
  Stopwatch watch;
  if (log.empty()) throw_invalid_argument(fn, "log", "", "has no tests");
  if (!(rhw_target > 0.0 && std::isfinite(rhw_target)))
    throw_invalid_argument(fn, "rhw_target", format_value(rhw_target), "must be finite and > 0");
  if (checkpoints.empty()) throw_invalid_argument(fn, "checkpoints", "", "is empty");
  for (std::size_t i = 0; i < checkpoints.size(); ++i) {
    const std::size_t k = checkpoints[i];
    if (k == 0 || k > log.tests() || (i > 0 && k <= checkpoints[i - 1]))
      throw_invalid_argument(fn, "checkpoints[" + std::to_string(i) + "]", std::to_string(k),
                             "must be in [1, " + std::to_string(log.tests()) +
                                 "] and larger than the one before");
  }
  PrecisionCurve c;
  c.rhw_target = rhw_target;
  for (const std::size_t k : checkpoints) {
    Estimate e;
    try {
      e = estimator(k == log.tests() ? log : log_head(log, k));
    } catch (const sampo::invalid_argument& err) {
      std::string why = "the estimator refused the first ";
      why.append(std::to_string(k)).append(" tests: ").append(err.what());
      throw_invalid_argument(fn, "checkpoints", std::to_string(k), why);
    }
    c.points.push_back({k, e.estimate, e.standard_error, e.relative_half_width});
  }
  // The first checkpoint after which every RHW stays <= target (scan from the end).
  for (std::size_t i = c.points.size(); i-- > 0;) {
    const double r = c.points[i].relative_half_width;
    if (!(std::isfinite(r) && r <= rhw_target)) break;
    c.tests_to_target = c.points[i].tests;
  }
  c.target_reached = c.tests_to_target > 0;
  c.run.evaluations = c.points.size();
  c.run.iterations = c.points.size();
  c.run.seconds = watch.seconds();
  c.run.message = "estimated " + std::to_string(c.points.size()) + " prefixes of the log";
  return c;
}

}  // namespace sampo::mc

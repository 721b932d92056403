#include "sampo/mc/estimate.hpp"

#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/linalg/normal.hpp"

namespace sampo::mc {

void EstimatorOptions::validate(std::string_view function) const {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw_invalid_argument(function, "options.confidence", format_value(confidence),
                           "must be in (0, 1)");
  if (!(rhw_target > 0.0 && std::isfinite(rhw_target)))
    throw_invalid_argument(function, "options.rhw_target", format_value(rhw_target),
                           "must be finite and > 0");
  if (threads < 0)
    throw_invalid_argument(function, "options.threads", std::to_string(threads), "must be >= 0");
  if (chunk == 0) throw_invalid_argument(function, "options.chunk", "0", "must be >= 1");
}

double confidence_z(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw_invalid_argument("sampo::mc::confidence_z", "confidence", format_value(confidence),
                           "must be in (0, 1)");
  return linalg::normal_quantile(1.0 - (1.0 - confidence) / 2.0);
}

PrecisionReport precision_report(const Eigen::Ref<const Eigen::VectorXd>& values,
                                 double rhw_target, double confidence, bool binary,
                                 double is_variance) {
  constexpr std::string_view function = "sampo::mc::precision_report";
  if (values.size() == 0) throw_invalid_argument(function, "values", "", "is empty");
  if (!(rhw_target > 0.0 && std::isfinite(rhw_target)))
    throw_invalid_argument(function, "rhw_target", format_value(rhw_target),
                           "must be finite and > 0");
  const double z = confidence_z(confidence);
  PrecisionReport r;
  r.rhw_target = rhw_target;
  // Running RHW in run order (Welford); last_bad = the last m whose RHW is above the target
  // or undefined (m = 1, a zero mean).
  double n = 0, mean = 0, m2 = 0;
  std::size_t last_bad = 0;
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    const double x = values(i);
    if (!std::isfinite(x)) {
      std::string argument = "values[";
      argument.append(std::to_string(i)).append("]");
      throw_invalid_argument(function, argument, format_value(x), "must be finite");
    }
    n += 1;
    const double delta = x - mean;
    mean += delta / n;
    m2 += delta * (x - mean);
    const double rhw = n >= 2 ? z * std::sqrt(m2 / (n - 1) / n) / std::abs(mean)
                              : std::numeric_limits<double>::infinity();
    if (!(rhw <= rhw_target)) last_bad = std::size_t(i) + 1;
  }
  const auto total = std::size_t(values.size());
  r.target_reached = last_bad < total;
  r.tests_to_target = r.target_reached ? last_bad + 1 : 0;
  const double var = n >= 2 ? m2 / (n - 1) : std::numeric_limits<double>::quiet_NaN();
  if (mean != 0) r.tests_needed = (z / rhw_target) * (z / rhw_target) * var / (mean * mean);
  if (binary && var > 0) r.vrf_crude = mean * (1 - mean) / var;
  if (std::isfinite(is_variance) && var > 0) r.vrf_is = is_variance / var;
  return r;
}

}  // namespace sampo::mc

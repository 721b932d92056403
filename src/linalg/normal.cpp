#include "sampo/linalg/normal.hpp"

#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "sampo/core/error.hpp"

namespace sampo::linalg {

double normal_cdf(double x) {
  if (std::isnan(x))
    throw_invalid_argument("sampo::linalg::normal_cdf", "x", format_value(x), "must not be NaN");
  if (std::isinf(x)) return x > 0 ? 1.0 : 0.0;
  return boost::math::cdf(boost::math::normal_distribution<double>(), x);
}

double normal_quantile(double p) {
  if (!(p > 0 && p < 1))
    throw_invalid_argument("sampo::linalg::normal_quantile", "p", format_value(p),
                           "must lie in the open interval (0, 1)");
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

}  // namespace sampo::linalg

#pragma once
// Helpers shared by the knots validation cases: the measured error of a fit and the words
// that say, in the table, what a row's value is.
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

#include "sampo/core/termination.hpp"
#include "sampo/knots/fit.hpp"

namespace sampo::validation::knots {

/// max over 10^4 points uniform in [a, b] of |g - f| / (rtol (|f| + atol)): the achieved
/// error in units of the tolerance fit was asked for (1 = exactly the tolerance).
inline double normalized_error(const sampo::knots::FitResult& r,
                               const std::function<double(double)>& f, double a, double b,
                               double rtol, double atol) {
  double worst = 0.0;
  for (int i = 0; i < 10000; ++i) {
    const double x = a + (b - a) * i / 9999.0, y = f(x);
    worst = std::max(worst, std::abs(r.interpolant(x) - y) / (rtol * (std::abs(y) + atol)));
  }
  return worst;
}

/// "achieved max|g-f|/(|f|+atol) / rtol = 0.26 (rtol 1e-08); 322 evaluations, converged".
inline std::string measured_text(double ratio, double rtol, const sampo::knots::FitResult& r) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "achieved max|g-f|/(|f|+atol) / rtol = %.3g (rtol %.0e); %zu evaluations, %s",
                ratio, rtol, r.run.evaluations,
                std::string(sampo::to_string(r.run.termination)).c_str());
  return buf;
}

}  // namespace sampo::validation::knots

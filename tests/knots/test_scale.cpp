#include "sampo/knots/scale.hpp"

#include <cmath>

#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo::knots;

TEST_CASE("scales map x to t and back", "[knots][scale]") {
  for (Scale s : {Scale::linear, Scale::log, Scale::asinh}) {
    CHECK(scale_from_string(to_string(s)) == s);
    for (double x : {1e-3, 0.5, 2.0, 1e3}) {
      // Round trip exp(log x), sinh(asinh x): a few ulp (condition number ~1 for these maps
      // up to |t| ~ 7, i.e. |t| ulp of t; 8 eps relative is generous).
      CHECK(from_scaled(s, to_scaled(s, x)) == Approx(x).epsilon(8e-16));
      // Jacobian dx/dt against a central difference: truncation O(h^2), h = 1e-5.
      const double t = to_scaled(s, x), hstep = 1e-5;
      const double fd = (from_scaled(s, t + hstep) - from_scaled(s, t - hstep)) / (2 * hstep);
      CHECK(jacobian(s, t) == Approx(fd).epsilon(1e-8));
    }
  }
  CHECK(to_scaled(Scale::log, std::exp(1.0)) == Approx(1.0));
  CHECK(to_scaled(Scale::asinh, -2.0) == Approx(-std::asinh(2.0)));
  SAMPO_REQUIRE_THROWS_WITH(scale_from_string("ln"), sampo::invalid_argument, "= ln",
                            "linear, log, asinh");
}

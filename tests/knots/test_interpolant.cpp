#include "sampo/knots/interpolant.hpp"

#include <cmath>

#include "sampo/core/error.hpp"
#include "sampo/knots/cubic_spline.hpp"
#include "sampo_test.hpp"

using namespace sampo::knots;

namespace {
// g(x) = T(x)^3 with T the scale: the spline of t^3 is exact, so every difference below is
// rounding (relative 1e-12 covers ~100 ulp through the chain rule at |t| ~ 7).
Interpolant cube_in(Scale s, double ta, double tb) {
  Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(9, ta, tb);
  return Interpolant(s, CubicSpline(t, t.array().cube().matrix()).piecewise());
}
}  // namespace

TEST_CASE("interpolant applies the chain rule on the log scale", "[knots][interpolant]") {
  const Interpolant g = cube_in(Scale::log, std::log(0.01), std::log(1000.0));
  CHECK(g.scale() == Scale::log);
  CHECK(g.lower() == Approx(0.01).epsilon(1e-14));
  CHECK(g.upper() == Approx(1000.0).epsilon(1e-14));
  for (double x : {0.02, 0.5, 1.0, 3.0, 700.0}) {
    const double l = std::log(x);
    CHECK(g(x) == Approx(l * l * l).epsilon(1e-12).margin(1e-12));
    CHECK(g.derivative(x) == Approx(3 * l * l / x).epsilon(1e-12).margin(1e-12));
    CHECK(g.second_derivative(x) == Approx((6 * l - 3 * l * l) / (x * x)).epsilon(1e-11).margin(1e-11));
  }
  auto prim = [](double x) {
    const double l = std::log(x);
    return x * (l * l * l - 3 * l * l + 6 * l - 6);
  };
  // Gauss-Legendre on sub-pieces of width <= 1 in t: exact to rounding (see the header).
  CHECK(g.integral(0.05, 800.0) == Approx(prim(800.0) - prim(0.05)).epsilon(1e-13));
  CHECK(g.integral(800.0, 0.05) == Approx(prim(0.05) - prim(800.0)).epsilon(1e-13));
  CHECK(g.integral(2.0, 2.0) == 0.0);
  Eigen::VectorXd xs(2);
  xs << 1.0, std::exp(2.0);
  const Eigen::VectorXd v = g(xs);
  CHECK(v(0) == Approx(0.0).margin(1e-12));
  CHECK(v(1) == Approx(8.0).epsilon(1e-12));
  CHECK(std::isnan(g(-1.0)));  // outside the log domain
  SAMPO_REQUIRE_THROWS_WITH(g.integral(-1.0, 2.0), sampo::invalid_argument, "'u' = -1", "> 0");
  SAMPO_REQUIRE_THROWS_WITH(g.integral(1.0, NAN), sampo::invalid_argument, "'v' = nan");
}

TEST_CASE("interpolant on the asinh and linear scales", "[knots][interpolant]") {
  const Interpolant g = cube_in(Scale::asinh, std::asinh(-30.0), std::asinh(500.0));
  for (double x : {-20.0, -0.5, 0.0, 2.0, 400.0}) {
    const double a = std::asinh(x), r = std::sqrt(1 + x * x);
    CHECK(g(x) == Approx(a * a * a).epsilon(1e-12).margin(1e-12));
    CHECK(g.derivative(x) == Approx(3 * a * a / r).epsilon(1e-12).margin(1e-12));
    // d/dx (3 a^2 / r) = 6a / r^2 - 3 a^2 x / r^3
    CHECK(g.second_derivative(x) ==
          Approx(6 * a / (r * r) - 3 * a * a * x / (r * r * r)).epsilon(1e-11).margin(1e-11));
  }
  auto prim = [](double x) {
    const double a = std::asinh(x), r = std::sqrt(1 + x * x);
    return x * a * a * a - 3 * r * a * a + 6 * x * a - 6 * r;
  };
  CHECK(g.integral(-25.0, 450.0) == Approx(prim(450.0) - prim(-25.0)).epsilon(1e-12));
  const Interpolant lin = cube_in(Scale::linear, -1.0, 2.0);
  CHECK(lin.integral(-1.0, 2.0) == Approx((16.0 - 1.0) / 4).epsilon(1e-14));
  CHECK(lin.derivative(0.5) == Approx(0.75).epsilon(1e-13));
  std::size_t hint = 0;
  CHECK(lin(1.5, hint) == Approx(3.375).epsilon(1e-14));
}

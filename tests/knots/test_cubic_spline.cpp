#include "sampo/knots/cubic_spline.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"

using namespace sampo::knots;

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();

// p(x) = 2 - x + 0.5 x^2 - 0.3 x^3 and its derivatives / primitive.
double p(double x) { return 2.0 - x + 0.5 * x * x - 0.3 * x * x * x; }
double dp(double x) { return -1.0 + x - 0.9 * x * x; }
double d2p(double x) { return 1.0 - 1.8 * x; }
double ip(double x) { return 2.0 * x - 0.5 * x * x + x * x * x / 6.0 - 0.075 * x * x * x * x; }

/// n knots from a to b with random spacings: spacing ratio at most 5 (the spacings are uniform
/// on (0.2, 1), kit stream (fixture_seed(), stream)).
Eigen::VectorXd random_knots(int n, double a, double b, std::uint64_t stream) {
  const Eigen::VectorXd h =
      sampo::testing::uniform_matrix(n - 1, 1, sampo::testing::fixture_seed(), stream, 0.2, 1.0);
  Eigen::VectorXd x(n);
  x(0) = a;
  for (int i = 1; i < n; ++i) x(i) = x(i - 1) + h(i - 1) * (b - a) / h.sum();
  x(n - 1) = b;
  return x;
}

double max_error(const CubicSpline& s, double (*f)(double), double a, double b, int m = 2001) {
  double e = 0.0;
  for (int i = 0; i < m; ++i) {
    const double x = a + (b - a) * i / (m - 1.0);
    e = std::max(e, std::abs(s(x) - f(x)));
  }
  return e;
}

double sine(double x) { return std::sin(x); }
double cosine(double x) { return std::cos(x); }
}  // namespace

TEST_CASE("not-a-knot spline reproduces cubic polynomials", "[knots][cubic_spline]") {
  for (unsigned seed : {1u, 2u, 3u}) {
    for (int n : {4, 5, 9, 40}) {
      const Eigen::VectorXd x = random_knots(n, -2.0, 3.0, seed);
      const Eigen::VectorXd y = x.unaryExpr(&p);
      const CubicSpline s(x, y);
      // scale: max|p| on [-2, 3] is 8.6 (at x = 3); the tridiagonal solve and the Horner
      // evaluation each cost a few ulp of that scale (mesh ratio <= 5): 10 ulp * scale for
      // values, /h_min for the derivative, /h_min^2 for the second derivative.
      const double scale = 8.6;
      const double hmin = (x.tail(n - 1) - x.head(n - 1)).minCoeff();
      for (int i = 0; i <= 500; ++i) {
        const double t = -2.0 + 5.0 * i / 500.0;
        CHECK(std::abs(s(t) - p(t)) <= 10 * kEps * scale);
        CHECK(std::abs(s.derivative(t) - dp(t)) <= 10 * kEps * scale / hmin);
        CHECK(std::abs(s.second_derivative(t) - d2p(t)) <= 10 * kEps * scale / (hmin * hmin));
      }
      // Integral: exact primitive; rounding of n pieces each ~ulp * scale * width.
      CHECK(std::abs(s.integral(-1.7, 2.9) - (ip(2.9) - ip(-1.7))) <= 20 * kEps * scale * 5.0);
      CHECK(s.knot_second_derivatives().size() == n);
    }
  }
}

TEST_CASE("cubic spline interpolates the data at the knots", "[knots][cubic_spline]") {
  const Eigen::VectorXd x = random_knots(30, 0.0, 10.0, 7);
  const Eigen::VectorXd y = x.unaryExpr(&sine);
  for (EndCondition end : {EndCondition::not_a_knot, EndCondition::natural}) {
    const CubicSpline s(x, y, end);
    CHECK(s.end_condition() == end);
    CHECK(s.size() == 30);
    for (int i = 0; i < 30; ++i)  // |y| <= 1: a few ulp
      CHECK(std::abs(s(x(i)) - y(i)) <= 4 * kEps);
    const Eigen::VectorXd v = s(x);
    CHECK((v - y).cwiseAbs().maxCoeff() <= 4 * kEps);
    // C^2: left and right limits of s' and s'' agree at interior knots up to rounding
    // (|s''| <= ~1, h ~ 0.3: relative 1e-12 is far above rounding, far below an O(1) jump).
    for (int i = 1; i < 29; ++i) {
      const double dl = s.piecewise().derivative(x(i) * (1 - 1e-15), 2);
      const double dr = s.piecewise().derivative(x(i), 2);
      CHECK(dl == Approx(dr).margin(1e-9));
    }
  }
}

TEST_CASE("cubic spline converges at fourth order on smooth f", "[knots][cubic_spline]") {
  // Uniform knots on [0, 3]: not-a-knot error ~ C h^4, so doubling n divides it by ~16;
  // the observed order log2(e_n / e_2n) must lie in [3.6, 4.4] (the asymptotic constant is
  // reached to ~10% at these n). Derivatives: order 3 and 2.
  auto errors = [](int n, EndCondition end) {
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(n, 0.0, 3.0);
    const CubicSpline s(x, x.unaryExpr(&sine), end);
    double e0 = 0, e1 = 0, e2 = 0;
    for (int i = 0; i <= 3000; ++i) {
      const double t = 3.0 * i / 3000.0;
      e0 = std::max(e0, std::abs(s(t) - std::sin(t)));
      e1 = std::max(e1, std::abs(s.derivative(t) - std::cos(t)));
      e2 = std::max(e2, std::abs(s.second_derivative(t) + std::sin(t)));
    }
    return std::array<double, 3>{e0, e1, e2};
  };
  const auto a = errors(41, EndCondition::not_a_knot), b = errors(81, EndCondition::not_a_knot);
  CHECK(std::log2(a[0] / b[0]) == Approx(4.0).margin(0.4));
  CHECK(std::log2(a[1] / b[1]) == Approx(3.0).margin(0.4));
  CHECK(std::log2(a[2] / b[2]) == Approx(2.0).margin(0.4));
  // Natural ends force s'' = 0 where sin'' = -sin(3) != 0: the error there is O(h^2).
  const auto c = errors(41, EndCondition::natural), d = errors(81, EndCondition::natural);
  CHECK(std::log2(c[0] / d[0]) == Approx(2.0).margin(0.4));
  // Integral of sin over [0.3, 2.7], O(h^4) too: with 41 knots h = 0.075, error < h^4.
  Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(41, 0.0, 3.0);
  const CubicSpline s(x, x.unaryExpr(&sine));
  CHECK(std::abs(s.integral(0.3, 2.7) - (std::cos(0.3) - std::cos(2.7))) < std::pow(0.075, 4));
  CHECK(max_error(s, &sine, 0, 3) < std::pow(0.075, 4));
  CHECK(max_error(CubicSpline(x, x.unaryExpr(&cosine)), &cosine, 0, 3) < std::pow(0.075, 4));
}

TEST_CASE("cubic spline with 2 and 3 knots", "[knots][cubic_spline]") {
  Eigen::VectorXd x2(2), y2(2);
  x2 << 1.0, 3.0;
  y2 << 2.0, 6.0;
  for (EndCondition end : {EndCondition::not_a_knot, EndCondition::natural}) {
    const CubicSpline s(x2, y2, end);  // the line 2x
    CHECK(s(2.0) == Approx(4.0).epsilon(2 * kEps));
    CHECK(s.derivative(1.7) == Approx(2.0).epsilon(4 * kEps));
    CHECK(s.integral(1.0, 3.0) == Approx(8.0).epsilon(4 * kEps));
  }
  Eigen::VectorXd x3(3), y3(3);
  x3 << 0.0, 1.0, 3.0;
  y3 << 0.0, 1.0, 9.0;
  const CubicSpline q(x3, y3);  // not-a-knot with 3 knots: the parabola x^2
  CHECK(q(2.0) == Approx(4.0).epsilon(8 * kEps));
  CHECK(q.second_derivative(0.5) == Approx(2.0).epsilon(8 * kEps));
  const CubicSpline nat(x3, y3, EndCondition::natural);
  CHECK(nat.second_derivative(0.0) == 0.0);
  CHECK(nat.second_derivative(3.0) == Approx(0.0).margin(1e-14));
  CHECK(nat(1.0) == Approx(1.0).epsilon(4 * kEps));
}

TEST_CASE("cubic spline rejects bad input", "[knots][cubic_spline]") {
  Eigen::VectorXd x(3), y(3);
  x << 0.0, 1.0, 2.0;
  y << 1.0, 2.0, 3.0;
  SAMPO_REQUIRE_THROWS_WITH(CubicSpline(x.head(1), y.head(1)), sampo::invalid_argument,
                            "sampo::knots::CubicSpline", "'x'", "at least 2");
  SAMPO_REQUIRE_THROWS_WITH(CubicSpline(x, y.head(2)), sampo::invalid_argument, "'y'",
                            "one value per knot");
  Eigen::VectorXd bad = x;
  bad(1) = 0.0;
  SAMPO_REQUIRE_THROWS_WITH(CubicSpline(bad, y), sampo::invalid_argument, "strictly increasing");
  bad(1) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(CubicSpline(bad, y), sampo::invalid_argument, "'x'", "nan");
  Eigen::VectorXd ybad = y;
  ybad(2) = INFINITY;
  SAMPO_REQUIRE_THROWS_WITH(CubicSpline(x, ybad), sampo::invalid_argument, "'y'", "inf");
}

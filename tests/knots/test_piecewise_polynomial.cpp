#include "sampo/knots/piecewise_polynomial.hpp"

#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo::knots;

namespace {
// Two pieces of p(t) = t^2 on [0,1] and [1,3], written in the centred variable v:
// on [0,1]: t = (1 + v)/2, t^2 = (1 + 2v + v^2)/4; on [1,3]: t = 2 + v, t^2 = 4 + 4v + v^2.
PiecewisePolynomial square() {
  Eigen::VectorXd b(3);
  b << 0.0, 1.0, 3.0;
  Eigen::MatrixXd c(2, 3);
  c << 0.25, 0.5, 0.25, 4, 4, 1;
  return {b, c};
}
}  // namespace

TEST_CASE("piecewise polynomial evaluates, differentiates and integrates exactly",
          "[knots][piecewise_polynomial]") {
  const PiecewisePolynomial p = square();
  CHECK(p.pieces() == 2);
  CHECK(p.degree() == 2);
  CHECK(p.lower() == 0.0);
  CHECK(p.upper() == 3.0);
  // Values of t^2 with exactly representable inputs: Horner with a handful of operations,
  // so 4 ulp of the value.
  for (double t : {0.0, 0.25, 1.0, 1.5, 2.75, 3.0, -0.5, 3.5}) {
    CHECK(p(t) == Approx(t * t).epsilon(4 * std::numeric_limits<double>::epsilon()).margin(1e-300));
    CHECK(p.derivative(t) == Approx(2 * t).epsilon(1e-15).margin(1e-15));
    CHECK(p.derivative(t, 2) == Approx(2.0).epsilon(1e-15));
    CHECK(p.derivative(t, 3) == 0.0);
    CHECK(p.derivative(t, 0) == Approx(t * t).epsilon(1e-15).margin(1e-300));
  }
  // Integral of t^2: (v^3 - u^3)/3, across pieces and reversed.
  CHECK(p.integral(0.0, 3.0) == Approx(9.0).epsilon(1e-15));
  CHECK(p.integral(0.5, 2.0) == Approx((8.0 - 0.125) / 3).epsilon(1e-15));
  CHECK(p.integral(2.0, 0.5) == Approx(-(8.0 - 0.125) / 3).epsilon(1e-15));
  CHECK(p.integral(1.2, 1.7) == Approx((1.7 * 1.7 * 1.7 - 1.2 * 1.2 * 1.2) / 3).epsilon(1e-14));
  CHECK(p.integral(1.0, 1.0) == 0.0);
  CHECK(p.integral(-1.0, 0.0) == Approx(1.0 / 3).epsilon(1e-15));  // extrapolated piece
  CHECK(std::isnan(p(std::nan(""))));
}

TEST_CASE("piecewise polynomial hints find the same piece as binary search",
          "[knots][piecewise_polynomial]") {
  const int n = 50;
  Eigen::VectorXd b(n + 1);
  for (int i = 0; i <= n; ++i) b(i) = i * i;  // non-uniform
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, 1);
  for (int i = 0; i < n; ++i) c(i, 0) = i;  // piecewise constant = piece index
  const PiecewisePolynomial p(b, c);
  std::size_t hint = 0;
  for (double t = -3.0; t < 2600.0; t += 0.37) {
    const std::size_t k = p.find_piece(t);
    CHECK(p.find_piece(t, hint) == k);
    CHECK(hint == k);
    CHECK(p(t, hint) == static_cast<double>(k));
  }
  hint = 12345;  // out-of-range hints are ignored
  CHECK(p.find_piece(30.0, hint) == 5);
  Eigen::VectorXd ts(3);
  ts << 0.5, 30.0, 2499.0;
  const Eigen::VectorXd v = p(ts);
  CHECK(v(0) == 0.0);
  CHECK(v(1) == 5.0);
  CHECK(v(2) == 49.0);
}

TEST_CASE("piecewise polynomial rejects bad input", "[knots][piecewise_polynomial]") {
  Eigen::VectorXd b(3);
  b << 0.0, 1.0, 1.0;
  SAMPO_REQUIRE_THROWS_WITH(PiecewisePolynomial(b, Eigen::MatrixXd::Zero(2, 2)),
                            sampo::invalid_argument, "breaks", "strictly increasing");
  b << 0.0, 1.0, 2.0;
  SAMPO_REQUIRE_THROWS_WITH(PiecewisePolynomial(b, Eigen::MatrixXd::Zero(3, 2)),
                            sampo::invalid_argument, "coefficients", "one row per piece");
  SAMPO_REQUIRE_THROWS_WITH(PiecewisePolynomial(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Zero(0, 2)),
                            sampo::invalid_argument, "at least 2");
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(2, 2);
  c(1, 1) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(PiecewisePolynomial(b, c), sampo::invalid_argument, "(1, 1) is nan");
  const PiecewisePolynomial p(b, Eigen::MatrixXd::Ones(2, 2));
  SAMPO_REQUIRE_THROWS_WITH(p.derivative(0.5, -1), sampo::invalid_argument, "order");
  SAMPO_REQUIRE_THROWS_WITH(p.integral(0.0, INFINITY), sampo::invalid_argument, "'v' = inf");
}

#include "sampo/linalg/normal.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::linalg;
using sampo::test::kEps;

TEST_CASE("normal_cdf and normal_quantile: reference values", "[linalg][normal]") {
  // Reference values (to 17+ digits) from mpmath at 30 digits (ncdf, sqrt(2)·erfinv(2p-1));
  // Boost.Math is accurate to a few ulps near the centre, hence 8·eps there.
  CHECK(normal_cdf(0.0) == 0.5);
  CHECK(normal_cdf(-1.0) == Approx(0.15865525393145705).epsilon(8 * kEps));
  CHECK(normal_cdf(1.959963984540054) == Approx(0.975).epsilon(8 * kEps));
  // Lower tail: Φ's condition number is ≈ x², so the tolerance is (8 + x²)·eps (Boost is
  // ~40 ulps off at x = -10, ~450 at x = -37, as that model predicts).
  CHECK(normal_cdf(-10.0) == Approx(7.6198530241605260660e-24).epsilon(108 * kEps));
  CHECK(normal_cdf(-37.0) == Approx(5.7255712225245768227e-300).epsilon(1377 * kEps));
  CHECK(normal_cdf(std::numeric_limits<double>::infinity()) == 1.0);
  CHECK(normal_cdf(-std::numeric_limits<double>::infinity()) == 0.0);
  CHECK(normal_quantile(0.5) == 0.0);
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(8 * kEps));
  CHECK(normal_quantile(0.995) == Approx(2.5758293035489008).epsilon(8 * kEps));
  CHECK(normal_quantile(0.9) == Approx(1.2815515655446004).epsilon(8 * kEps));
}

TEST_CASE("normal_quantile inverts normal_cdf", "[linalg][normal]") {
  for (double x = -35.0; x <= 6.0; x += 0.37) {
    CAPTURE(x);
    const double p = normal_cdf(x);
    // Φ(x) carries a relative error of a few eps; mapping it back through Φ⁻¹ multiplies an
    // error δp by 1/φ(x): |δx| <= c·eps·(|x| + Φ(x)/φ(x)). Φ/φ ~ 1/|x| in the lower tail and
    // grows like e^{x²/2} in the upper one (x = 6: ~1e8, i.e. ~2e-8 absolute).
    const double phi = std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi);
    CHECK(std::abs(normal_quantile(p) - x) <= 8 * kEps * (std::abs(x) + p / phi));
  }
  // Symmetry: Φ(x) + Φ(-x) = 1 and Φ⁻¹(1 - p) = -Φ⁻¹(p) (0.25 and 0.75 are exact).
  CHECK(normal_cdf(0.7) + normal_cdf(-0.7) == Approx(1.0).epsilon(4 * kEps));
  CHECK(normal_quantile(0.75) == Approx(-normal_quantile(0.25)).epsilon(4 * kEps));
}

TEST_CASE("normal functions reject bad input", "[linalg][normal]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(normal_cdf(nan), invalid_argument, "sampo::linalg::normal_cdf",
                            "'x' = nan");
  for (double p : {0.0, 1.0, -0.1, 1.5, nan})
    SAMPO_REQUIRE_THROWS_WITH(normal_quantile(p), invalid_argument,
                              "sampo::linalg::normal_quantile", "'p' =", "(0, 1)");
}

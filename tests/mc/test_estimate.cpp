#include "sampo/mc/estimate.hpp"

#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::mc;

TEST_CASE("confidence_z is the two-sided normal quantile", "[mc][estimate]") {
  // Φ⁻¹(0.95) = 1.6448536269514722; normal_quantile is accurate to a few ulps.
  CHECK(confidence_z(0.90) == Approx(1.6448536269514722).epsilon(1e-15));
  CHECK(confidence_z(0.95) == Approx(1.959963984540054).epsilon(1e-15));
  SAMPO_REQUIRE_THROWS_WITH(confidence_z(1.0), sampo::invalid_argument, "'confidence' = 1");
}

TEST_CASE("precision_report: running RHW, tests to target, planning formula", "[mc][estimate]") {
  // Values 1, 3, 1, 3, ...: after m = 2k values the mean is 2 and s² = m/(m−1), so
  // RHW_m = z·sqrt(1/(m−1))/2 <= 0.3 iff m − 1 >= (z/0.6)² = 7.515..., i.e. m >= 9; odd m
  // have mean (2m ∓ 1)/m and a slightly different s, so the scan decides: m = 8 is above.
  Eigen::VectorXd v(40);
  for (Eigen::Index i = 0; i < v.size(); ++i) v(i) = (i % 2 == 0) ? 1.0 : 3.0;
  const PrecisionReport r = precision_report(v, 0.3, 0.9);
  const double z = confidence_z(0.9);
  std::size_t expected = 0;
  double n = 0, mean = 0, m2 = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i) {  // the definition, written out
    n += 1;
    const double d = v(i) - mean;
    mean += d / n;
    m2 += d * (v(i) - mean);
    const double rhw = n >= 2 ? z * std::sqrt(m2 / (n - 1) / n) / mean : 1e300;
    if (rhw > 0.3) expected = std::size_t(i) + 2;
  }
  CHECK(r.target_reached);
  CHECK(r.tests_to_target == expected);
  CHECK(r.tests_to_target >= 9);
  // (z/0.3)²·s²/μ² with s² = 40/39, μ = 2.
  CHECK(r.tests_needed == Approx((z / 0.3) * (z / 0.3) * (40.0 / 39.0) / 4.0).epsilon(1e-13));
  CHECK(std::isnan(r.vrf_crude));
  // A zero mean never reaches the target.
  const PrecisionReport zero = precision_report(Eigen::VectorXd::Zero(5));
  CHECK_FALSE(zero.target_reached);
  CHECK(zero.tests_to_target == 0);
  Eigen::VectorXd bad = v;
  bad(3) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(precision_report(bad), sampo::invalid_argument, "values[3]");
  SAMPO_REQUIRE_THROWS_WITH(precision_report(v, -1.0), sampo::invalid_argument, "rhw_target");
  SAMPO_REQUIRE_THROWS_WITH(precision_report(Eigen::VectorXd()), sampo::invalid_argument,
                            "is empty");
}

#include "sampo/mc/gaussian_benchmark.hpp"

#include <cmath>

#include "sampo/core/cancellation.hpp"
#include "sampo/core/error.hpp"
#include "sampo/mc/control_variates.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::mc;

TEST_CASE("gaussian_limit_state_exact: the issue's table", "[mc][gaussian_benchmark]") {
  // Φ(−β) and e^{β²}Φ(−2β) from normal_cdf (a few ulps); the table has 7 digits.
  CHECK(gaussian_limit_state_exact(3).probability == Approx(1.349898e-3).epsilon(5e-7));
  CHECK(gaussian_limit_state_exact(4).probability == Approx(3.167124e-5).epsilon(5e-7));
  CHECK(gaussian_limit_state_exact(5).probability == Approx(2.866516e-7).epsilon(5e-7));
  CHECK(gaussian_limit_state_exact(6).probability == Approx(9.865876e-10).epsilon(5e-7));
  CHECK(gaussian_limit_state_exact(4).shifted_second_moment == Approx(5.528014e-9).epsilon(5e-7));
  CHECK(gaussian_limit_state_exact(4).shifted_relative_variance == Approx(4.5111).epsilon(5e-5));
  SAMPO_REQUIRE_THROWS_WITH(gaussian_limit_state_exact(-1), sampo::invalid_argument, "'beta' = -1");
}

TEST_CASE("gaussian_limit_state_log: every sampling is unbiased", "[mc][gaussian_benchmark]") {
  GaussianLimitStateOptions g;
  g.beta = 2.5;  // P = 6.2e-3: the naturalistic run sees enough failures
  g.dim = 3;
  g.tests = 40000;
  g.seed = sampo::testing::fixture_seed();
  const double p = gaussian_limit_state_exact(g.beta).probability;
  // 4 standard errors for each: a false alarm with probability 6e-5 each.
  g.sampling = GaussianSampling::naturalistic;
  const auto crude_r = crude(gaussian_limit_state_log(g));
  CHECK(std::abs(crude_r.estimate - p) < 4 * crude_r.standard_error);
  g.sampling = GaussianSampling::shifted;
  const auto is_r = importance_sampling(gaussian_limit_state_log(g));
  CHECK(std::abs(is_r.estimate - p) < 4 * is_r.standard_error);
  // The per-test relative variance against the exact one; its sampling spread at n = 40000 is a
  // few per cent (heavy right tail of Y·L), so 15 %.
  CHECK(is_r.variance / (p * p) ==
        Approx(gaussian_limit_state_exact(g.beta).shifted_relative_variance).epsilon(0.15));
  g.sampling = GaussianSampling::mixture;
  g.alpha = 0.3;
  const TestLog mix = gaussian_limit_state_log(g);
  REQUIRE(mix.schema().controls.size() == 1);
  const auto mix_is = importance_sampling(mix);
  const auto mix_cv = control_variates(mix);
  CHECK(std::abs(mix_is.estimate - p) < 4 * mix_is.standard_error);
  CHECK(std::abs(mix_cv.estimate - p) < 4 * mix_cv.standard_error);
  CHECK(mix_cv.variance < mix_is.variance);  // the mixture control helps
  GaussianLimitStateOptions bad;
  bad.alpha = 1.0;
  SAMPO_REQUIRE_THROWS_WITH(gaussian_limit_state_log(bad), sampo::invalid_argument, "options.alpha");
  SAMPO_REQUIRE_THROWS_WITH(gaussian_sampling_from_string("uniform"), sampo::invalid_argument,
                            "'name' = uniform");
}

TEST_CASE("gaussian_limit_state_log: a raised flag keeps the tests drawn so far",
          "[mc][gaussian_benchmark]") {
  GaussianLimitStateOptions o;
  o.tests = 5000;
  const TestLog full = gaussian_limit_state_log(o);
  CancellationFlag stop;
  o.cancel = &stop;
  CHECK(gaussian_limit_state_log(o) == full);  // an unraised flag changes nothing
  stop.cancel();
  CHECK(gaussian_limit_state_log(o).tests() == 0);  // polled before the first test
  // (Raised midway, the log is the prefix drawn so far: each test is a pure function of
  // (seed, i), and the loop only stops early; the Python Ctrl-C test exercises it.)
}

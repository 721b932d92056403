#include "sampo/mc/importance_sampling.hpp"

#include <cmath>

#include "mc_fixtures.hpp"
#include "sampo/core/error.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::mc;

TEST_CASE("crude Monte Carlo: estimate, standard error and precision of a Bernoulli log",
          "[mc][importance_sampling]") {
  const double mu = 0.02;
  const TestLog log = testkit::bernoulli_log(20000, mu, sampo::testing::fixture_seed());
  const CrudeResult r = crude(log);
  CHECK(r.n == 20000);
  // Unbiased with SE ≈ sqrt(μ(1−μ)/n): 4 standard errors fail with probability 6e-5.
  CHECK(std::abs(r.estimate - mu) < 4 * std::sqrt(mu * (1 - mu) / 20000));
  // s² of 0/1 values is μ̂(1 − μ̂)·n/(n − 1) exactly.
  CHECK(r.variance == Approx(r.estimate * (1 - r.estimate) * 20000.0 / 19999.0).epsilon(1e-12));
  CHECK(r.ci_lower < r.estimate);
  CHECK(r.ci_upper - r.estimate == Approx(1.6448536269514722 * r.standard_error).epsilon(1e-14));
  CHECK(r.relative_half_width == Approx(1.6448536269514722 * r.standard_error / r.estimate));
  CHECK(r.precision.vrf_crude == Approx(19999.0 / 20000.0).epsilon(1e-12));
  CHECK(r.run.evaluations == 20000);
}

TEST_CASE("crude refuses an importance-sampled log; empty logs are refused",
          "[mc][importance_sampling]") {
  testkit::Ladder ladder;
  const TestLog log = ladder.log(100, 0);
  SAMPO_REQUIRE_THROWS_WITH(crude(log), sampo::invalid_argument, "weight of test",
                            "importance_sampling");
  SAMPO_REQUIRE_THROWS_WITH(importance_sampling(TestLog{}), sampo::invalid_argument, "no tests");
  ImportanceSamplingOptions bad;
  bad.confidence = 1.5;
  SAMPO_REQUIRE_THROWS_WITH(importance_sampling(log, bad), sampo::invalid_argument,
                            "options.confidence");
}

TEST_CASE("importance sampling on the ladder: unbiased, and the same bits for 1 and 2 threads",
          "[mc][importance_sampling]") {
  testkit::Ladder ladder;
  const double mu = ladder.mu();
  ImportanceSamplingOptions opt;
  opt.chunk = 512;
  const TestLog log = ladder.log(40000, sampo::testing::fixture_seed());
  const auto one = sampo::test::with_threads(1, [&] { return importance_sampling(log, opt); });
  const auto two = sampo::test::with_threads(2, [&] { return importance_sampling(log, opt); });
  CHECK(one.estimate == two.estimate);
  CHECK(one.variance == two.variance);
  // 4 standard errors (estimated from 40000 tests): false alarm ~1e-4.
  CHECK(std::abs(one.estimate - mu) < 4 * one.standard_error);
  CHECK(one.precision.vrf_is == 1.0);
  CHECK(one.effective_sample_size > 0);
  // The IS variance is smaller than the naturalistic μ(1 − μ): the tilt points at the crash.
  CHECK(one.precision.vrf_crude > 1.0);
}

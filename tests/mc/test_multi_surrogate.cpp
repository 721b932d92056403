#include "sampo/mc/multi_surrogate.hpp"

#include <cmath>

#include "mc_fixtures.hpp"
#include "sampo/core/error.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::mc;

TEST_CASE("multi-surrogate: the exact model as a surrogate gives zero variance",
          "[mc][multi_surrogate]") {
  // Every step critical: Y·L − H_exact telescopes to μ for every test (docs/mc.md), so each
  // adjusted value is μ up to rounding (a few ulps of the largest term, |L·V| <~ 10).
  testkit::Ladder ladder;
  ladder.threshold = 0;
  ladder.surrogate_scale = {1.0, 0.3};
  const double mu = ladder.mu();
  const TestLog log = ladder.log(2000, sampo::testing::fixture_seed());
  const MultiSurrogateResult r = multi_surrogate(log);
  INFO("weights " << r.weights.transpose() << " estimate " << r.estimate);
  CHECK(r.weights(0) == Approx(1.0).margin(1e-9));
  CHECK(r.weights.sum() == Approx(1.0).epsilon(1e-14));
  CHECK(r.estimate == Approx(mu).epsilon(1e-10));
  CHECK(r.standard_error < 1e-10 * mu);
  // single_variance = (S_yy − 2S_ky + S_kk)/(n − 1) cancels to 0: what remains is the rounding of
  // moments accumulated over n = 2000 tests (~n·eps relative to S_yy), hence 1e-10 of Var(Y·L).
  CHECK(std::abs(r.single_variance(0)) < 1e-10 * importance_sampling(log).variance);
  CHECK(r.qp_run.converged());
}

TEST_CASE("multi-surrogate: unbiased with imperfect surrogates, same bits for 1 and 2 threads",
          "[mc][multi_surrogate]") {
  testkit::Ladder ladder;
  ladder.surrogate_scale = {0.5, 2.0};
  const double mu = ladder.mu();
  const std::uint64_t seed = sampo::testing::fixture_seed();
  const TestLog log = ladder.log(20000, seed, 11);
  MultiSurrogateOptions opt;
  opt.chunk = 700;
  const auto one = sampo::test::with_threads(1, [&] { return multi_surrogate(log, opt); });
  const auto two = sampo::test::with_threads(2, [&] { return multi_surrogate(log, opt); });
  CHECK(one.estimate == two.estimate);
  CHECK(sampo::test::same_entries(one.fold_weights, two.fold_weights));
  // 4 standard errors: a false alarm with probability 6e-5.
  CHECK(std::abs(one.estimate - mu) < 4 * one.standard_error);
  CHECK(one.precision.vrf_is > 1.0);
  // Replications: 200 estimates from 400 tests, mean within 4 of its standard errors.
  double s = 0, s2 = 0;
  const int reps = 200;
  opt.folds = 2;
  for (int k = 0; k < reps; ++k) {
    const double e = multi_surrogate(ladder.log(400, seed, 200 + std::uint64_t(k)), opt).estimate;
    s += e;
    s2 += e * e;
  }
  const double m = s / reps, se = std::sqrt((s2 / reps - m * m) / reps);
  INFO("replicated " << m << " ± " << se << " vs " << mu);
  CHECK(std::abs(m - mu) < 4 * se);
  TestLogBuilder b;
  b.step(0.5, 0.5, 0, 0.1).end_test(1.0);
  SAMPO_REQUIRE_THROWS_WITH(multi_surrogate(std::move(b).finish()), sampo::invalid_argument,
                            "no surrogate");
}

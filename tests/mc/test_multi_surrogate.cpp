#include "sampo/mc/multi_surrogate.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "mc_fixtures.hpp"
#include "sampo/core/error.hpp"
#include "sampo/mc/control_variates.hpp"
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

TEST_CASE("multi-surrogate, free weights: the cross-fitted regression on the surrogate controls",
          "[mc][multi_surrogate]") {
  testkit::Ladder ladder;
  ladder.surrogate_scale = {0.5, 2.0};
  const std::uint64_t seed = sampo::testing::fixture_seed();
  const TestLog log = ladder.log(5000, seed, 13);
  MultiSurrogateOptions opt;
  opt.weights = SurrogateWeights::free;
  opt.chunk = 700;
  const auto one = sampo::test::with_threads(1, [&] { return multi_surrogate(log, opt); });
  const auto two = sampo::test::with_threads(2, [&] { return multi_surrogate(log, opt); });
  CHECK(one.estimate == two.estimate);
  CHECK(one.standard_error == two.standard_error);
  // The same estimator as control_variates on a log carrying H_s as explicit controls, with
  // the same folds: the same moments and slopes (1e-12: the controls are recomputed from the
  // same steps in the same order, so only the storage round trip could differ — it does not).
  TestLogSchema schema = log.schema();
  schema.controls = {"h0", "h1"};
  TestLogBuilder b(schema);
  std::vector<double> h(2), f(1), v(2), c(2);
  for (std::size_t i = 0; i < log.tests(); ++i) {
    for (std::size_t s = log.first_step(i), e = s + log.step_count(i); s < e; ++s) {
      f[0] = log.feature(s, 0);
      for (std::size_t k = 0; k < 2; ++k) {
        v[k] = log.surrogate_value(s, k);
        c[k] = log.surrogate_mean(s, k);
      }
      b.step(log.p(s), log.q(s), log.ordinal(s), log.epsilon(s), f, v, c);
    }
    surrogate_controls(log, i, h);
    b.end_test(log.result(i), log.weight(i), h);
  }
  ControlVariateOptions cv;
  cv.chunk = 700;
  const auto ref = control_variates(std::move(b).finish(), cv);
  CHECK(one.estimate == Approx(ref.estimate).epsilon(1e-12));
  CHECK(one.standard_error == Approx(ref.standard_error).epsilon(1e-12));
  CHECK(one.weights(0) == Approx(ref.coefficients(0)).epsilon(1e-12));
  // Free weights minimize the same variance over a larger set than the simplex: on all tests
  // (in-sample, folds = 1) the free fit's variance is at most the simplex fit's.
  opt.folds = 1;
  MultiSurrogateOptions simplex = opt;
  simplex.weights = SurrogateWeights::simplex;
  CHECK(multi_surrogate(log, opt).variance <= multi_surrogate(log, simplex).variance * (1 + 1e-12));
  // Exact model among the surrogates: zero variance with free weights too (β = (1, 0)).
  testkit::Ladder exact;
  exact.threshold = 0;
  exact.surrogate_scale = {1.0, 0.3};
  opt.folds = 5;
  const auto z = multi_surrogate(exact.log(2000, seed), opt);
  CHECK(z.estimate == Approx(exact.mu()).epsilon(1e-10));
  CHECK(z.standard_error < 1e-10 * exact.mu());
  CHECK(z.run.message.find("free weights") != std::string::npos);
}

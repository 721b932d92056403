#include "sampo/mc/sparse_control_variates.hpp"

#include <cmath>

#include "mc_fixtures.hpp"
#include "sampo/core/error.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::mc;

namespace {
// Mean and standard error of the mean of R replicated estimates.
struct Replicated {
  double mean = 0, se = 0;
};
template <class F>
Replicated replicate(int reps, F&& estimate) {
  double s = 0, s2 = 0;
  for (int r = 0; r < reps; ++r) {
    const double e = estimate(r);
    s += e;
    s2 += e * e;
  }
  const double m = s / reps;
  return {m, std::sqrt((s2 / reps - m * m) / reps)};
}
}  // namespace

TEST_CASE("sparse control variates: the unbiased form on the ladder", "[mc][sparse_control_variates]") {
  testkit::Ladder ladder;
  const double mu = ladder.mu();
  const std::uint64_t seed = sampo::testing::fixture_seed();
  SparseControlVariateOptions opt;
  opt.order = 2;
  const TestLog log = ladder.log(20000, seed);
  const SparseControlVariateResult r = sparse_control_variates(log, opt);
  const ImportanceSamplingResult is = importance_sampling(log);
  INFO("mu " << mu << " scv " << r.estimate << " ± " << r.standard_error << " is " << is.estimate
             << " ± " << is.standard_error);
  // 4 standard errors: a false alarm with probability 6e-5.
  CHECK(std::abs(r.estimate - mu) < 4 * r.standard_error);
  CHECK(r.is_estimate == Approx(is.estimate).epsilon(1e-12));
  CHECK(r.variance < is.variance);  // the controls explain part of Y·L
  CHECK(r.precision.vrf_is > 1.0);
  CHECK(r.max_weight_mismatch < 1e-14);
  CHECK(r.control_names.size() == std::size_t(3 + 3 + 3));  // positions, danger·positions, pairs
  SparseControlVariateOptions weighted = opt;
  weighted.weighted = true;  // + L_{j−1}(w_j − 1) per position: also unbiased
  const SparseControlVariateResult p = sparse_control_variates(log, weighted);
  INFO("variance: IS " << is.variance << ", scv " << r.variance << ", weighted " << p.variance);
  CHECK(std::abs(p.estimate - mu) < 4 * p.standard_error);
  CHECK(p.control_names.size() == std::size_t(12));
  // Unbiased over replications: the mean of 200 estimates from 500 tests each, within 4 of its
  // standard errors of μ.
  opt.folds = 2;
  const Replicated rep = replicate(200, [&](int k) {
    return sparse_control_variates(ladder.log(500, seed, 100 + std::uint64_t(k)), opt).estimate;
  });
  INFO("replicated " << rep.mean << " ± " << rep.se);
  CHECK(std::abs(rep.mean - mu) < 4 * rep.se);
}

TEST_CASE("sparse control variates: the published stratified form is biased on a sequential test",
          "[mc][sparse_control_variates]") {
  // The number of critical steps depends on the actions drawn before (a step is critical only
  // once the danger level is >= 1), so E_q[w_j − 1 | K = k] != 0: the stratified estimator
  // converges to the wrong value, and its diagnostics say so.
  testkit::Ladder ladder;
  const double mu = ladder.mu();
  const std::uint64_t seed = sampo::testing::fixture_seed();
  SparseControlVariateOptions opt;
  opt.stratification = Stratification::by_critical_count;
  opt.folds = 1;
  const TestLog log = ladder.log(1000000, seed, 7);
  const SparseControlVariateResult r = sparse_control_variates(log, opt);
  INFO("mu " << mu << " stratified " << r.estimate << " ± " << r.standard_error
             << " max |z| " << r.max_abs_control_z);
  CHECK(r.bias_suspected);
  CHECK(std::abs(r.estimate - mu) > 4 * r.standard_error);
  CHECK_FALSE(r.strata.empty());
  // The unbiased form on the same log is within its error.
  opt.stratification = Stratification::none;
  opt.folds = 5;
  const SparseControlVariateResult u = sparse_control_variates(log, opt);
  CHECK(std::abs(u.estimate - mu) < 4 * u.standard_error);
  CHECK_FALSE(u.bias_suspected);
}

TEST_CASE("sparse control variates: 1 and 2 threads, bad input", "[mc][sparse_control_variates]") {
  testkit::Ladder ladder;
  const TestLog log = ladder.log(3000, sampo::testing::fixture_seed());
  SparseControlVariateOptions opt;
  opt.chunk = 100;
  const auto one = sampo::test::with_threads(1, [&] { return sparse_control_variates(log, opt); });
  const auto two = sampo::test::with_threads(2, [&] { return sparse_control_variates(log, opt); });
  CHECK(one.estimate == two.estimate);
  CHECK(one.standard_error == two.standard_error);
  CHECK(sampo::test::same_entries(one.coefficients, two.coefficients));

  TestLogBuilder b;
  b.end_test(0.0).end_test(1.0);
  SAMPO_REQUIRE_THROWS_WITH(sparse_control_variates(std::move(b).finish()),
                            sampo::invalid_argument, "no critical steps");
  SparseControlVariateOptions bad;
  bad.order = 4;
  SAMPO_REQUIRE_THROWS_WITH(sparse_control_variates(log, bad), sampo::invalid_argument,
                            "options.order");
}

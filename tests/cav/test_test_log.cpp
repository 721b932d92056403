#include <cmath>
#include <string>
#include <vector>

#include "sampo/cav/test_log.hpp"
#include "sampo/core/error.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/mc/log_io.hpp"
#include "sampo/mc/multi_surrogate.hpp"
#include "sampo/mc/sparse_control_variates.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo::cav;

namespace {
TestOptions nade_cut_in() {
  // The default cut-in with NADE: critical steps of varying number, a few crashes.
  TestOptions o;
  o.scenario = Scenario::cut_in;
  o.cav = driver_preset("aggressive");
  o.environment = Environment::nade;
  o.epsilon = 0.1;
  o.seed = sampo::testing::fixture_seed(3);  // $SAMPO_TEST_SEED redraws
  return o;
}
}  // namespace

TEST_CASE("cav test log: one test per record, weight = the product of its steps' p/q", "[cav]") {
  const TestOptions o = nade_cut_in();
  const auto batch = run_tests(o, 200);
  const sampo::mc::TestLog log = to_test_log(batch.tests);
  REQUIRE(log.tests() == 200);
  CHECK(log.schema() == test_log_schema());
  std::size_t steps = 0;
  for (std::size_t i = 0; i < log.tests(); ++i) {
    const TestRecord& r = batch.tests[i];
    REQUIRE(log.step_count(i) == r.critical.size());
    CHECK(log.result(i) == (r.crash ? 1.0 : 0.0));
    // The same products in the same order as the simulator's: exact equality.
    double product = 1.0;
    for (std::size_t s = log.first_step(i); s < log.first_step(i) + log.step_count(i); ++s) {
      const CriticalStep& c = r.critical[s - log.first_step(i)];
      CHECK(log.p(s) == c.p);
      CHECK(log.q(s) == c.q);
      CHECK(log.ordinal(s) == c.step);
      CHECK(log.epsilon(s) == c.epsilon);
      CHECK(log.feature(s, 0) == c.criticality);
      CHECK(log.surrogate_value(s, 0) == c.surrogate_value);
      CHECK(log.surrogate_mean(s, 0) == c.criticality);
      product *= log.step_weight(s);
    }
    CHECK(log.weight(i) == product);
    CHECK(log.weight(i) == r.likelihood_ratio);
    steps += r.critical.size();
  }
  CHECK(log.steps() == steps);
  CHECK(steps > 200);  // NADE controls a vehicle at several steps of most tests
  // run_test_log is the same log, computed in blocks.
  CHECK(run_test_log(o, 200) == log);
  // NDE: no steps, weight 1.
  TestOptions nde = o;
  nde.environment = Environment::nde;
  const auto plain = run_test_log(nde, 50);
  CHECK(plain.steps() == 0);
  CHECK(plain.naturalistic());
}

TEST_CASE("cav test log: bit-identical for 1 and 2 threads and any block size", "[cav]") {
  const TestOptions o = nade_cut_in();
  sampo::parallel::MapReduceOptions par;
  par.block_size = 7;
  const auto one = sampo::test::with_threads(1, [&] { return run_test_log(o, 150, par); });
  const auto two = sampo::test::with_threads(2, [&] { return run_test_log(o, 150, par); });
  CHECK(one == two);
  par.block_size = 64;
  CHECK(sampo::test::with_threads(2, [&] { return run_test_log(o, 150, par); }) == one);
  CHECK_THROWS_AS(run_test_log(o, 0), sampo::invalid_argument);
  TestOptions bad = o;
  bad.epsilon = 0.0;
  CHECK_THROWS_WITH(run_test_log(bad, 10), Catch::Contains("epsilon"));
}

TEST_CASE("cav test log: CSV and NPY round trips are exact", "[cav]") {
  const sampo::mc::TestLog log = run_test_log(nade_cut_in(), 100);
  sampo::test::TempDir dir;
  sampo::mc::write_test_log_csv(dir.path() / "log.csv", log);
  sampo::mc::write_test_log_npy(dir.path() / "log.npy", log);
  CHECK(sampo::mc::read_test_log_csv(dir.path() / "log.csv") == log);
  CHECK(sampo::mc::read_test_log_npy(dir.path() / "log.npy") == log);
}

TEST_CASE("cav test log: mc's estimators on the exact car-following benchmark agree with the exact P",
          "[cav]") {
  // NADE-IS on the DP benchmark at ε = 0.5: relative variance 36.92 exactly, so with n = 20000
  // the IS mean has relative SE sqrt(36.92 / 20000) = 4.3 %. The weight of a test is a product
  // of up to 15 per-step factors p/q <= 1/ε = 2, and the exact fourth moment shows how heavy
  // its tail is: E[Y⁴]/E[Y²]² ≈ 1.6e7. k = 4 exact standard errors for the mean: a bias of a
  // few tens of per cent of P (e.g. a wrong weight in the conversion) would be seen, and a
  // false alarm needs a 4-sigma deviation (at most 1/16 by Chebyshev whatever the tails).
  ExactCarFollowingOptions eo;
  eo.epsilon = 0.5;
  const ExactCarFollowing dp(eo);
  const std::uint64_t seed = sampo::testing::fixture_seed(17);  // $SAMPO_TEST_SEED redraws
  constexpr std::size_t n = 20000;
  std::vector<DpTest> tests;
  tests.reserve(n);
  for (std::size_t i = 0; i < n; ++i) tests.push_back(dp.sample(seed, i));
  const sampo::mc::TestLog log = to_test_log(tests);
  const double p = dp.crash_probability();
  // IS against the exact standard error (from the DP's exact second moment).
  const double m2 = dp.is_second_moment(), m4 = dp.is_fourth_moment();
  const double nd = static_cast<double>(n);
  const double exact_se = std::sqrt((m2 - p * p) / nd);
  const auto is = sampo::mc::importance_sampling(log);
  INFO("seed " << seed << ", IS " << is.estimate << " +- " << is.standard_error << ", P " << p);
  CHECK(std::abs(is.estimate - p) <= 4 * exact_se);
  // Its estimated SE: the sample second moment of the weighted results, n·SE² + mean², is an
  // unbiased estimate of E[Y²] with standard deviation sqrt((E[Y⁴] − E[Y²]²)/n) ≈ 28·E[Y²]
  // here, so no tight band on the SE can hold (docs/cav.md: the sample variance of NADE-IS is
  // mostly an underestimate); 4 of those standard deviations, as for the mean.
  const double m2_hat = (nd - 1.0) * is.standard_error * is.standard_error + is.estimate * is.estimate;
  CHECK(std::abs(m2_hat - m2) <= 4 * std::sqrt((m4 - m2 * m2) / nd));
  CHECK(is.standard_error > 0.0);
  // The unbiased sparse control variates and the multi-surrogate estimator (cross-fitted, so
  // unbiased): within 4 of their own standard errors (estimated, as above).
  sampo::mc::SparseControlVariateOptions so;
  so.seed = seed;
  const auto scv = sampo::mc::sparse_control_variates(log, so);
  INFO("SCV " << scv.estimate << " +- " << scv.standard_error);
  CHECK(std::abs(scv.estimate - p) <= 4 * scv.standard_error);
  sampo::mc::MultiSurrogateOptions mo;
  mo.seed = seed;
  const auto ms = sampo::mc::multi_surrogate(log, mo);
  INFO("multi-surrogate " << ms.estimate << " +- " << ms.standard_error);
  CHECK(std::abs(ms.estimate - p) <= 4 * ms.standard_error);
}

TEST_CASE("cav test log: the oracle surrogate at epsilon = 0 gives mc a zero-variance IS estimate",
          "[cav]") {
  // Surrogate = vehicle under test and ε = 0: q is the zero-variance importance distribution,
  // every test crashes with Y·L = P up to the rounding of ~15 factors (1e-11 relative, as in
  // test_exact_car_following.cpp); mc's mean and standard error see the same.
  ExactCarFollowingOptions eo;
  eo.epsilon = 0.0;
  eo.surrogate = eo.cav;
  const ExactCarFollowing oracle(eo);
  std::vector<DpTest> tests;
  for (std::uint64_t i = 0; i < 200; ++i) tests.push_back(oracle.sample(sampo::testing::fixture_seed(23), i));
  const sampo::mc::TestLog log = to_test_log(tests);
  const double p = oracle.crash_probability();
  const auto is = sampo::mc::importance_sampling(log);
  CHECK(std::abs(is.estimate - p) <= 1e-11 * p);
  CHECK(is.standard_error <= 1e-11 * p);
  for (std::size_t s = 0; s < log.steps(); ++s) CHECK(log.epsilon(s) == 0.0);
}

TEST_CASE("cav test log: logged surrogates are recorded, sampling unchanged, same bits for 1 and 2 threads",
          "[cav]") {
  TestOptions plain = nade_cut_in();
  TestOptions o = plain;
  o.logged_surrogates = {{"nade", surrogate_preset("nade")},
                         {"aggressive", surrogate_preset("aggressive")}};
  const std::size_t m = 2, n = 150;
  const auto with = run_tests(o, n);
  const auto without = run_tests(plain, n);
  std::size_t steps = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const TestRecord& a = with.tests[i];
    const TestRecord& b = without.tests[i];
    // What is sampled does not depend on what is logged.
    CHECK(a.crash == b.crash);
    CHECK(a.likelihood_ratio == b.likelihood_ratio);
    REQUIRE(a.critical.size() == b.critical.size());
    REQUIRE(a.surrogate_values.size() == a.critical.size() * m);
    REQUIRE(a.surrogate_means.size() == a.critical.size() * m);
    CHECK(b.surrogate_values.empty());
    for (std::size_t j = 0; j < a.critical.size(); ++j) {
      // "nade" is NADE's own surrogate: its value and mean are NADE's, bit for bit (the same
      // look-ahead; the mean sums the same terms in the same order, skipping exact zeros).
      CHECK(a.surrogate_values[j * m] == a.critical[j].surrogate_value);
      CHECK(a.surrogate_means[j * m] == a.critical[j].criticality);
      // A probability-to-go and its mean over the action pmf lie in [0, 1].
      CHECK(a.surrogate_values[j * m + 1] >= 0.0);
      CHECK(a.surrogate_values[j * m + 1] <= 1.0);
      CHECK(a.surrogate_means[j * m + 1] >= 0.0);
      CHECK(a.surrogate_means[j * m + 1] <= 1.0);
    }
    steps += a.critical.size();
  }
  REQUIRE(steps > 0);
  // The aggressive surrogate differs from NADE's somewhere (else the test shows nothing).
  bool differs = false;
  for (const auto& t : with.tests)
    for (std::size_t j = 0; j < t.critical.size(); ++j)
      differs = differs || t.surrogate_means[j * m + 1] != t.surrogate_means[j * m];
  CHECK(differs);

  const sampo::mc::TestLog log = to_test_log(with.tests, o);
  CHECK(log.schema() == test_log_schema(o));
  CHECK(log.schema().surrogates == std::vector<std::string>{"sm", "nade", "aggressive"});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t s = log.first_step(i), j = 0; j < log.step_count(i); ++s, ++j)
      for (std::size_t k = 0; k < m; ++k) {
        CHECK(log.surrogate_value(s, 1 + k) == with.tests[i].surrogate_values[j * m + k]);
        CHECK(log.surrogate_mean(s, 1 + k) == with.tests[i].surrogate_means[j * m + k]);
      }
  // Without the logged columns, the log is the plain one.
  CHECK(to_test_log(without.tests, plain) == to_test_log(without.tests));
  // run_test_log: the same log in blocks, for 1 and 2 threads and two block sizes.
  sampo::parallel::MapReduceOptions par;
  par.block_size = 7;
  const auto one = sampo::test::with_threads(1, [&] { return run_test_log(o, n, par); });
  par.block_size = 64;
  const auto two = sampo::test::with_threads(2, [&] { return run_test_log(o, n, par); });
  CHECK(one == log);
  CHECK(two == log);
  // The multi-surrogate estimator runs on it (every column a martingale-difference control).
  sampo::mc::MultiSurrogateOptions ms;
  ms.folds = 2;
  const auto r = sampo::mc::multi_surrogate(log, ms);
  CHECK(r.surrogate_names.size() == 3);
  CHECK(std::isfinite(r.estimate));
}

TEST_CASE("cav test log: logged surrogates, bad input", "[cav]") {
  TestOptions o = nade_cut_in();
  o.logged_surrogates = {{"normal", surrogate_preset("normal")}};
  const auto batch = run_tests(o, 5);
  // The overload without options cannot name the columns: refused.
  SAMPO_REQUIRE_THROWS_WITH(to_test_log(batch.tests), sampo::invalid_argument,
                            "sampo::cav::to_test_log", "carries logged surrogates");
  // Records that do not match the options' surrogates.
  TestOptions two = o;
  two.logged_surrogates.push_back({"aggressive", surrogate_preset("aggressive")});
  bool any_steps = false;
  for (const auto& t : batch.tests) any_steps = any_steps || !t.critical.empty();
  REQUIRE(any_steps);
  SAMPO_REQUIRE_THROWS_WITH(to_test_log(batch.tests, two), sampo::invalid_argument,
                            "critical steps × options.logged_surrogates");
  // Names and parameters are checked with the options.
  auto refused = [&](std::vector<NamedSurrogate> list, const char* part) {
    TestOptions bad = o;
    bad.logged_surrogates = std::move(list);
    SAMPO_REQUIRE_THROWS_WITH(run_tests(bad, 1), sampo::invalid_argument, part);
  };
  refused({{"sm", {}}}, "'logged_surrogates.name' = sm: is taken by NADE's own surrogate");
  refused({{"", {}}}, "'logged_surrogates.name': must be non-empty");
  refused({{"a b", {}}}, "'logged_surrogates.name' = a b");
  refused({{"x", {}}, {"x", {}}}, "'logged_surrogates.name' = x: appears twice");
  SurrogateParameters neg;
  neg.acceleration_sd = -1;
  refused({{"x", neg}}, "surrogate.acceleration_sd");
  refused(std::vector<NamedSurrogate>(17, NamedSurrogate{"x", {}}), "at most 16");
}

#include <cmath>

#include "sampo/cav/environment.hpp"
#include "sampo/core/error.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo::cav;

namespace {

bool same(const TestRecord& a, const TestRecord& b) {
  if (a.crash != b.crash || a.steps != b.steps || a.collision_partner != b.collision_partner ||
      a.cav_lane_changes != b.cav_lane_changes ||
      a.collision_step != b.collision_step || !(a.likelihood_ratio == b.likelihood_ratio) ||
      a.critical.size() != b.critical.size())
    return false;
  for (std::size_t j = 0; j < a.critical.size(); ++j) {
    const auto &x = a.critical[j], &y = b.critical[j];
    if (x.step != y.step || x.ordinal != y.ordinal || x.vehicle != y.vehicle ||
        x.action != y.action || !(x.p == y.p) || !(x.q == y.q) ||
        !(x.surrogate_value == y.surrogate_value) || !(x.criticality == y.criticality))
      return false;
  }
  return true;
}

TestOptions risky_cut_in(Environment env) {
  // A riskier naturalistic population (unsafe cut-ins far more frequent than the default) and
  // the aggressive vehicle under test, so that NDE sees crashes (P ≈ 1.5e-3 in 3 steps).
  TestOptions o;
  o.scenario = Scenario::cut_in;
  o.cav = driver_preset("aggressive");
  o.naturalistic.lane_change_intercept = -3.0;
  o.naturalistic.lane_change_risk = 0.3;
  o.steps = 3;
  o.environment = env;
  o.epsilon = 0.5;
  o.seed = sampo::testing::fixture_seed();  // $SAMPO_TEST_SEED redraws every test
  return o;
}

}  // namespace

TEST_CASE("scenarios and environments by name", "[cav]") {
  for (Scenario s : {Scenario::car_following, Scenario::cut_in, Scenario::overtaking}) {
    CHECK(scenario_from_string(to_string(s)) == s);
    const auto setup = make_scenario(s);
    CHECK(setup.steps > 0);
    CHECK_NOTHROW(Traffic(setup.road, setup.vehicles));
  }
  CHECK(environment_from_string("nade") == Environment::nade);
  SAMPO_REQUIRE_THROWS_WITH(scenario_from_string("merge"), sampo::invalid_argument, "merge",
                            "car-following");
  SAMPO_REQUIRE_THROWS_WITH(environment_from_string("NDE"), sampo::invalid_argument, "NDE");
}

TEST_CASE("the vehicle under test overtakes by MOBIL; lane keeping turns it off", "[cav]") {
  // Overtaking: 28 m/s behind a 20 m/s lead, a faster left lane with room (MOBIL gain ~2 m/s²,
  // the new follower brakes ~1.5 m/s² < b_safe): the normal preset changes lanes.
  TestOptions o;
  o.scenario = Scenario::overtaking;
  const TestRecord r = run_test(o, 0);
  CHECK(r.cav_lane_changes >= 1);
  sampo::cav::set_parameter(o.cav, "lane_changes=0");
  const TestRecord keep = run_test(o, 0);
  CHECK(keep.cav_lane_changes == 0);
}

TEST_CASE("NADE: likelihood ratio is the product of p/q over the critical steps; epsilon = 1 is NDE",
          "[cav]") {
  TestOptions o = risky_cut_in(Environment::nade);
  o.steps = 0;  // the scenario's 15 steps
  TestRunner runner(o);
  int with_critical = 0;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const TestRecord r = runner.run(i);
    double lr = 1.0;
    for (std::size_t j = 0; j < r.critical.size(); ++j) {
      const auto& c = r.critical[j];
      CHECK(c.ordinal == static_cast<int>(j));
      CHECK(c.p > 0.0);
      CHECK(c.q >= o.epsilon * c.p);  // defensive mixing: q >= ε p
      CHECK(c.epsilon == o.epsilon);
      lr *= c.p / c.q;
    }
    with_critical += r.critical.empty() ? 0 : 1;
    CHECK(r.likelihood_ratio == lr);  // same products in the same order: exact
    CHECK(same(r, runner.run(i)));    // a test is a pure function of its index
  }
  CHECK(with_critical > 0);

  // ε = 1: q = p exactly, so every action and outcome equals NDE's and the ratio is 1.
  o.epsilon = 1.0;
  TestOptions nde = o;
  nde.environment = Environment::nde;
  TestRunner a(o), b(nde);
  for (std::uint64_t i = 0; i < 200; ++i) {
    const TestRecord x = a.run(i), y = b.run(i);
    CHECK(x.crash == y.crash);
    CHECK(x.steps == y.steps);
    CHECK(x.likelihood_ratio == 1.0);
  }
}

TEST_CASE("run_tests: bit-identical for 1 and 2 threads", "[cav]") {
  for (Environment env : {Environment::nde, Environment::nade}) {
    TestOptions o = risky_cut_in(env);
    o.steps = 0;
    o.seed = sampo::testing::fixture_seed(42);
    sampo::parallel::MapReduceOptions par;
    par.block_size = 7;
    const auto one = sampo::test::with_threads(1, [&] { return run_tests(o, 300, par); });
    const auto two = sampo::test::with_threads(2, [&] { return run_tests(o, 300, par); });
    REQUIRE(one.tests.size() == two.tests.size());
    for (std::size_t i = 0; i < one.tests.size(); ++i) CHECK(same(one.tests[i], two.tests[i]));
    CHECK(one.estimate == two.estimate);
    CHECK(one.standard_error == two.standard_error);
    // The block size changes only the scheduling, not a test.
    par.block_size = 64;
    const auto other = run_tests(o, 300, par);
    CHECK(other.estimate == one.estimate);
  }
}

TEST_CASE("NADE estimate agrees with NDE within 4 standard errors", "[cav]") {
  // Unbiasedness check. With ε = 0.5 and 3 steps every NADE weight is at most 2^3, so the NADE
  // results have a bounded variance and the CLT applies to both means; 4 combined standard
  // errors (fixed seeds) leave a false-alarm probability of ~6e-5. The NDE mean (~1.5e-3 from
  // 60000 tests, ~90 crashes) has an RSE of ~11 %, so this detects a bias of ~45 % or more;
  // the exact benchmark (test_exact_car_following) checks unbiasedness far more tightly.
  const auto nde = run_tests(risky_cut_in(Environment::nde), 60000);
  TestOptions o = risky_cut_in(Environment::nade);
  o.seed += 1;  // independent of the NDE draws
  const auto nade = run_tests(o, 8000);
  INFO("NDE " << nde.estimate << " ± " << nde.standard_error << ", NADE " << nade.estimate
              << " ± " << nade.standard_error);
  REQUIRE(nde.crashes > 30);
  for (const auto& t : nade.tests) CHECK(t.result() <= 8.0);
  const double se = std::hypot(nde.standard_error, nade.standard_error);
  CHECK(std::abs(nde.estimate - nade.estimate) <= 4.0 * se);
  CHECK(nade.standard_error < nde.standard_error);  // the point of NADE
}

TEST_CASE("test options: bad input names the field", "[cav]") {
  TestOptions o;
  o.environment = Environment::nade;
  o.epsilon = 0.0;
  SAMPO_REQUIRE_THROWS_WITH(run_tests(o, 10), sampo::invalid_argument, "epsilon", "(0, 1]");
  o.epsilon = 1.5;
  SAMPO_REQUIRE_THROWS_WITH(TestRunner{o}, sampo::invalid_argument, "epsilon", "1.5");
  o = {};
  SAMPO_REQUIRE_THROWS_WITH(run_tests(o, 0), sampo::invalid_argument, "'n'", "0");
  o.cav.idm.time_headway = -1.0;
  SAMPO_REQUIRE_THROWS_WITH(run_tests(o, 1), sampo::invalid_argument, "idm.time_headway");
  o = {};
  o.max_candidates = 0;
  SAMPO_REQUIRE_THROWS_WITH(run_tests(o, 1), sampo::invalid_argument, "max_candidates");
}

TEST_CASE("NADE: q stays a probability when the surrogate values are subnormal", "[cav]") {
  // Test 18749 of overtaking, cautious, seed 2026: at its 18th critical step the criticality is
  // 5e-324 (the smallest subnormal), and q computed directly was 1.004 (the run stopped with an
  // error). With the surrogate values scaled by a power of two, q is a distribution again.
  TestOptions o;
  o.scenario = Scenario::overtaking;
  o.environment = Environment::nade;
  o.cav = driver_preset("cautious");
  o.epsilon = 0.1;
  o.seed = 2026;
  const TestRecord r = run_test(o, 18749);
  REQUIRE(r.critical.size() >= 18);
  CHECK(r.critical[17].criticality < 1e-300);  // the case is still exercised
  double product = 1.0;
  for (const CriticalStep& c : r.critical) {
    CHECK(c.q > 0.0);
    CHECK(c.q <= 1.0);
    // q = εp + (1 − ε)·(...) >= εp, up to the rounding of the product (1e-15 relative).
    CHECK(c.q >= o.epsilon * c.p * (1 - 1e-15));
    product *= c.p / c.q;
  }
  CHECK(r.likelihood_ratio == product);
}

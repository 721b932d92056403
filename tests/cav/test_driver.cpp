#include <cmath>
#include <limits>

#include "sampo/cav/driver.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo::cav;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

TEST_CASE("IDM closed forms", "[cav]") {
  const IdmParameters p;  // a 1.5, b 2, s0 2, T 1.2, v0 30, δ 4
  // Free road: a(1 − (v/v0)^4); exact up to a few ulps.
  CHECK(idm_acceleration(p, 0.0, kInf, 0.0) == p.max_acceleration);
  CHECK(idm_acceleration(p, 15.0, kInf, 0.0) == Approx(1.5 * (1.0 - 0.0625)).epsilon(1e-14));
  CHECK(idm_acceleration(p, 30.0, kInf, 0.0) == Approx(0.0).margin(1e-15));
  // Equilibrium gap: zero acceleration there behind a leader at the same speed (rounding of
  // a square root and a division: 1e-12 absolute on an O(1) acceleration).
  for (double v : {0.0, 5.0, 20.0, 29.0}) {
    const double s = idm_equilibrium_gap(p, v);
    CHECK(s == Approx((p.min_gap + v * p.time_headway) /
                      std::sqrt(1.0 - std::pow(v / p.desired_speed, 4.0))).epsilon(1e-14));
    CHECK(std::abs(idm_acceleration(p, v, s, v)) < 1e-12);
    // Closer than equilibrium: brakes; farther: accelerates.
    CHECK(idm_acceleration(p, v, 0.9 * s, v) < 0.0);
    CHECK(idm_acceleration(p, v, 1.1 * s, v) > 0.0);
  }
  // Approaching a slower leader needs a larger desired gap: more braking.
  CHECK(idm_acceleration(p, 25.0, 40.0, 20.0) < idm_acceleration(p, 25.0, 40.0, 25.0));
  // Another exponent goes through std::pow.
  IdmParameters q = p;
  q.exponent = 2.0;
  CHECK(idm_acceleration(q, 15.0, kInf, 0.0) == Approx(1.5 * 0.75).epsilon(1e-14));
  SAMPO_REQUIRE_THROWS_WITH(idm_equilibrium_gap(p, 30.0), sampo::invalid_argument, "speed", "30");
}

TEST_CASE("MOBIL decisions on constructed cases", "[cav]") {
  MobilParameters m;  // threshold 0.2, b_safe 4, bias 0
  m.politeness = 0.0;
  MobilInputs in;
  in.self_current = -1.0;
  in.self_target = 0.5;  // gain 1.5 > 0.2
  in.new_follower_before = 0.0;
  in.new_follower_after = -1.0;  // safe (>= -4)
  CHECK(mobil_incentive(m, in, false) == 1.5);
  CHECK(mobil_changes_lane(m, in, false));
  in.new_follower_after = -5.0;  // imposes more than b_safe: unsafe
  CHECK_FALSE(mobil_changes_lane(m, in, false));
  in.new_follower_after = -1.0;
  in.self_target = -0.9;  // gain 0.1 < threshold
  CHECK_FALSE(mobil_changes_lane(m, in, false));
  m.keep_right_bias = 0.2;  // moving right adds 0.2: 0.3 > 0.2
  CHECK(mobil_changes_lane(m, in, true));
  CHECK_FALSE(mobil_changes_lane(m, in, false));
  // Politeness: the new follower's loss of 1 m/s² counts with weight p.
  m.keep_right_bias = 0.0;
  m.politeness = 1.0;
  in.self_target = 0.5;  // own gain 1.5, follower loss −1, old follower gain 0
  CHECK(mobil_incentive(m, in, false) == Approx(0.5).epsilon(1e-15));
  CHECK(mobil_changes_lane(m, in, false));
  in.new_follower_after = -1.4;  // incentive 0.1
  CHECK_FALSE(mobil_changes_lane(m, in, false));
}

TEST_CASE("driver presets span safer to riskier and the key=value setter", "[cav]") {
  const auto& names = driver_preset_names();
  REQUIRE(names.size() == 4);
  for (std::size_t k = 1; k < names.size(); ++k) {
    const auto safer = driver_preset(names[k - 1]);
    const auto riskier = driver_preset(names[k]);
    CHECK(riskier.idm.time_headway < safer.idm.time_headway);
    CHECK(riskier.idm.min_gap < safer.idm.min_gap);
    CHECK(riskier.mobil.gain_threshold < safer.mobil.gain_threshold);
    CHECK(riskier.mobil.politeness < safer.mobil.politeness);
    CHECK(riskier.mobil.safe_deceleration >= safer.mobil.safe_deceleration);
    CHECK_NOTHROW(riskier.validate("test"));
  }
  const auto normal = driver_preset("normal");
  CHECK(normal.idm.time_headway == DriverParameters{}.idm.time_headway);
  SAMPO_REQUIRE_THROWS_WITH(driver_preset("reckless"), sampo::invalid_argument, "reckless",
                            "cautious", "aggressive");

  DriverParameters d;
  set_parameter(d, "T=0.9");
  set_parameter(d, "politeness=0.25");
  set_parameter(d, "lane_changes=false");
  CHECK(d.idm.time_headway == 0.9);
  CHECK(d.mobil.politeness == 0.25);
  CHECK_FALSE(d.lane_changes);
  const DriverParameters before = d;
  SAMPO_REQUIRE_THROWS_WITH(set_parameter(d, "T"), sampo::invalid_argument, "--set", "key=value");
  SAMPO_REQUIRE_THROWS_WITH(set_parameter(d, "headway=1"), sampo::invalid_argument, "headway=1",
                            "unknown key", "politeness");
  SAMPO_REQUIRE_THROWS_WITH(set_parameter(d, "v0=-3"), sampo::invalid_argument, "v0=-3", "(0, 60]");
  SAMPO_REQUIRE_THROWS_WITH(set_parameter(d, "s0=1x"), sampo::invalid_argument, "s0=1x",
                            "not a finite number");
  SAMPO_REQUIRE_THROWS_WITH(set_parameter(d, "politeness=nan"), sampo::invalid_argument,
                            "not a finite number");
  // All or nothing: the valid first assignment is not applied when the second fails.
  SAMPO_REQUIRE_THROWS_WITH(set_parameters(d, {"T=2", "b=0"}), sampo::invalid_argument, "b=0");
  CHECK(d.idm.time_headway == before.idm.time_headway);
  CHECK(driver_parameter_keys().size() == 12);
  d.max_braking = 0.0;
  SAMPO_REQUIRE_THROWS_WITH(d.validate("f"), sampo::invalid_argument, "max_braking");
}

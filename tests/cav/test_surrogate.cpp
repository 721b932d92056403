#include <string>
#include <vector>

#include "sampo/cav/action.hpp"
#include "sampo/cav/surrogate.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo::cav;

TEST_CASE("surrogate crash probability-to-go", "[cav]") {
  RoadGeometry road;
  road.lanes = 2;
  // Vehicle under test (0) in lane 0 behind a lead (1) 15 m ahead; vehicle 2 in lane 1.
  Traffic t(road, std::vector<Vehicle>{{0.0, 25.0, 0, 5.0}, {20.0, 25.0, 0, 5.0}, {12.0, 25.0, 1, 5.0}});
  const SurrogateParameters sm;
  const int brake4 = kFirstAcceleration, brake2 = nearest_acceleration_action(-2.0),
            accel = nearest_acceleration_action(1.0);
  const double hard = surrogate_crash_probability(sm, t, 0, 1, brake4, 1.0);
  const double soft = surrogate_crash_probability(sm, t, 0, 1, brake2, 1.0);
  const double away = surrogate_crash_probability(sm, t, 0, 1, accel, 1.0);
  CHECK(hard > soft);
  CHECK(soft > away);
  CHECK(hard <= 1.0);
  CHECK(away >= 0.0);
  // Vehicle 2 keeping its lane cannot reach the vehicle under test.
  CHECK(surrogate_crash_probability(sm, t, 0, 2, brake4, 1.0) == 0.0);
  // Vehicle 2 cutting in right (into lane 0) 7 m ahead, but behind the lead: it becomes the
  // nearest leader; a cut-in with a positive gap is less than certain.
  const double cut = surrogate_crash_probability(sm, t, 0, 2, kLaneRight, 1.0);
  CHECK(cut > 0.0);
  CHECK(cut < 1.0);
  // The lead is shielded by vehicle 2 once 2 has cut in? No: 2 is in lane 1 now, so the lead
  // stays the nearest leader. A vehicle changing left (off the road) has no effect.
  CHECK(surrogate_crash_probability(sm, t, 0, 2, kLaneLeft, 1.0) == 0.0);
  // A cut-in into an overlapping position is certain.
  Traffic level(road, std::vector<Vehicle>{{0.0, 25.0, 0, 5.0}, {2.0, 25.0, 1, 5.0}});
  CHECK(surrogate_crash_probability(sm, level, 0, 1, kLaneRight, 1.0) == 1.0);
}

TEST_CASE("surrogate: stochastic MOBIL escape lowers the crash probability only where a lane is free",
          "[cav]") {
  RoadGeometry road;
  road.lanes = 2;
  SurrogateParameters sm;
  SurrogateParameters keep = sm;
  keep.lane_changes = false;
  const int brake4 = kFirstAcceleration;
  // A lead 10 m ahead braking at 4 m/s²; the left lane empty: a large MOBIL gain, escape_max.
  Traffic open(road, std::vector<Vehicle>{{0.0, 25.0, 0, 5.0}, {15.0, 25.0, 0, 5.0}});
  const double v_keep = surrogate_crash_probability(keep, open, 0, 1, brake4, 1.0);
  const double v_escape = surrogate_crash_probability(sm, open, 0, 1, brake4, 1.0);
  REQUIRE(v_keep > 0.0);
  // Gain well above threshold + saturation: P_escape = escape_max = 0.9 (rounding: 1e-15).
  CHECK(v_escape == Approx((1.0 - sm.escape_max) * v_keep).epsilon(1e-12));
  // A vehicle alongside in the left lane (at t = 1 s, both at 25 m/s) blocks the escape.
  Traffic blocked(road, std::vector<Vehicle>{{0.0, 25.0, 0, 5.0}, {15.0, 25.0, 0, 5.0}, {2.0, 25.0, 1, 5.0}});
  CHECK(surrogate_crash_probability(sm, blocked, 0, 1, brake4, 1.0) ==
        surrogate_crash_probability(keep, blocked, 0, 1, brake4, 1.0));
  // One lane: nowhere to go.
  RoadGeometry one;
  Traffic single(one, std::vector<Vehicle>{{0.0, 25.0, 0, 5.0}, {15.0, 25.0, 0, 5.0}});
  CHECK(surrogate_crash_probability(sm, single, 0, 1, brake4, 1.0) == v_keep);
}

TEST_CASE("surrogate key=value setter", "[cav]") {
  SurrogateParameters sm;
  set_surrogate_parameter(sm, "T=1.8");
  set_surrogate_parameter(sm, "sd=0.3");
  CHECK(sm.idm.time_headway == 1.8);
  CHECK(sm.acceleration_sd == 0.3);
  set_surrogate_parameter(sm, "lane_changes=false");
  set_surrogate_parameter(sm, "escape_max=0.5");
  CHECK_FALSE(sm.lane_changes);
  CHECK(sm.escape_max == 0.5);
  SAMPO_REQUIRE_THROWS_WITH(set_surrogate_parameter(sm, "escape_max=2"), sampo::invalid_argument,
                            "escape_max=2", "[0, 1]");
  SAMPO_REQUIRE_THROWS_WITH(set_surrogate_parameter(sm, "sigma=1"), sampo::invalid_argument,
                            "--surrogate-set", "sigma=1", "unknown key");
  SAMPO_REQUIRE_THROWS_WITH(set_surrogate_parameter(sm, "horizon=0"), sampo::invalid_argument,
                            "horizon=0", "(0, 60]");
}

TEST_CASE("surrogate presets: NADE's default and the driver presets as surrogates", "[cav]") {
  CHECK(surrogate_preset_names() ==
        std::vector<std::string>{"nade", "cautious", "normal", "assertive", "aggressive"});
  const SurrogateParameters d{}, nade = surrogate_preset("nade");
  CHECK(nade.idm.time_headway == d.idm.time_headway);
  CHECK(nade.acceleration_sd == d.acceleration_sd);
  CHECK(nade.max_braking == d.max_braking);
  for (const auto& name : driver_preset_names()) {
    const DriverParameters drv = driver_preset(name);
    const SurrogateParameters s = surrogate_preset(name);
    CHECK(s.idm.max_acceleration == drv.idm.max_acceleration);
    CHECK(s.idm.time_headway == drv.idm.time_headway);
    CHECK(s.idm.desired_speed == drv.idm.desired_speed);
    CHECK(s.max_braking == drv.max_braking);
    CHECK(s.mobil.politeness == drv.mobil.politeness);
    CHECK(s.mobil.safe_deceleration == drv.mobil.safe_deceleration);
    CHECK(s.lane_changes == drv.lane_changes);
    // The stochastic parts stay the default surrogate's.
    CHECK(s.acceleration_sd == d.acceleration_sd);
    CHECK(s.horizon == d.horizon);
    CHECK(s.escape_max == d.escape_max);
    CHECK_NOTHROW(s.validate("test"));
  }
  SAMPO_REQUIRE_THROWS_WITH(surrogate_preset("reckless"), sampo::invalid_argument,
                            "sampo::cav::surrogate_preset: argument 'name' = reckless",
                            "known: nade, cautious, normal, assertive, aggressive");
}

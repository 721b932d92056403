#include "sampo/cav/action.hpp"
#include "sampo_test.hpp"

using namespace sampo::cav;

TEST_CASE("action set: 2 lane changes and 31 accelerations from -4 to 2 by 0.2", "[cav]") {
  STATIC_REQUIRE(kActionCount == 33);
  CHECK(action_acceleration(kLaneLeft) == 0.0);
  CHECK(action_acceleration(kLaneRight) == 0.0);
  CHECK(action_lane_change(kLaneLeft) == 1);
  CHECK(action_lane_change(kLaneRight) == -1);
  CHECK(action_acceleration(kFirstAcceleration) == -4.0);
  CHECK(action_acceleration(kActionCount - 1) == Approx(2.0).margin(1e-14));  // 30 * 0.2 rounding
  CHECK(action_acceleration(22) == Approx(0.0).margin(1e-14));
  for (int k = kFirstAcceleration; k < kActionCount; ++k) {
    CHECK(action_lane_change(k) == 0);
    CHECK(nearest_acceleration_action(action_acceleration(k)) == k);
  }
  CHECK(nearest_acceleration_action(-9.0) == kFirstAcceleration);
  CHECK(nearest_acceleration_action(5.0) == kActionCount - 1);
  CHECK(nearest_acceleration_action(0.09) == 22);
  CHECK(nearest_acceleration_action(0.11) == 23);
}

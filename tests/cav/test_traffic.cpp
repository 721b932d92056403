#include <array>
#include <vector>

#include "sampo/cav/traffic.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo::cav;

TEST_CASE("constant-acceleration motion is exact and respects the speed bounds", "[cav]") {
  double x, v;
  constant_acceleration_motion(0.0, 10.0, 2.0, 1.5, 0.0, 40.0, x, v);
  CHECK(x == 10.0 * 1.5 + 0.5 * 2.0 * 2.25);
  CHECK(v == 13.0);
  // Braking to a stop at t = 2.5 s, then standing: x = v²/(2b) = 12.5 m.
  constant_acceleration_motion(0.0, 10.0, -4.0, 4.0, 0.0, 40.0, x, v);
  CHECK(x == Approx(12.5).epsilon(1e-15));
  CHECK(v == 0.0);
  // Reaching the top speed at t = 1 s, then cruising.
  constant_acceleration_motion(0.0, 38.0, 2.0, 3.0, 0.0, 40.0, x, v);
  CHECK(x == Approx(39.0 + 2 * 40.0).epsilon(1e-15));
  CHECK(v == 40.0);
}

TEST_CASE("traffic: neighbours, collisions by overlap, lane changes", "[cav]") {
  RoadGeometry road;
  road.lanes = 2;
  const std::vector<Vehicle> init{{0.0, 25.0, 0, 5.0}, {30.0, 25.0, 0, 5.0}, {10.0, 20.0, 1, 5.0}};
  Traffic t(road, init);
  CHECK(t.size() == 3);
  CHECK(t.leader(0, 0) == 1);
  CHECK(t.follower(1, 0) == 0);
  CHECK(t.leader(0, 1) == 2);
  CHECK(t.follower(2, 0) == 0);
  CHECK(t.leader(1, 0) == -1);
  CHECK(t.gap(0, 1) == 25.0);
  SimulatorOptions sim;
  std::array<Command, 3> keep{};
  auto out = t.advance(keep, sim);
  CHECK_FALSE(out.collision);
  CHECK(t.x(0) == 25.0);
  CHECK(t.x(2) == 30.0);

  // Lead brakes at −4, follower holds speed: gap 25 − 25t − ... closes: g(t) = 25 − 2t²
  // for the lead's braking alone; with the follower 25 m/s and lead slowing, the gap at
  // t is 25 − 2t², which reaches 0 at t ≈ 3.54 s: step 4 (t in (3, 4]) collides at 3.6 s.
  t.reset();
  std::array<Command, 3> brake{Command{0.0, 0}, Command{-4.0, 0}, Command{0.0, 0}};
  int collided_at = -1;
  for (int s = 0; s < 6 && collided_at < 0; ++s) {
    // The lead keeps braking from its current speed; its speed floor 0 is far.
    out = t.advance(brake, sim);
    if (out.collision) collided_at = s;
  }
  REQUIRE(collided_at == 3);
  CHECK(out.first == 0);
  CHECK(out.second == 1);
  CHECK(out.time == Approx(0.6).epsilon(1e-12));

  // A lane change into occupied space collides at time 0.
  t.reset();
  std::array<Command, 3> cut{Command{}, Command{}, Command{0.0, -1}};
  out = t.advance(cut, sim);
  // Vehicle 2 (front 10, rear 5) moves into lane 0 where vehicle 0 occupies [−5, 0]: gap 5 m,
  // no overlap at t = 0; 25 vs 20 m/s closes 5 m in 1 s: touching at t = 1 s exactly.
  CHECK(out.collision);
  CHECK(out.first == 0);
  CHECK(out.second == 2);
  CHECK(out.time == 1.0);
  CHECK(t.lane(2) == 0);
  // A lane change beyond the road's edge is ignored.
  t.reset();
  std::array<Command, 3> off{Command{0.0, -1}, Command{}, Command{0.0, 1}};
  out = t.advance(off, sim);
  CHECK(t.lane(0) == 0);
  CHECK(t.lane(2) == 1);
  CHECK_FALSE(out.collision);
}

TEST_CASE("traffic: bad input names the vehicle and field", "[cav]") {
  RoadGeometry road;
  SAMPO_REQUIRE_THROWS_WITH(Traffic(road, std::vector<Vehicle>{{0.0, 25.0, 1, 5.0}}),
                            sampo::invalid_argument, "vehicles[0].lane", "1");
  SAMPO_REQUIRE_THROWS_WITH(Traffic(road, std::vector<Vehicle>{{0.0, 45.0, 0, 5.0}}),
                            sampo::invalid_argument, "vehicles[0].v");
  SAMPO_REQUIRE_THROWS_WITH(
      Traffic(road, std::vector<Vehicle>{{0.0, 25.0, 0, 5.0}, {4.0, 25.0, 0, 5.0}}),
      sampo::invalid_argument, "vehicles 0 and 1", "overlap");
  SAMPO_REQUIRE_THROWS_WITH(Traffic(road, std::vector<Vehicle>{}), sampo::invalid_argument,
                            "vehicles");
  road.lanes = 0;
  SAMPO_REQUIRE_THROWS_WITH(road.validate("f"), sampo::invalid_argument, "road.lanes", "0");
  SimulatorOptions sim;
  sim.substeps = 0;
  SAMPO_REQUIRE_THROWS_WITH(sim.validate("f"), sampo::invalid_argument, "simulator.substeps");
}

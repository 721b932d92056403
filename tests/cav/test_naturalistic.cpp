#include <cmath>
#include <numeric>
#include <vector>

#include "sampo/cav/naturalistic.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo::cav;

namespace {
double total(const ActionPmf& p) { return std::accumulate(p.begin(), p.end(), 0.0); }
double mean_acceleration(const ActionPmf& p) {
  double m = 0.0, s = 0.0;
  for (int k = kFirstAcceleration; k < kActionCount; ++k) {
    m += p[static_cast<std::size_t>(k)] * action_acceleration(k);
    s += p[static_cast<std::size_t>(k)];
  }
  return m / s;
}
}  // namespace

TEST_CASE("parametric naturalistic model: a pmf around the IDM mean", "[cav]") {
  RoadGeometry road;
  road.lanes = 3;
  // Vehicle 1 in the middle lane, 40 m behind a leader at the same speed; lanes on both sides,
  // vehicle 0 in the right lane just behind it.
  Traffic t(road, std::vector<Vehicle>{{40.0, 25.0, 0, 5.0}, {50.0, 25.0, 1, 5.0}, {95.0, 25.0, 1, 5.0}});
  const LocalSituation s = observe(t, 1);
  CHECK(s.own.front_gap == 40.0);
  CHECK(s.left.exists);
  CHECK(s.right.exists);
  CHECK(s.right.rear_gap == 5.0);  // vehicle 0's front at 40, vehicle 1's rear at 45
  CHECK(std::isinf(s.left.front_gap));

  ParametricNaturalisticOptions o;
  const ParametricNaturalistic model(o);
  ActionPmf p{};
  model.action_pmf(s, p);
  // Sums to 1 up to the rounding of 33 additions and the normalisation (1e-14).
  CHECK(std::abs(total(p) - 1.0) < 1e-14);
  for (double x : p) CHECK(x > 0.0);
  // Lane changes are rare but possible: P <= P_max, and the free left lane (gain) beats the
  // right lane, where vehicle 0 would follow 5 m behind (the risk term).
  CHECK(p[kLaneLeft] < o.lane_change_max);
  CHECK(p[kLaneLeft] > p[kLaneRight]);

  // With no tail and a small σ the acceleration mean sits at the IDM acceleration (clipped);
  // the discretization bias of a Gaussian on a 0.2 grid with σ = 0.3 is below 1e-6.
  o.tail_mass = 0.0;
  o.acceleration_sd = 0.3;
  const ParametricNaturalistic sharp(o);
  sharp.action_pmf(s, p);
  const double idm = idm_acceleration(o.idm, 25.0, 40.0, 25.0);
  CHECK(mean_acceleration(p) == Approx(idm).margin(1e-6));

  // A single lane: no lane changes.
  RoadGeometry one;
  Traffic t1(one, std::vector<Vehicle>{{0.0, 25.0, 0, 5.0}, {50.0, 25.0, 0, 5.0}});
  model.action_pmf(observe(t1, 0), p);
  CHECK(p[kLaneLeft] == 0.0);
  CHECK(p[kLaneRight] == 0.0);
  CHECK(std::abs(total(p) - 1.0) < 1e-14);

  o = {};
  o.acceleration_sd = 0.0;
  SAMPO_REQUIRE_THROWS_WITH(ParametricNaturalistic{o}, sampo::invalid_argument,
                            "naturalistic.acceleration_sd");
  o = {};
  o.tail_mass = 1.0;
  SAMPO_REQUIRE_THROWS_WITH(ParametricNaturalistic{o}, sampo::invalid_argument,
                            "naturalistic.tail_mass", "[0, 1)");
}

TEST_CASE("sample_action inverts the cumulative pmf and never picks a zero entry", "[cav]") {
  ActionPmf p{};
  p[3] = 0.25;
  p[10] = 0.5;
  p[20] = 0.25;
  CHECK(sample_action(p, 1e-9) == 3);
  CHECK(sample_action(p, 0.2499) == 3);
  CHECK(sample_action(p, 0.2501) == 10);
  CHECK(sample_action(p, 0.7501) == 20);
  CHECK(sample_action(p, 1.0 - 1e-16) == 20);
}

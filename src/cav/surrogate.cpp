#include "sampo/cav/surrogate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "assignment.hpp"
#include "sampo/cav/action.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::cav {

void SurrogateParameters::validate(std::string_view function) const {
  idm.validate(function);
  check_positive(function, "surrogate.max_braking", max_braking);
  check_positive(function, "surrogate.acceleration_sd", acceleration_sd);
  check_in_range(function, "surrogate.horizon", horizon, 0.0, 60.0);
  check_positive(function, "surrogate.horizon", horizon);
  if (checks_per_second < 1 || checks_per_second > 1000)
    throw_invalid_argument(function, "surrogate.checks_per_second",
                           std::to_string(checks_per_second), "must be in [1, 1000]");
}

const std::vector<std::string>& surrogate_parameter_keys() {
  static const std::vector<std::string> keys{"a_max", "b", "s0", "T", "v0", "delta",
                                             "max_braking", "sd", "horizon"};
  return keys;
}

void set_surrogate_parameter(SurrogateParameters& params, std::string_view assignment,
                             std::string_view option) {
  constexpr const char* fn = "sampo::cav::set_surrogate_parameter";
  const auto [key, value] = detail::split_assignment(fn, option, assignment);
  auto num = [&](double lo, double hi, bool lo_open) {
    return detail::parse_number(fn, option, assignment, value, lo, hi, lo_open);
  };
  SurrogateParameters p = params;
  if (key == "a_max") p.idm.max_acceleration = num(0.0, 10.0, true);
  else if (key == "b") p.idm.comfortable_deceleration = num(0.0, 10.0, true);
  else if (key == "s0") p.idm.min_gap = num(0.0, 20.0, false);
  else if (key == "T") p.idm.time_headway = num(0.0, 5.0, false);
  else if (key == "v0") p.idm.desired_speed = num(0.0, 60.0, true);
  else if (key == "delta") p.idm.exponent = num(0.0, 20.0, true);
  else if (key == "max_braking") p.max_braking = num(0.0, 10.0, true);
  else if (key == "sd") p.acceleration_sd = num(0.0, 10.0, true);
  else if (key == "horizon") p.horizon = num(0.0, 60.0, true);
  else detail::unknown_key(fn, option, assignment, surrogate_parameter_keys());
  params = p;
}

double surrogate_crash_probability(const SurrogateParameters& params, const Traffic& traffic,
                                   std::size_t cav, std::size_t bv, int action,
                                   double step) noexcept {
  const int target = traffic.lane(bv) + action_lane_change(action);
  if (target < 0 || target >= traffic.road().lanes || target != traffic.lane(cav)) return 0.0;
  const double xb = traffic.x(bv), xc = traffic.x(cav);
  const bool bv_ahead = xb > xc || (xb == xc && bv > cav);
  // bv must be cav's nearest neighbour on that side once it is in cav's lane.
  for (std::size_t k = 0; k < traffic.size(); ++k) {
    if (k == bv || k == cav || traffic.lane(k) != target) continue;
    const double xk = traffic.x(k);
    if (bv_ahead ? (xk > xc && xk < xb) : (xk < xc && xk > xb)) return 0.0;
  }
  const RoadGeometry& road = traffic.road();
  const double ab = action_acceleration(action);
  const double lb = traffic.length(bv), lc = traffic.length(cav);
  const double vb0 = traffic.v(bv), vc0 = traffic.v(cav);
  const double gap0 = bv_ahead ? xb - lb - xc : xc - lc - xb;
  if (gap0 <= 0.0) return 1.0;

  const double sigma = params.acceleration_sd;
  const int checks = std::max(1, static_cast<int>(std::lround(params.horizon * params.checks_per_second)));
  const double dt = params.horizon / checks;
  double worst = std::numeric_limits<double>::infinity();
  // The surrogate re-decides its acceleration every `step` seconds from the state then.
  double seg_start = 0.0, xc_s = xc, vc_s = vc0, ac = 0.0;
  auto decide = [&] {
    if (!bv_ahead) {
      ac = 0.0;
      return;
    }
    double xbs, vbs;
    constant_acceleration_motion(xb, vb0, ab, seg_start, road.speed_min, road.speed_max, xbs, vbs);
    const double g = std::max(xbs - lb - xc_s, 0.1);
    ac = std::max(idm_acceleration(params.idm, vc_s, g, vbs), -params.max_braking);
  };
  decide();
  for (int k = 1; k <= checks; ++k) {
    const double t = dt * k;
    while (t - seg_start > step * (1.0 + 1e-12)) {
      double xn, vn;
      constant_acceleration_motion(xc_s, vc_s, ac, step, road.speed_min, road.speed_max, xn, vn);
      xc_s = xn;
      vc_s = vn;
      seg_start += step;
      decide();
    }
    double xbt, vbt, xct, vct;
    constant_acceleration_motion(xb, vb0, ab, t, road.speed_min, road.speed_max, xbt, vbt);
    constant_acceleration_motion(xc_s, vc_s, ac, t - seg_start, road.speed_min, road.speed_max, xct, vct);
    const double g = bv_ahead ? xbt - lb - xct : xct - lc - xbt;
    worst = std::min(worst, 2.0 * g / (sigma * t * t));
  }
  return 0.5 * std::erfc(worst / std::sqrt(2.0));
}

}  // namespace sampo::cav

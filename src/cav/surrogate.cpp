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
  mobil.validate(function);
  check_in_range(function, "surrogate.escape_max", escape_max, 0.0, 1.0);
  check_positive(function, "surrogate.escape_saturation", escape_saturation);
  if (checks_per_second < 1 || checks_per_second > 1000)
    throw_invalid_argument(function, "surrogate.checks_per_second",
                           std::to_string(checks_per_second), "must be in [1, 1000]");
}

const std::vector<std::string>& surrogate_parameter_keys() {
  static const std::vector<std::string> keys{
      "a_max", "b", "s0", "T", "v0", "delta", "max_braking", "sd", "horizon", "politeness",
      "gain_threshold", "b_safe", "lane_changes", "escape_max", "escape_saturation"};
  return keys;
}

void set_surrogate_parameter(SurrogateParameters& params, std::string_view assignment,
                             std::string_view option) {
  constexpr const char* fn = "sampo::cav::set_surrogate_parameter";
  const detail::Setting num(fn, option, assignment);
  const std::string_view key = num.key();
  SurrogateParameters p = params;
  if (detail::set_idm_key(p.idm, p.max_braking, key, num)) {
    // a_max, b, s0, T, v0, delta or max_braking (shared with the other setter)
  } else if (key == "sd") p.acceleration_sd = num(0.0, 10.0, true);
  else if (key == "horizon") p.horizon = num(0.0, 60.0, true);
  else if (key == "politeness") p.mobil.politeness = num(0.0, 1.0, false);
  else if (key == "gain_threshold") p.mobil.gain_threshold = num(0.0, 10.0, false);
  else if (key == "b_safe") p.mobil.safe_deceleration = num(0.0, 10.0, true);
  else if (key == "escape_max") p.escape_max = num(0.0, 1.0, false);
  else if (key == "escape_saturation") p.escape_saturation = num(0.0, 10.0, true);
  else if (key == "lane_changes") p.lane_changes = num.flag();
  else num.unknown_key(surrogate_parameter_keys());
  params = p;
}

const std::vector<std::string>& surrogate_preset_names() {
  static const std::vector<std::string> names{"nade", "cautious", "normal", "assertive",
                                              "aggressive"};
  return names;
}

SurrogateParameters surrogate_from_driver(const DriverParameters& driver) {
  SurrogateParameters s;
  s.idm = driver.idm;
  s.max_braking = driver.max_braking;
  s.mobil = driver.mobil;
  s.lane_changes = driver.lane_changes;
  return s;
}

SurrogateParameters surrogate_preset(std::string_view name) {
  if (name == "nade") return SurrogateParameters{};
  const auto& drivers = driver_preset_names();
  if (std::find(drivers.begin(), drivers.end(), name) != drivers.end())
    return surrogate_from_driver(driver_preset(name));
  std::string known;
  for (const auto& n : surrogate_preset_names()) {
    if (!known.empty()) known.append(", ");
    known.append(n);
  }
  std::string why = "unknown surrogate preset; known: ";
  why.append(known);
  throw_invalid_argument("sampo::cav::surrogate_preset", "name", name, why);
}

namespace {

constexpr double kMinGap = 0.1;

double idm_clipped(const IdmParameters& p, double v, double gap, double lead_v) noexcept {
  return idm_acceleration(p, v, std::max(gap, kMinGap), lead_v);
}

/// The stochastic-MOBIL escape probability of the surrogate at time t (see the header): cav at
/// (xc, vc) in its lane behind the threat bv at (xb, vb); every other vehicle moved at
/// constant speed to t.
double escape_probability(const SurrogateParameters& params, const Traffic& traffic,
                          std::size_t cav, std::size_t bv, double t, double xc, double vc,
                          double xb, double vb) noexcept {
  const int lane = traffic.lane(cav);
  const double lc = traffic.length(cav), lb = traffic.length(bv);
  const IdmParameters& idm = params.idm;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // The current lane's follower (politeness term).
  int of = -1;
  double x_of = -kInf;
  for (std::size_t k = 0; k < traffic.size(); ++k) {
    if (k == cav || k == bv || traffic.lane(k) != lane) continue;
    const double xk = traffic.x(k) + traffic.v(k) * t;
    if (xk <= xc && xk > x_of) {
      of = static_cast<int>(k);
      x_of = xk;
    }
  }
  const double self_current = idm_clipped(idm, vc, xb - lb - xc, vb);
  double best = 0.0;
  for (int side : {+1, -1}) {
    const int target = lane + side;
    if (target < 0 || target >= traffic.road().lanes) continue;
    int lead = -1, follow = -1;
    double x_lead = kInf, x_follow = -kInf;
    bool blocked = false;
    for (std::size_t k = 0; k < traffic.size(); ++k) {
      if (k == cav || k == bv || traffic.lane(k) != target) continue;
      const double xk = traffic.x(k) + traffic.v(k) * t;
      if (xk - traffic.length(k) <= xc && xk >= xc - lc) blocked = true;  // alongside
      if (xk > xc && xk < x_lead) {
        lead = static_cast<int>(k);
        x_lead = xk;
      } else if (xk <= xc && xk > x_follow) {
        follow = static_cast<int>(k);
        x_follow = xk;
      }
    }
    if (blocked) continue;
    MobilInputs in;
    in.self_current = self_current;
    const double v_lead = lead >= 0 ? traffic.v(static_cast<std::size_t>(lead)) : 0.0;
    const double gap_lead = lead >= 0 ? x_lead - traffic.length(static_cast<std::size_t>(lead)) - xc : kInf;
    in.self_target = std::isinf(gap_lead) ? idm_acceleration(idm, vc, kInf, 0.0)
                                          : idm_clipped(idm, vc, gap_lead, v_lead);
    if (follow >= 0) {
      const double vf = traffic.v(static_cast<std::size_t>(follow));
      in.new_follower_before =
          lead >= 0 ? idm_clipped(idm, vf, x_lead - traffic.length(static_cast<std::size_t>(lead)) - x_follow, v_lead)
                    : idm_acceleration(idm, vf, kInf, 0.0);
      in.new_follower_after = idm_clipped(idm, vf, xc - lc - x_follow, vc);
    }
    if (of >= 0) {
      const double vo = traffic.v(static_cast<std::size_t>(of));
      in.old_follower_before = idm_clipped(idm, vo, xc - lc - x_of, vc);
      in.old_follower_after = idm_clipped(idm, vo, xb - lb - x_of, vb);
    }
    if (in.new_follower_after < -params.mobil.safe_deceleration) continue;
    const double excess = mobil_incentive(params.mobil, in, side < 0) - params.mobil.gain_threshold;
    if (!(excess > 0.0)) continue;
    best = std::max(best, params.escape_max * std::min(1.0, excess / params.escape_saturation));
  }
  return best;
}

}  // namespace

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
  const double in_lane = 0.5 * std::erfc(worst / std::sqrt(2.0));
  if (!bv_ahead || !params.lane_changes || params.escape_max == 0.0 || !(in_lane > 0.0) ||
      road.lanes == 1)
    return in_lane;
  // The state at t = step on the surrogate's own rollout (first decision segment).
  const double t1 = std::min(step, params.horizon);
  double xb1, vb1, xc1, vc1;
  constant_acceleration_motion(xb, vb0, ab, t1, road.speed_min, road.speed_max, xb1, vb1);
  {
    double xb0s, vb0s;  // the surrogate's first decision, as in the rollout
    constant_acceleration_motion(xb, vb0, ab, 0.0, road.speed_min, road.speed_max, xb0s, vb0s);
    const double a0 = std::max(idm_acceleration(params.idm, vc0, std::max(xb0s - lb - xc, 0.1), vb0s),
                               -params.max_braking);
    constant_acceleration_motion(xc, vc0, a0, t1, road.speed_min, road.speed_max, xc1, vc1);
  }
  const double escape = escape_probability(params, traffic, cav, bv, t1, xc1, vc1, xb1, vb1);
  return (1.0 - escape) * in_lane;
}

}  // namespace sampo::cav

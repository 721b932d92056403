#include "sampo/cav/driver.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "assignment.hpp"

namespace sampo::cav {

namespace {

std::string field(std::string_view prefix, std::string_view name) {
  std::string s(prefix);
  s.append(name);
  return s;
}

}  // namespace

void IdmParameters::validate(std::string_view function) const {
  check_positive(function, "idm.max_acceleration", max_acceleration);
  check_positive(function, "idm.comfortable_deceleration", comfortable_deceleration);
  check_nonnegative(function, "idm.min_gap", min_gap);
  check_nonnegative(function, "idm.time_headway", time_headway);
  check_positive(function, "idm.desired_speed", desired_speed);
  check_positive(function, "idm.exponent", exponent);
}

double idm_acceleration(const IdmParameters& p, double speed, double gap,
                        double lead_speed) noexcept {
  const double r = speed / p.desired_speed;
  const double free = 1.0 - (p.exponent == 4.0 ? (r * r) * (r * r) : std::pow(r, p.exponent));
  if (std::isinf(gap)) return p.max_acceleration * free;
  const double dynamic = speed * p.time_headway +
                         speed * (speed - lead_speed) /
                             (2.0 * std::sqrt(p.max_acceleration * p.comfortable_deceleration));
  const double desired = p.min_gap + std::max(0.0, dynamic);
  const double ratio = desired / gap;
  return p.max_acceleration * (free - ratio * ratio);
}

double idm_equilibrium_gap(const IdmParameters& p, double speed) {
  if (!(speed >= 0.0 && speed < p.desired_speed))
    throw_invalid_argument("sampo::cav::idm_equilibrium_gap", "speed", format_value(speed),
                           "must be in [0, desired_speed)");
  return (p.min_gap + speed * p.time_headway) /
         std::sqrt(1.0 - std::pow(speed / p.desired_speed, p.exponent));
}

void MobilParameters::validate(std::string_view function) const {
  check_in_range(function, "mobil.politeness", politeness, 0.0, 1.0);
  check_nonnegative(function, "mobil.gain_threshold", gain_threshold);
  check_positive(function, "mobil.safe_deceleration", safe_deceleration);
  check_nonnegative(function, "mobil.keep_right_bias", keep_right_bias);
}

double mobil_incentive(const MobilParameters& p, const MobilInputs& in, bool to_right) noexcept {
  const double others = (in.new_follower_after - in.new_follower_before) +
                        (in.old_follower_after - in.old_follower_before);
  return (in.self_target - in.self_current) + p.politeness * others +
         (to_right ? p.keep_right_bias : 0.0);
}

bool mobil_changes_lane(const MobilParameters& p, const MobilInputs& in, bool to_right) noexcept {
  return in.new_follower_after >= -p.safe_deceleration &&
         mobil_incentive(p, in, to_right) > p.gain_threshold;
}

void DriverParameters::validate(std::string_view function) const {
  idm.validate(function);
  mobil.validate(function);
  check_positive(function, "max_braking", max_braking);
}

const std::vector<std::string>& driver_preset_names() {
  static const std::vector<std::string> names{"cautious", "normal", "assertive", "aggressive"};
  return names;
}

DriverParameters driver_preset(std::string_view name) {
  DriverParameters d;  // "normal": the in-class defaults
  if (name == "normal") return d;
  if (name == "cautious") {
    d.idm = {1.0, 1.5, 3.0, 1.8, 28.0, 4.0};
    d.mobil = {0.5, 0.4, 2.0, 0.1};
    d.max_braking = 6.0;
    return d;
  }
  if (name == "assertive") {
    d.idm = {2.0, 2.5, 1.5, 1.0, 32.0, 4.0};
    d.mobil = {0.1, 0.1, 4.0, 0.0};
    d.max_braking = 4.0;
    return d;
  }
  if (name == "aggressive") {
    d.idm = {2.5, 3.0, 1.0, 0.6, 36.0, 4.0};
    d.mobil = {0.0, 0.05, 6.0, 0.0};
    d.max_braking = 3.0;
    return d;
  }
  std::string known;
  for (const auto& n : driver_preset_names()) {
    if (!known.empty()) known.append(", ");
    known.append(n);
  }
  throw_invalid_argument("sampo::cav::driver_preset", "name", name,
                         field("unknown preset; known presets: ", known));
}

const std::vector<std::string>& driver_parameter_keys() {
  static const std::vector<std::string> keys{
      "a_max", "b", "s0", "T", "v0", "delta", "politeness", "gain_threshold", "b_safe",
      "keep_right_bias", "max_braking", "lane_changes"};
  return keys;
}


void set_parameter(DriverParameters& params, std::string_view assignment,
                   std::string_view option) {
  constexpr const char* fn = "sampo::cav::set_parameter";
  const detail::Setting num(fn, option, assignment);
  const std::string_view key = num.key();
  DriverParameters p = params;
  if (detail::set_idm_key(p.idm, p.max_braking, key, num)) {
    // a_max, b, s0, T, v0, delta or max_braking (shared with the other setter)
  } else if (key == "politeness") p.mobil.politeness = num(0.0, 1.0, false);
  else if (key == "gain_threshold") p.mobil.gain_threshold = num(0.0, 10.0, false);
  else if (key == "b_safe") p.mobil.safe_deceleration = num(0.0, 10.0, true);
  else if (key == "keep_right_bias") p.mobil.keep_right_bias = num(0.0, 10.0, false);
  else if (key == "lane_changes") p.lane_changes = num.flag();
  else num.unknown_key(driver_parameter_keys());
  params = p;
}

void set_parameters(DriverParameters& params, const std::vector<std::string>& assignments,
                    std::string_view option) {
  DriverParameters p = params;
  for (const auto& a : assignments) set_parameter(p, a, option);
  params = p;
}

}  // namespace sampo::cav

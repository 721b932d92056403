#pragma once
/// @file
/// The vehicle under test's driver model: IDM (intelligent driver model, Treiber, Hennecke &
/// Helbing 2000) for the longitudinal acceleration and MOBIL (Kesting, Treiber & Helbing
/// 2007) for lane changes; named presets and a key=value parameter parser.
///
/// Units everywhere in sampo::cav: metres, seconds, m/s, m/s². A gap is bumper to bumper
/// (the leader's rear minus the follower's front), +infinity when there is no leader.

#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace sampo::cav {

/// IDM parameters.
struct IdmParameters {
  double max_acceleration = 1.5;          ///< a (m/s²), > 0: acceleration on a free road at v = 0
  double comfortable_deceleration = 2.0;  ///< b (m/s²), > 0
  double min_gap = 2.0;                   ///< s0 (m), >= 0: gap at standstill
  double time_headway = 1.2;              ///< T (s), >= 0
  double desired_speed = 30.0;            ///< v0 (m/s), > 0
  double exponent = 4.0;                  ///< δ, > 0

  /// @throw sampo::invalid_argument naming @p function and the field if a value is out of range.
  void validate(std::string_view function) const;
};

/// The IDM acceleration a·[1 − (v/v0)^δ − (s*/s)²] with the desired gap
/// s* = s0 + max(0, v·T + v·(v − v_lead)/(2·sqrt(a·b))), for speed @p speed, gap @p gap
/// (> 0; +infinity: free road) and the leader's speed @p lead_speed. Not clipped: a gap near
/// 0 gives a very large deceleration (callers clip to the vehicle's limits).
double idm_acceleration(const IdmParameters& p, double speed, double gap,
                        double lead_speed) noexcept;

/// The IDM equilibrium gap at speed @p speed behind a leader at the same speed (the gap where
/// idm_acceleration = 0): s_e = (s0 + v·T) / sqrt(1 − (v/v0)^δ).
/// @throw sampo::invalid_argument unless 0 <= speed < desired_speed.
double idm_equilibrium_gap(const IdmParameters& p, double speed);

/// MOBIL parameters.
struct MobilParameters {
  double politeness = 0.2;         ///< p, in [0, 1]: weight of the other drivers' gains
  double gain_threshold = 0.2;     ///< Δa_th (m/s²), >= 0: least incentive to change lanes
  double safe_deceleration = 4.0;  ///< b_safe (m/s²), > 0: most braking imposed on the new follower
  double keep_right_bias = 0.0;    ///< Δa_bias (m/s²), >= 0: added to the incentive to move right

  /// @throw sampo::invalid_argument naming @p function and the field if a value is out of range.
  void validate(std::string_view function) const;
};

/// IDM accelerations (m/s²) before and after a candidate lane change, as MOBIL compares them.
/// A vehicle that does not exist contributes 0 to both of its fields.
struct MobilInputs {
  double self_current = 0.0;         ///< the driver's acceleration in its lane
  double self_target = 0.0;          ///< the driver's acceleration in the target lane
  double new_follower_before = 0.0;  ///< target-lane follower, before the change
  double new_follower_after = 0.0;   ///< target-lane follower, behind the driver after it
  double old_follower_before = 0.0;  ///< current-lane follower, behind the driver now
  double old_follower_after = 0.0;   ///< current-lane follower, after the driver left
};

/// The MOBIL incentive Δa_self + p·(Δa_new_follower + Δa_old_follower) (+ keep_right_bias
/// when @p to_right), m/s².
double mobil_incentive(const MobilParameters& p, const MobilInputs& in, bool to_right) noexcept;

/// MOBIL's decision: safe (new_follower_after >= −b_safe) and incentive > gain_threshold.
bool mobil_changes_lane(const MobilParameters& p, const MobilInputs& in, bool to_right) noexcept;

/// The vehicle under test: IDM + MOBIL and the limits of its acceleration.
struct DriverParameters {
  IdmParameters idm;
  MobilParameters mobil;
  double max_braking = 4.0;  ///< m/s², > 0: the commanded acceleration is clipped to >= −max_braking
  bool lane_changes = true;  ///< false: MOBIL is never consulted (lane keeping)

  /// @throw sampo::invalid_argument naming @p function and the field if a value is out of range.
  void validate(std::string_view function) const;
};

/// The names of the presets, from safest to riskiest: "cautious", "normal", "assertive",
/// "aggressive" (docs/cav.md gives every value and why).
const std::vector<std::string>& driver_preset_names();

/// The preset @p name. @throw sampo::invalid_argument naming the unknown preset and listing
/// the known ones.
DriverParameters driver_preset(std::string_view name);

/// The keys accepted by set_parameter, in the order docs/cav.md lists them: a_max, b, s0, T,
/// v0, delta, politeness, gain_threshold, b_safe, keep_right_bias, max_braking, lane_changes.
const std::vector<std::string>& driver_parameter_keys();

/// Sets one parameter from text, as `--set key=value` will: @p assignment is "key=value"
/// with a key of driver_parameter_keys() and a number in the key's range (lane_changes:
/// 0/1/true/false). The other parameters are left as they are; on error @p params is unchanged.
/// @throw sampo::invalid_argument naming the option @p option (e.g. "--set"), the text and
///        what is wrong: no '=', an unknown key (the known keys are listed), a value that is
///        not a number or out of the key's range.
void set_parameter(DriverParameters& params, std::string_view assignment,
                   std::string_view option = "--set");

/// set_parameter for each assignment in order; all or nothing (on error @p params is unchanged).
void set_parameters(DriverParameters& params, const std::vector<std::string>& assignments,
                    std::string_view option = "--set");

}  // namespace sampo::cav

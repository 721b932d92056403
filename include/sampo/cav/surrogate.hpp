#pragma once
/// @file
/// The surrogate model (SM) of the vehicle under test that NADE uses to judge how dangerous a
/// background vehicle's action is: a stochastic IDM, and its crash probability-to-go after one
/// background-vehicle action by a short deterministic look-ahead with a Gaussian acceleration
/// error (docs/cav.md, "Surrogate and criticality").

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sampo/cav/driver.hpp"
#include "sampo/cav/traffic.hpp"

namespace sampo::cav {

/// Parameters of the surrogate.
struct SurrogateParameters {
  IdmParameters idm{2.0, 3.0, 2.0, 1.5, 33.0, 4.0};  ///< the surrogate's IDM
  double max_braking = 4.0;       ///< m/s², > 0: IDM accelerations are clipped to >= −max_braking
  double acceleration_sd = 0.5;   ///< σ_SM (m/s²), > 0: the surrogate's acceleration error
  double horizon = 3.0;           ///< look-ahead (s), > 0
  int checks_per_second = 10;     ///< gap evaluations per second of look-ahead, >= 1
  /// The surrogate's MOBIL (stochastic: see escape_max, escape_saturation).
  MobilParameters mobil{0.0, 0.2, 4.0, 0.0};
  bool lane_changes = true;        ///< false: the surrogate never escapes by a lane change
  double escape_max = 0.9;         ///< in [0, 1]: largest probability of escaping to one side
  double escape_saturation = 1.0;  ///< m/s², > 0: MOBIL incentive above threshold at which escape_max is reached

  /// @throw sampo::invalid_argument naming @p function and the field.
  void validate(std::string_view function) const;
};

/// A surrogate model with a name: an extra surrogate that NADE tests log (TestOptions::
/// logged_surrogates; its value and naturalistic mean at every critical step become a
/// surrogate column of the test log, for the multi-surrogate estimator of sampo::mc).
struct NamedSurrogate {
  std::string name;                ///< the log's column name: letters, digits, '_', '-', '.'
  SurrogateParameters parameters;  ///< the model
};

/// Names of surrogate_preset(): "nade" (NADE's default surrogate, SurrogateParameters{}), then
/// the driver presets "cautious", "normal", "assertive", "aggressive" as surrogates
/// (surrogate_from_driver).
const std::vector<std::string>& surrogate_preset_names();

/// A surrogate that drives like @p driver: its IDM, braking limit, MOBIL parameters and
/// lane_changes; the stochastic parts (acceleration_sd, horizon, checks_per_second, escape_max,
/// escape_saturation) keep SurrogateParameters' defaults.
SurrogateParameters surrogate_from_driver(const DriverParameters& driver);

/// The surrogate preset @p name (surrogate_preset_names()).
/// @throw sampo::invalid_argument naming the unknown preset and listing the known ones.
SurrogateParameters surrogate_preset(std::string_view name);

/// Keys of set_surrogate_parameter: a_max, b, s0, T, v0, delta, max_braking, sd, horizon,
/// politeness, gain_threshold, b_safe, lane_changes, escape_max, escape_saturation.
const std::vector<std::string>& surrogate_parameter_keys();

/// Sets one surrogate parameter from "key=value" (as `--surrogate-set` will); @p params is
/// unchanged on error. @throw sampo::invalid_argument naming @p option, the text and the fault.
void set_surrogate_parameter(SurrogateParameters& params, std::string_view assignment,
                             std::string_view option = "--surrogate-set");

/// The surrogate's crash probability-to-go after background vehicle @p bv takes action
/// @p action (action.hpp) at the current state of @p traffic, with @p cav the vehicle under
/// test. Zero unless, after the action, bv is in cav's lane as its nearest leader or nearest
/// follower. Then: bv holds the action's acceleration (0 for a lane change) for the whole
/// horizon; the surrogate cav drives by its IDM behind bv re-decided every @p step seconds
/// (leader case) or keeps its speed (follower case); with g(t) the resulting bumper-to-bumper
/// gap and a constant acceleration error ξ·σ_SM (ξ ~ N(0, 1)) that moves g by −|ξ|σ_SM·t²/2
/// in the harmful direction,
///     V = P(ξ > min_t 2·g(t)/(σ_SM·t²)) = Φ̄(min_t 2·g(t)/(σ_SM·t²)),
/// the minimum over t = k/checks_per_second in (0, horizon]; V = 1 when g <= 0 right after a
/// lane change. The error term ignores the speed bounds (an approximation of the surrogate;
/// NADE stays unbiased whatever the surrogate, docs/cav.md).
///
/// Stochastic MOBIL (leader case, when lane_changes): at t = step the surrogate may escape to
/// an adjacent lane. With the other vehicles moved at constant speed to t = step and MOBIL's
/// inputs taken there (the threat bv as the current leader), a side that exists, is free
/// alongside and is safe (new follower's IDM acceleration >= −b_safe) gives
/// P_side = escape_max · clamp((incentive − gain_threshold)/escape_saturation, 0, 1); then
/// V ← (1 − max_side P_side)·V. In the follower case the surrogate does not escape.
double surrogate_crash_probability(const SurrogateParameters& params, const Traffic& traffic,
                                   std::size_t cav, std::size_t bv, int action,
                                   double step) noexcept;

}  // namespace sampo::cav

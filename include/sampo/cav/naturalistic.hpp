#pragma once
/// @file
/// Naturalistic behaviour of background vehicles: a probability for each of the 33 actions
/// (action.hpp) given what the vehicle sees. The interface NaturalisticModel is what the NDE
/// and NADE environments sample from; ParametricNaturalistic is the documented default
/// (stochastic IDM around the mean action + a logistic lane-change model, docs/cav.md), used
/// because naturalistic-driving data tables are not shipped. Tables read from files plug in
/// through TableNaturalistic (probability_table.hpp).

#include <limits>
#include <span>
#include <string_view>

#include "sampo/cav/action.hpp"
#include "sampo/cav/driver.hpp"
#include "sampo/cav/traffic.hpp"

namespace sampo::cav {

/// The neighbours of one vehicle in one lane (its own or an adjacent one).
struct LaneView {
  bool exists = false;  ///< false for a lane beyond the road's edge (the fields are then unused)
  double front_gap = std::numeric_limits<double>::infinity();  ///< m to the leader's rear; +inf: none
  double front_speed = 0.0;                                    ///< leader's speed (m/s)
  double rear_gap = std::numeric_limits<double>::infinity();   ///< m from the follower's front; +inf: none
  double rear_speed = 0.0;                                     ///< follower's speed (m/s)
};

/// What a background vehicle sees at a decision: its speed and the three lanes around it.
struct LocalSituation {
  double speed = 0.0;  ///< m/s
  LaneView own;        ///< its lane (exists is true)
  LaneView left;       ///< lane + 1
  LaneView right;      ///< lane − 1
};

/// The situation of vehicle @p i of @p traffic. Gaps use the vehicle's and its neighbours'
/// lengths; in an adjacent lane, a vehicle level with @p i (overlapping it longitudinally) is
/// counted as a leader or follower by leader()/follower() and gives a gap <= 0.
LocalSituation observe(const Traffic& traffic, std::size_t i) noexcept;

/// A naturalistic behaviour model: action probabilities given a situation.
/// Implementations must be safe to call concurrently (const, no shared mutable state).
class NaturalisticModel {
 public:
  virtual ~NaturalisticModel() = default;
  /// Writes the probability of every action into @p pmf: entries >= 0 summing to 1 (within
  /// rounding), 0 for a lane change into a lane that does not exist.
  virtual void action_pmf(const LocalSituation& situation, ActionPmf& pmf) const = 0;
};

/// Parameters of the parametric naturalistic model (docs/cav.md, "Naturalistic default").
struct ParametricNaturalisticOptions {
  /// The background drivers' IDM: the mean of the acceleration distribution.
  IdmParameters idm{1.5, 2.0, 2.0, 1.2, 30.0, 4.0};
  double acceleration_sd = 0.6;  ///< σ (m/s²), > 0: spread of the Gaussian around the IDM mean
  double tail_mass = 1e-3;       ///< η in [0, 1): share spread uniformly over the 31 accelerations
  double lane_change_max = 0.2;  ///< P_max in [0, 0.5]: largest probability of one lane change
  double lane_change_intercept = -6.0;  ///< c0: logit of (P/P_max) at zero gain, zero risk
  double lane_change_gain = 2.0;        ///< c1 (s²/m) >= 0: logit per m/s² of acceleration gain
  double lane_change_risk = 1.0;        ///< c2 (s²/m) >= 0: logit per m/s² of imposed braking beyond b_safe
  double safe_deceleration = 3.0;       ///< b_safe (m/s²), > 0

  /// @throw sampo::invalid_argument naming @p function and the field.
  void validate(std::string_view function) const;
};

/// The documented default naturalistic model.
///
/// Accelerations: with ā = the IDM acceleration (own lane) clipped to [−4, 2],
///   P(a_k) ∝ (1 − η)·exp(−(a_k − ā)²/(2σ²))/Z + η/31   over the 31 grid values a_k.
/// Lane changes, for each side that exists:
///   P(side) = P_max / (1 + exp(−z)),  z = c0 + c1·(a_target − a_own) + c2·min(0, a_nf + b_safe),
/// with a_target the IDM acceleration behind the target lane's leader, a_own ā before clipping
/// and a_nf the IDM acceleration the target lane's follower would have behind the vehicle
/// (gaps clipped below at 0.1 m; the three accelerations clipped below at −10 m/s², so an
/// unsafe change stays possible, only rare). The accelerations share 1 − P(left) − P(right).
class ParametricNaturalistic final : public NaturalisticModel {
 public:
  /// @throw sampo::invalid_argument if @p options is invalid.
  explicit ParametricNaturalistic(const ParametricNaturalisticOptions& options = {});
  void action_pmf(const LocalSituation& situation, ActionPmf& pmf) const override;
  [[nodiscard]] const ParametricNaturalisticOptions& options() const noexcept { return options_; }

  /// The lane-change probability of one side (the formula above); 0 if the lane does not exist.
  [[nodiscard]] double lane_change_probability(const LocalSituation& situation,
                                               const LaneView& target) const noexcept;
  /// Writes the 31 acceleration probabilities (summing to @p mass) around mean @p mean.
  void acceleration_pmf(double mean, double mass, std::span<double, kAccelerationCount> out) const noexcept;

 private:
  ParametricNaturalisticOptions options_;
};

/// Draws an action from @p pmf by inversion with the uniform @p u in (0, 1): the smallest
/// index whose partial sum exceeds u·sum(pmf); zero entries are never chosen.
int sample_action(const ActionPmf& pmf, double u) noexcept;

}  // namespace sampo::cav

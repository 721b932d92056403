#pragma once
/// @file
/// The action set of a background vehicle (BV) at one 1 s decision: 33 actions.
///
/// Index 0 = change to the left lane, 1 = change to the right lane, 2 + k (k = 0..30) =
/// keep the lane with the longitudinal acceleration -4 + 0.2·k m/s² (so index 2 is -4, index
/// 22 is 0, index 32 is +2). Lanes are numbered from 0 (the rightmost) upwards, so "left"
/// means lane + 1. During a lane-change step the vehicle keeps its speed (acceleration 0).

#include <array>

namespace sampo::cav {

/// Number of actions of a background vehicle (2 lane changes + 31 accelerations).
inline constexpr int kActionCount = 33;
/// Number of acceleration actions.
inline constexpr int kAccelerationCount = 31;
/// Smallest acceleration action, m/s².
inline constexpr double kAccelerationMin = -4.0;
/// Largest acceleration action, m/s².
inline constexpr double kAccelerationMax = 2.0;
/// Spacing of the acceleration actions, m/s².
inline constexpr double kAccelerationStep = 0.2;
/// Index of the "change to the left lane" action.
inline constexpr int kLaneLeft = 0;
/// Index of the "change to the right lane" action.
inline constexpr int kLaneRight = 1;
/// Index of the first acceleration action (-4 m/s²).
inline constexpr int kFirstAcceleration = 2;

/// A probability for every action, indexed as in the file comment.
using ActionPmf = std::array<double, kActionCount>;

/// The acceleration of action @p action, m/s² (0 for the two lane changes).
constexpr double action_acceleration(int action) noexcept {
  return action < kFirstAcceleration
             ? 0.0
             : kAccelerationMin + kAccelerationStep * static_cast<double>(action - kFirstAcceleration);
}

/// The lane offset of action @p action: +1 (left), -1 (right) or 0.
constexpr int action_lane_change(int action) noexcept {
  return action == kLaneLeft ? 1 : (action == kLaneRight ? -1 : 0);
}

/// The acceleration action nearest to @p acceleration (m/s²), clamped to [-4, 2]; ties
/// (an odd multiple of 0.1) go to the larger acceleration.
int nearest_acceleration_action(double acceleration) noexcept;

}  // namespace sampo::cav

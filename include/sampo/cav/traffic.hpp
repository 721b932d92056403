#pragma once
/// @file
/// The highway micro-simulator: a straight multi-lane road, vehicles with position, speed,
/// lane and length, decisions every `step` seconds and exact constant-acceleration motion
/// inside a step, checked for collisions at `substeps` evenly spaced instants.
///
/// Geometry and units. The road is an unbounded straight line with `lanes` parallel lanes,
/// numbered 0 (rightmost) to lanes − 1. A vehicle's position x (m) is its *front* bumper; it
/// occupies [x − length, x] in its lane. Speeds (m/s) stay in [speed_min, speed_max]: a
/// vehicle that reaches a bound during a step stays there for the rest of the step (the
/// motion is integrated exactly, not by Euler steps).
///
/// Collisions. Two vehicles collide when they are in the same lane and their intervals touch
/// or overlap (the gap, leader's rear minus follower's front, is <= 0). A lane change moves a
/// vehicle to the target lane at the start of a step (lateral motion is not modelled), so a
/// change into occupied space is a collision at time 0 of that step. The overlap test is made
/// at the start of a step and at t = step·k/substeps, k = 1..substeps: two vehicles that close
/// at relative speed Δv can interpenetrate unseen only if they separate again within one
/// substep, which needs Δv·step/substeps > the sum of their lengths (e.g. > 100 m/s with the
/// defaults), impossible at highway speeds. Only vehicles that are neighbours in a lane at the
/// start of the step are compared (the order within a lane cannot change without a collision
/// between neighbours), so a check costs O(vehicles).
///
/// Memory. Traffic holds its state in arrays sized at construction; advance() allocates
/// nothing.

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace sampo::cav {

/// The road and the physical limits of every vehicle.
struct RoadGeometry {
  int lanes = 1;             ///< number of lanes, >= 1
  double speed_min = 0.0;    ///< m/s, >= 0 (vehicles never reverse)
  double speed_max = 40.0;   ///< m/s, > speed_min

  /// @throw sampo::invalid_argument naming @p function and the field.
  void validate(std::string_view function) const;
};

/// How a step is integrated.
struct SimulatorOptions {
  double step = 1.0;  ///< decision interval (s), > 0
  int substeps = 10;  ///< collision checks per step, >= 1

  /// @throw sampo::invalid_argument naming @p function and the field.
  void validate(std::string_view function) const;
};

/// A vehicle's state (used to place vehicles; Traffic stores the fields as arrays).
struct Vehicle {
  double x = 0.0;       ///< front bumper position (m)
  double v = 0.0;       ///< speed (m/s)
  int lane = 0;         ///< lane index, 0 = rightmost
  double length = 5.0;  ///< m, > 0
};

/// What one vehicle does during a step: a constant acceleration (m/s²) and a lane offset
/// (−1 right, 0 keep, +1 left) applied at the start of the step.
struct Command {
  double acceleration = 0.0;
  int lane_change = 0;
};

/// The outcome of one step.
struct StepOutcome {
  bool collision = false;  ///< two vehicles touched during the step
  int first = -1;          ///< the colliding pair (first < second), -1 when none
  int second = -1;
  double time = 0.0;       ///< s after the start of the step at which it was detected
};

/// The vehicles on the road: structure-of-arrays state with neighbour queries.
class Traffic {
 public:
  /// Places @p vehicles (index 0 is by convention the vehicle under test) on @p road.
  /// @throw sampo::invalid_argument if a vehicle is outside the lanes, has a non-positive
  ///        length, a non-finite position or a speed outside [speed_min, speed_max], or if
  ///        two vehicles already overlap (naming the pair).
  Traffic(const RoadGeometry& road, std::span<const Vehicle> vehicles);

  /// Restores the initial placement given to the constructor (no allocation).
  void reset() noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return x_.size(); }
  [[nodiscard]] const RoadGeometry& road() const noexcept { return road_; }
  [[nodiscard]] double x(std::size_t i) const noexcept { return x_[i]; }
  [[nodiscard]] double v(std::size_t i) const noexcept { return v_[i]; }
  [[nodiscard]] int lane(std::size_t i) const noexcept { return lane_[i]; }
  [[nodiscard]] double length(std::size_t i) const noexcept { return length_[i]; }
  /// Vehicle @p i as a struct.
  [[nodiscard]] Vehicle vehicle(std::size_t i) const noexcept {
    return {x_[i], v_[i], lane_[i], length_[i]};
  }

  /// The nearest vehicle ahead of vehicle @p i in lane @p lane (its front strictly ahead of
  /// i's front, or equal with a larger index), excluding i; -1 when none. O(size()).
  [[nodiscard]] int leader(std::size_t i, int lane) const noexcept;
  /// The nearest vehicle behind vehicle @p i in lane @p lane (the mirror of leader()); -1 if none.
  [[nodiscard]] int follower(std::size_t i, int lane) const noexcept;
  /// Gap (m) from vehicle @p back's front to vehicle @p front's rear, as if in one lane.
  [[nodiscard]] double gap(std::size_t back, std::size_t front) const noexcept {
    return x_[front] - length_[front] - x_[back];
  }

  /// Advances every vehicle by one step under @p commands (one per vehicle), exactly
  /// (constant acceleration, speed clamped to the road's limits; a lane change that would
  /// leave the road is ignored), and reports the first collision found (the earliest check
  /// time, then the lowest pair of lane neighbours). The state is the one at the end of the step even when a
  /// collision occurred. Allocates nothing.
  StepOutcome advance(std::span<const Command> commands, const SimulatorOptions& options) noexcept;

 private:
  bool overlapping(std::size_t i, std::size_t j) const noexcept;
  void sort_lanes() noexcept;
  StepOutcome first_overlap(double time) const noexcept;

  RoadGeometry road_;
  std::vector<double> x_, v_, length_, x0_, v0_, a_;
  std::vector<int> lane_, lane0_;
  std::vector<std::size_t> order_;  // vehicles sorted by (lane, x) at the start of the step
  std::vector<double> start_x_, start_v_;  // state at the start of the current step
};

/// Position and speed after @p t seconds at constant acceleration @p a from (x, v), the
/// speed clamped to [v_min, v_max] (the bound is held once reached). Exact. (Inline: the
/// NADE look-ahead calls it ~2000 times per candidate vehicle and step.)
inline void constant_acceleration_motion(double x, double v, double a, double t, double v_min,
                                         double v_max, double& x_out, double& v_out) noexcept {
  const double bound = a < 0.0 ? v_min : v_max;
  if (a != 0.0) {
    const double t_bound = (bound - v) / a;  // time at which the speed reaches the bound
    if (t_bound < t) {
      const double tb = t_bound > 0.0 ? t_bound : 0.0;
      x_out = x + v * tb + 0.5 * a * tb * tb + bound * (t - tb);
      v_out = bound;
      return;
    }
  }
  x_out = x + v * t + 0.5 * a * t * t;
  v_out = v + a * t;
}

}  // namespace sampo::cav

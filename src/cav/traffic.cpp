#include "sampo/cav/traffic.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::cav {

void RoadGeometry::validate(std::string_view function) const {
  if (lanes < 1 || lanes > 64)
    throw_invalid_argument(function, "road.lanes", std::to_string(lanes), "must be in [1, 64]");
  check_nonnegative(function, "road.speed_min", speed_min);
  check_finite(function, "road.speed_max", speed_max);
  if (!(speed_max > speed_min))
    throw_invalid_argument(function, "road.speed_max", format_value(speed_max),
                           "must exceed road.speed_min");
}

void SimulatorOptions::validate(std::string_view function) const {
  check_positive(function, "simulator.step", step);
  if (substeps < 1 || substeps > 10000)
    throw_invalid_argument(function, "simulator.substeps", std::to_string(substeps),
                           "must be in [1, 10000]");
}

Traffic::Traffic(const RoadGeometry& road, std::span<const Vehicle> vehicles) : road_(road) {
  constexpr const char* fn = "sampo::cav::Traffic";
  road.validate(fn);
  const std::size_t n = vehicles.size();
  check_nonempty(fn, "vehicles", n);
  x_.resize(n);
  v_.resize(n);
  length_.resize(n);
  lane_.resize(n);
  a_.assign(n, 0.0);
  start_x_.resize(n);
  start_v_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Vehicle& w = vehicles[i];
    std::string name("vehicles[");
    name.append(std::to_string(i)).append("]");
    check_finite(fn, name + ".x", w.x);
    check_in_range(fn, name + ".v", w.v, road.speed_min, road.speed_max);
    check_positive(fn, name + ".length", w.length);
    if (w.lane < 0 || w.lane >= road.lanes)
      throw_invalid_argument(fn, name + ".lane", std::to_string(w.lane),
                             "must be in [0, road.lanes)");
    x_[i] = w.x;
    v_[i] = w.v;
    length_[i] = w.length;
    lane_[i] = w.lane;
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      if (overlapping(i, j)) {
        std::string pair("vehicles ");
        pair.append(std::to_string(i)).append(" and ").append(std::to_string(j));
        throw_invalid_argument(fn, "vehicles", pair, "overlap in the initial placement");
      }
  x0_ = x_;
  v0_ = v_;
  lane0_ = lane_;
  order_.resize(n);
  reset();
}

void Traffic::reset() noexcept {
  std::copy(x0_.begin(), x0_.end(), x_.begin());
  std::copy(v0_.begin(), v0_.end(), v_.begin());
  std::copy(lane0_.begin(), lane0_.end(), lane_.begin());
  for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = i;
  sort_lanes();
}

namespace {
// i is ahead of j: front strictly ahead, ties broken by the larger index.
inline bool ahead(double xi, std::size_t i, double xj, std::size_t j) noexcept {
  return xi > xj || (xi == xj && i > j);
}
}  // namespace

int Traffic::leader(std::size_t i, int lane) const noexcept {
  int best = -1;
  for (std::size_t k = 0; k < x_.size(); ++k) {
    if (k == i || lane_[k] != lane || !ahead(x_[k], k, x_[i], i)) continue;
    if (best < 0 || ahead(x_[static_cast<std::size_t>(best)], static_cast<std::size_t>(best), x_[k], k))
      best = static_cast<int>(k);
  }
  return best;
}

int Traffic::follower(std::size_t i, int lane) const noexcept {
  int best = -1;
  for (std::size_t k = 0; k < x_.size(); ++k) {
    if (k == i || lane_[k] != lane || !ahead(x_[i], i, x_[k], k)) continue;
    if (best < 0 || ahead(x_[k], k, x_[static_cast<std::size_t>(best)], static_cast<std::size_t>(best)))
      best = static_cast<int>(k);
  }
  return best;
}

bool Traffic::overlapping(std::size_t i, std::size_t j) const noexcept {
  if (lane_[i] != lane_[j]) return false;
  // Intervals [x - length, x]; they touch or overlap unless one lies strictly ahead.
  return !(x_[i] - length_[i] > x_[j] || x_[j] - length_[j] > x_[i]);
}

void Traffic::sort_lanes() noexcept {
  // Insertion sort of order_ by (lane, x, index), warm-started from the last step's order:
  // O(n) when few vehicles changed lanes or places, O(n²) at worst.
  auto before = [&](std::size_t a, std::size_t b) {
    if (lane_[a] != lane_[b]) return lane_[a] < lane_[b];
    return x_[a] < x_[b] || (x_[a] == x_[b] && a < b);
  };
  for (std::size_t k = 1; k < order_.size(); ++k) {
    const std::size_t v = order_[k];
    std::size_t j = k;
    for (; j > 0 && before(v, order_[j - 1]); --j) order_[j] = order_[j - 1];
    order_[j] = v;
  }
}

StepOutcome Traffic::first_overlap(double time) const noexcept {
  // Only vehicles adjacent in order_ (same lane) can be the first to touch: order within a
  // lane cannot change without an overlap between neighbours. Among the overlapping pairs
  // found at one check time, the one with the lowest (first, second) is reported.
  StepOutcome best;
  for (std::size_t k = 1; k < order_.size(); ++k) {
    const std::size_t a = order_[k - 1], b = order_[k];
    if (lane_[a] != lane_[b] || !overlapping(a, b)) continue;
    const int lo = static_cast<int>(std::min(a, b)), hi = static_cast<int>(std::max(a, b));
    if (!best.collision || lo < best.first || (lo == best.first && hi < best.second))
      best = {true, lo, hi, time};
  }
  return best;
}

StepOutcome Traffic::advance(std::span<const Command> commands,
                             const SimulatorOptions& options) noexcept {
  const std::size_t n = x_.size();
  SAMPO_ASSERT(commands.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    const int target = lane_[i] + commands[i].lane_change;
    if (target >= 0 && target < road_.lanes) lane_[i] = target;
    a_[i] = commands[i].acceleration;
    start_x_[i] = x_[i];
    start_v_[i] = v_[i];
  }
  sort_lanes();
  StepOutcome outcome = first_overlap(0.0);
  const double h = options.step / options.substeps;
  for (int k = 1; k <= options.substeps; ++k) {
    const double t = k == options.substeps ? options.step : h * k;
    for (std::size_t i = 0; i < n; ++i)
      constant_acceleration_motion(start_x_[i], start_v_[i], a_[i], t, road_.speed_min,
                                   road_.speed_max, x_[i], v_[i]);
    if (!outcome.collision) outcome = first_overlap(t);
  }
  return outcome;
}

}  // namespace sampo::cav

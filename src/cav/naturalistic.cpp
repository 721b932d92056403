#include "sampo/cav/naturalistic.hpp"

#include <algorithm>
#include <cmath>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::cav {

namespace {

constexpr double kMinGap = 0.1;  // m: gaps are clipped here before entering the IDM
constexpr double kLogitFloor = -10.0;  // m/s²: accelerations entering the lane-change logit

LaneView lane_view(const Traffic& t, std::size_t i, int lane) noexcept {
  LaneView view;
  if (lane < 0 || lane >= t.road().lanes) return view;
  view.exists = true;
  if (const int l = t.leader(i, lane); l >= 0) {
    view.front_gap = t.gap(i, static_cast<std::size_t>(l));
    view.front_speed = t.v(static_cast<std::size_t>(l));
  }
  if (const int f = t.follower(i, lane); f >= 0) {
    view.rear_gap = t.gap(static_cast<std::size_t>(f), i);
    view.rear_speed = t.v(static_cast<std::size_t>(f));
  }
  return view;
}

inline double idm_clipped_gap(const IdmParameters& p, double v, double gap, double lead_v) noexcept {
  return idm_acceleration(p, v, std::max(gap, kMinGap), lead_v);
}

}  // namespace

LocalSituation observe(const Traffic& traffic, std::size_t i) noexcept {
  LocalSituation s;
  s.speed = traffic.v(i);
  const int lane = traffic.lane(i);
  s.own = lane_view(traffic, i, lane);
  s.left = lane_view(traffic, i, lane + 1);
  s.right = lane_view(traffic, i, lane - 1);
  return s;
}

void ParametricNaturalisticOptions::validate(std::string_view function) const {
  idm.validate(function);
  check_positive(function, "naturalistic.acceleration_sd", acceleration_sd);
  if (!(tail_mass >= 0.0 && tail_mass < 1.0))
    throw_invalid_argument(function, "naturalistic.tail_mass", format_value(tail_mass),
                           "must be in [0, 1)");
  check_in_range(function, "naturalistic.lane_change_max", lane_change_max, 0.0, 0.5);
  check_finite(function, "naturalistic.lane_change_intercept", lane_change_intercept);
  check_nonnegative(function, "naturalistic.lane_change_gain", lane_change_gain);
  check_nonnegative(function, "naturalistic.lane_change_risk", lane_change_risk);
  check_positive(function, "naturalistic.safe_deceleration", safe_deceleration);
}

ParametricNaturalistic::ParametricNaturalistic(const ParametricNaturalisticOptions& options)
    : options_(options) {
  options_.validate("sampo::cav::ParametricNaturalistic");
}

void ParametricNaturalistic::acceleration_pmf(double mean, double mass,
                                              std::span<double, kAccelerationCount> out) const noexcept {
  // Gaussian weights by a two-term recurrence (two exp calls instead of 31):
  // w_{k+1}/w_k = exp(-(2 d_k h + h²)/(2σ²)) with d_k = a_k − mean, and that ratio itself
  // shrinks by exp(−h²/σ²) per step. Weights are relative to the grid point nearest the mean,
  // so nothing overflows; far tails may underflow to 0 (then only the uniform share remains).
  const double s2 = options_.acceleration_sd * options_.acceleration_sd;
  const double h = kAccelerationStep;
  const int centre = nearest_acceleration_action(mean) - kFirstAcceleration;
  const double dc = kAccelerationMin + h * centre - mean;
  const double shrink = std::exp(-h * h / s2);
  double sum = 1.0;
  out[static_cast<std::size_t>(centre)] = 1.0;
  {  // upwards
    double w = 1.0, r = std::exp(-(2.0 * dc * h + h * h) / (2.0 * s2));
    for (int k = centre + 1; k < kAccelerationCount; ++k) {
      w *= r;
      r *= shrink;
      out[static_cast<std::size_t>(k)] = w;
      sum += w;
    }
  }
  {  // downwards: w_{k-1}/w_k = exp(-(−2 d_k h + h²)/(2σ²))
    double w = 1.0, r = std::exp(-(-2.0 * dc * h + h * h) / (2.0 * s2));
    for (int k = centre - 1; k >= 0; --k) {
      w *= r;
      r *= shrink;
      out[static_cast<std::size_t>(k)] = w;
      sum += w;
    }
  }
  const double eta = options_.tail_mass;
  const double scale = mass * (1.0 - eta) / sum;
  const double uniform = mass * eta / kAccelerationCount;
  for (auto& w : out) w = w * scale + uniform;
}

double ParametricNaturalistic::lane_change_probability(const LocalSituation& s,
                                                       const LaneView& target) const noexcept {
  if (!target.exists || options_.lane_change_max == 0.0) return 0.0;
  const auto& o = options_;
  const double own = std::max(idm_clipped_gap(o.idm, s.speed, s.own.front_gap, s.own.front_speed), kLogitFloor);
  const double tgt = std::max(idm_clipped_gap(o.idm, s.speed, target.front_gap, target.front_speed), kLogitFloor);
  double risk = 0.0;
  if (std::isfinite(target.rear_gap)) {
    const double a_nf = std::max(idm_clipped_gap(o.idm, target.rear_speed, target.rear_gap, s.speed), kLogitFloor);
    risk = std::min(0.0, a_nf + o.safe_deceleration);
  }
  const double z = o.lane_change_intercept + o.lane_change_gain * (tgt - own) + o.lane_change_risk * risk;
  return o.lane_change_max / (1.0 + std::exp(-z));
}

void ParametricNaturalistic::action_pmf(const LocalSituation& s, ActionPmf& pmf) const {
  const double left = lane_change_probability(s, s.left);
  const double right = lane_change_probability(s, s.right);
  pmf[kLaneLeft] = left;
  pmf[kLaneRight] = right;
  double mean = idm_clipped_gap(options_.idm, s.speed, s.own.front_gap, s.own.front_speed);
  mean = std::clamp(mean, kAccelerationMin, kAccelerationMax);
  acceleration_pmf(mean, 1.0 - left - right,
                   std::span<double, kAccelerationCount>(pmf.data() + kFirstAcceleration,
                                                         kAccelerationCount));
}

int sample_action(const ActionPmf& pmf, double u) noexcept {
  double total = 0.0;
  for (double p : pmf) total += p;
  const double target = u * total;
  double partial = 0.0;
  int last = -1;
  for (int k = 0; k < kActionCount; ++k) {
    const double p = pmf[static_cast<std::size_t>(k)];
    if (p <= 0.0) continue;
    partial += p;
    last = k;
    if (partial > target) return k;
  }
  return last;  // rounding: u·total at or beyond the last partial sum
}

}  // namespace sampo::cav

#include "sampo/cav/exact_car_following.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "assignment.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::cav {

namespace {
constexpr int kLeadActions = 7;
constexpr int kLeadMin = -4;  // a_L = kLeadMin + k

std::string named(std::string_view name, std::string_view field) {
  std::string s(name);
  s.append(".").append(field);
  return s;
}

std::string int_range(int lo, int hi) {
  std::string s("must be in [");
  s.append(std::to_string(lo)).append(", ").append(std::to_string(hi)).append("]");
  return s;
}

void check_int(std::string_view function, std::string_view name, int x, int lo, int hi) {
  if (x < lo || x > hi) throw_invalid_argument(function, name, std::to_string(x), int_range(lo, hi));
}
}  // namespace

void DpFollower::validate(std::string_view function, std::string_view name) const {
  check_positive(function, named(name, "max_acceleration"), max_acceleration);
  check_positive(function, named(name, "comfortable_deceleration"), comfortable_deceleration);
  check_nonnegative(function, named(name, "min_gap"), min_gap);
  check_nonnegative(function, named(name, "time_headway"), time_headway);
  check_positive(function, named(name, "desired_speed"), desired_speed);
  check_in_range(function, named(name, "min_acceleration"), min_acceleration, -10.0, 0.0);
}

int DpFollower::action(int gap, int lead_speed, int speed) const noexcept {
  const double v = speed, vl = lead_speed, g = gap;
  const double desired =
      min_gap + std::max(0.0, v * time_headway +
                                  v * (v - vl) / (2.0 * std::sqrt(max_acceleration * comfortable_deceleration)));
  const double r = v / desired_speed;
  const double a = max_acceleration * (1.0 - (r * r) * (r * r) - (desired / g) * (desired / g));
  const double rounded = std::floor(a + 0.5);
  return static_cast<int>(std::clamp(rounded, min_acceleration, 2.0));
}

const std::vector<std::string>& dp_parameter_keys() {
  static const std::vector<std::string> keys{"a_max", "b", "s0", "T", "v0", "a_min"};
  return keys;
}

void set_dp_parameter(DpFollower& follower, std::string_view assignment, std::string_view option) {
  constexpr const char* fn = "sampo::cav::set_dp_parameter";
  const detail::Setting num(fn, option, assignment);
  const std::string_view key = num.key();
  DpFollower f = follower;
  if (key == "a_max") f.max_acceleration = num(0.0, 10.0, true);
  else if (key == "b") f.comfortable_deceleration = num(0.0, 10.0, true);
  else if (key == "s0") f.min_gap = num(0.0, 20.0, false);
  else if (key == "T") f.time_headway = num(0.0, 5.0, false);
  else if (key == "v0") f.desired_speed = num(0.0, 60.0, true);
  else if (key == "a_min") f.min_acceleration = num(-10.0, 0.0, false);
  else num.unknown_key(dp_parameter_keys());
  follower = f;
}

void ExactCarFollowingOptions::validate(std::string_view function) const {
  check_int(function, "steps", steps, 1, 1000);
  check_int(function, "max_gap", max_gap, 2, 1000);
  check_int(function, "max_speed", max_speed, 1, 100);
  check_int(function, "initial_gap", initial_gap, 1, max_gap);
  check_int(function, "initial_lead_speed", initial_lead_speed, 0, max_speed);
  check_int(function, "initial_speed", initial_speed, 0, max_speed);
  double sum = 0.0;
  for (std::size_t k = 0; k < lead_pmf.size(); ++k) {
    std::string name("lead_pmf[");
    name.append(std::to_string(k)).append("]");
    check_in_range(function, name, lead_pmf[k], 0.0, 1.0);
    sum += lead_pmf[k];
  }
  if (std::abs(sum - 1.0) > 1e-12)
    throw_invalid_argument(function, "lead_pmf", format_value(sum), "must sum to 1 (it sums to the value shown)");
  cav.validate(function, "cav");
  surrogate.validate(function, "surrogate");
  check_in_range(function, "epsilon", epsilon, 0.0, 1.0);
}

std::size_t ExactCarFollowing::at(int t, int g, int vl, int vf) const noexcept {
  const auto S = static_cast<std::size_t>(options_.max_speed + 1);
  const auto G = static_cast<std::size_t>(options_.max_gap);
  return ((static_cast<std::size_t>(t) * G + static_cast<std::size_t>(g - 1)) * S +
          static_cast<std::size_t>(vl)) * S + static_cast<std::size_t>(vf);
}

ExactCarFollowing::ExactCarFollowing(const ExactCarFollowingOptions& options) : options_(options) {
  sampo::Stopwatch watch;
  options_.validate("sampo::cav::ExactCarFollowing");
  const int T = options_.steps, G = options_.max_gap, vmax = options_.max_speed;
  const std::size_t layer = static_cast<std::size_t>(G) * static_cast<std::size_t>(vmax + 1) *
                            static_cast<std::size_t>(vmax + 1);
  a_cav_.resize(layer);
  a_sm_.resize(layer);
  for (int g = 1; g <= G; ++g)
    for (int vl = 0; vl <= vmax; ++vl)
      for (int vf = 0; vf <= vmax; ++vf) {
        a_cav_[at(0, g, vl, vf)] = static_cast<signed char>(options_.cav.action(g, vl, vf));
        a_sm_[at(0, g, vl, vf)] = static_cast<signed char>(options_.surrogate.action(g, vl, vf));
      }
  const auto& p = options_.lead_pmf;
  // V_t(s) = Σ_u p(u)·[crash(s, u) ? 1 : V_{t+1}(s')], V_T = 0.
  auto solve = [&](const std::vector<signed char>& policy, std::vector<double>& v) {
    v.assign(layer * static_cast<std::size_t>(T + 1), 0.0);
    for (int t = T - 1; t >= 0; --t)
      for (int g = 1; g <= G; ++g)
        for (int vl = 0; vl <= vmax; ++vl)
          for (int vf = 0; vf <= vmax; ++vf) {
            const int vf2 = std::clamp(vf + policy[at(0, g, vl, vf)], 0, vmax);
            double sum = 0.0;
            for (int k = 0; k < kLeadActions; ++k) {
              const int vl2 = std::clamp(vl + kLeadMin + k, 0, vmax);
              const int g2 = g + vl2 - vf2;
              sum += p[static_cast<std::size_t>(k)] *
                     (g2 <= 0 ? 1.0 : v[at(t + 1, std::min(g2, G), vl2, vf2)]);
            }
            v[at(t, g, vl, vf)] = sum;
          }
  };
  solve(a_cav_, v_cav_);
  solve(a_sm_, v_sm_);
  const int g0 = options_.initial_gap, l0 = options_.initial_lead_speed, f0 = options_.initial_speed;
  p_cav_ = v_cav_[at(0, g0, l0, f0)];
  p_sm_ = v_sm_[at(0, g0, l0, f0)];

  // Moments of the IS estimator along the vehicle under test's dynamics:
  // E_t(s) = Σ_{u: q(u)>0} p(u)·[crash ? 1 : E_{t+1}(s')],
  // M_t(s) = Σ_{u: q(u)>0} p(u)·(p(u)/q(u))·[crash ? 1 : M_{t+1}(s')],
  // F_t(s) = Σ_{u: q(u)>0} p(u)·(p(u)/q(u))³·[crash ? 1 : F_{t+1}(s')] (E_q[Y⁴]: Y = Π p/q on
  // a crash path, so E_q[Y^k] = Σ_paths q·(p/q)^k = Σ p·(p/q)^{k−1}).
  std::vector<double> e_next(layer, 0.0), m_next(layer, 0.0), f_next(layer, 0.0), e_cur(layer),
      m_cur(layer), f_cur(layer);
  std::array<double, 7> q{};
  for (int t = T - 1; t >= 0; --t) {
    for (int g = 1; g <= G; ++g)
      for (int vl = 0; vl <= vmax; ++vl)
        for (int vf = 0; vf <= vmax; ++vf) {
          importance_pmf(t, g, vl, vf, q);
          const int vf2 = std::clamp(vf + a_cav_[at(0, g, vl, vf)], 0, vmax);
          double e = 0.0, m = 0.0, f4 = 0.0;
          for (int k = 0; k < kLeadActions; ++k) {
            const auto kk = static_cast<std::size_t>(k);
            if (!(q[kk] > 0.0)) continue;
            const int vl2 = std::clamp(vl + kLeadMin + k, 0, vmax);
            const int g2 = g + vl2 - vf2;
            const std::size_t next = g2 <= 0 ? 0 : at(0, std::min(g2, G), vl2, vf2);
            e += p[kk] * (g2 <= 0 ? 1.0 : e_next[next]);
            const double ratio = p[kk] / q[kk];
            m += p[kk] * ratio * (g2 <= 0 ? 1.0 : m_next[next]);
            f4 += p[kk] * ratio * ratio * ratio * (g2 <= 0 ? 1.0 : f_next[next]);
          }
          e_cur[at(0, g, vl, vf)] = e;
          m_cur[at(0, g, vl, vf)] = m;
          f_cur[at(0, g, vl, vf)] = f4;
        }
    std::swap(e_cur, e_next);
    std::swap(m_cur, m_next);
    std::swap(f_cur, f_next);
  }
  is_mean_ = e_next[at(0, g0, l0, f0)];
  is_second_ = m_next[at(0, g0, l0, f0)];
  is_fourth_ = f_next[at(0, g0, l0, f0)];
  run_.iterations = static_cast<std::size_t>(T);
  run_.evaluations = 4 * layer * static_cast<std::size_t>(T) * kLeadActions;
  run_.seconds = watch.seconds();
  run_.message = "exact backward dynamic programming";
}

double ExactCarFollowing::is_relative_variance() const noexcept {
  return (is_second_ - is_mean_ * is_mean_) / (p_cav_ * p_cav_);
}

double ExactCarFollowing::value(int t, int gap, int lead_speed, int speed) const noexcept {
  return v_cav_[at(t, gap, lead_speed, speed)];
}

double ExactCarFollowing::surrogate_value(int t, int gap, int lead_speed, int speed) const noexcept {
  return v_sm_[at(t, gap, lead_speed, speed)];
}

double ExactCarFollowing::surrogate_values(int t, int g, int vl, int vf,
                                           std::array<double, 7>& value) const noexcept {
  const int vmax = options_.max_speed, G = options_.max_gap;
  const auto& p = options_.lead_pmf;
  // The surrogate's value after each lead action, from the actual state s.
  const int vf2 = std::clamp(vf + a_sm_[at(0, g, vl, vf)], 0, vmax);
  double c = 0.0;
  for (int k = 0; k < kLeadActions; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    const int vl2 = std::clamp(vl + kLeadMin + k, 0, vmax);
    const int g2 = g + vl2 - vf2;
    value[kk] = g2 <= 0 ? 1.0 : v_sm_[at(t + 1, std::min(g2, G), vl2, vf2)];
    c += p[kk] * value[kk];
  }
  return c;
}

bool ExactCarFollowing::importance_pmf(int t, int g, int vl, int vf,
                                       std::array<double, 7>& q) const noexcept {
  const auto& p = options_.lead_pmf;
  std::array<double, 7> value{};
  const double c = surrogate_values(t, g, vl, vf, value);
  if (!(c > 0.0)) {
    q = p;
    return false;
  }
  const double eps = options_.epsilon;
  for (std::size_t k = 0; k < q.size(); ++k) q[k] = eps * p[k] + (1.0 - eps) * p[k] * value[k] / c;
  return true;
}

DpTest ExactCarFollowing::simulate(std::uint64_t seed, std::uint64_t index, bool importance) const {
  const int vmax = options_.max_speed, G = options_.max_gap;
  const auto& p = options_.lead_pmf;
  int g = options_.initial_gap, vl = options_.initial_lead_speed, vf = options_.initial_speed;
  DpTest test;
  std::array<double, 7> q{}, value{};
  double c = 0.0;
  for (int t = 0; t < options_.steps; ++t) {
    bool critical = false;
    if (importance) {
      critical = importance_pmf(t, g, vl, vf, q);
      if (critical) c = surrogate_values(t, g, vl, vf, value);
    } else {
      q = p;
    }
    parallel::RandomStream stream(seed, index, static_cast<std::uint64_t>(t));
    const double target = stream.uniform();
    double total = 0.0;
    for (double x : q) total += x;
    double partial = 0.0;
    int k = -1;
    for (int j = 0; j < kLeadActions; ++j) {
      if (!(q[static_cast<std::size_t>(j)] > 0.0)) continue;
      partial += q[static_cast<std::size_t>(j)];
      k = j;
      if (partial > target * total) break;
    }
    const auto kk = static_cast<std::size_t>(k);
    test.steps = t + 1;
    if (critical) {
      test.likelihood_ratio *= p[kk] / q[kk];
      test.critical.push_back({t, static_cast<int>(test.critical.size()), 1, k, p[kk], q[kk],
                               options_.epsilon, value[kk], c});
    }
    const int vf2 = std::clamp(vf + a_cav_[at(0, g, vl, vf)], 0, vmax);
    const int vl2 = std::clamp(vl + kLeadMin + k, 0, vmax);
    const int g2 = g + vl2 - vf2;
    if (g2 <= 0) {
      test.crash = true;
      return test;
    }
    g = std::min(g2, G);
    vl = vl2;
    vf = vf2;
  }
  return test;
}

DpTest ExactCarFollowing::sample(std::uint64_t seed, std::uint64_t index) const {
  return simulate(seed, index, true);
}

DpTest ExactCarFollowing::sample_naturalistic(std::uint64_t seed, std::uint64_t index) const {
  return simulate(seed, index, false);
}

}  // namespace sampo::cav

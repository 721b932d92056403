#include "sampo/cav/exact_car_following.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <Eigen/QR>

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
  // E_t is kept for every t (e_is_): the exact control-variate moments need E_q[Y | F_t].
  e_is_.assign(layer * static_cast<std::size_t>(T + 1), 0.0);
  std::vector<double> m_next(layer, 0.0), f_next(layer, 0.0), m_cur(layer), f_cur(layer);
  std::array<double, 7> q{};
  for (int t = T - 1; t >= 0; --t) {
    const double* e_next = e_is_.data() + layer * static_cast<std::size_t>(t + 1);
    double* e_cur = e_is_.data() + layer * static_cast<std::size_t>(t);
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
    std::swap(m_cur, m_next);
    std::swap(f_cur, f_next);
  }
  is_mean_ = e_is_[at(0, g0, l0, f0)];
  is_second_ = m_next[at(0, g0, l0, f0)];
  is_fourth_ = f_next[at(0, g0, l0, f0)];
  run_.iterations = static_cast<std::size_t>(T);
  run_.evaluations = 4 * layer * static_cast<std::size_t>(T) * kLeadActions;
  run_.seconds = watch.seconds();
  run_.message = "exact backward dynamic programming";
}

void ExactControlVariateOptions::validate(std::string_view function) const {
  check_int(function, "options.positions", positions, 1, 16);
  if (!sparse && !surrogate)
    throw_invalid_argument(function, "options.sparse", "false",
                           "asks for no control (set sparse or surrogate)");
  check_in_range(function, "options.rank_tolerance", rank_tolerance, 0.0, 1.0);
}

double ExactControlVariateResult::variance_at(const Eigen::Ref<const Eigen::VectorXd>& beta) const {
  if (beta.size() != mean.size())
    throw_invalid_argument("sampo::cav::ExactControlVariateResult::variance_at", "beta",
                           std::to_string(beta.size()) + " entries",
                           std::string("must have one entry per control (").append(std::to_string(mean.size())).append(")"));
  const Eigen::VectorXd cov_hy = cross_moment - mean * mean_y;
  const Eigen::MatrixXd cov_h = second_moment - mean * mean.transpose();
  return is_variance - 2.0 * beta.dot(cov_hy) + beta.dot(cov_h * beta);
}

double ExactControlVariateResult::variance_reduction() const noexcept {
  return variance > 0.0 ? is_variance / variance : std::numeric_limits<double>::infinity();
}

namespace {
// The controls' names and where each kind starts (mc's order: positions, features, weighted,
// surrogate); P position buckets are tracked (1 without sparse controls).
struct ControlLayout {
  std::vector<std::string> names;
  int positions = 1, feature = -1, weighted = -1, surrogate = -1;
};

ControlLayout control_layout(const ExactControlVariateOptions& co) {
  ControlLayout lay;
  lay.positions = co.sparse ? co.positions : 1;
  const int P = lay.positions;
  auto position_name = [&](int g) {
    std::string s("w");
    s.append(std::to_string(g + 1));
    if (g == P - 1) s.append("+");
    s.append("-1");
    return s;
  };
  if (co.sparse) {
    for (int g = 0; g < P; ++g) lay.names.push_back(position_name(g));
    if (co.use_features) {
      lay.feature = int(lay.names.size());
      for (int g = 0; g < P; ++g) {
        std::string name("criticality*(");
        name.append(position_name(g)).append(")");
        lay.names.push_back(name);
      }
    }
    if (co.weighted) {
      lay.weighted = int(lay.names.size());
      for (int g = 0; g < P; ++g) {
        std::string name("L*(");
        name.append(position_name(g)).append(")");
        lay.names.push_back(name);
      }
    }
  }
  if (co.surrogate) {
    lay.surrogate = int(lay.names.size());
    lay.names.emplace_back("sm");
  }
  return lay;
}

void check_controls(std::string_view fn, const ExactControlVariateOptions& co, double eps) {
  co.validate(fn);
  if (co.sparse && !(eps > 0.0))
    throw_invalid_argument(fn, "epsilon", format_value(eps),
                           "must be > 0 for the sparse controls (w_j - 1 has a nonzero mean where "
                           "q misses actions of p)");
}
}  // namespace

// Every control is a sum over the critical steps t of martingale differences
//   D_t = L_{t−1}^m · 1{position bucket of t = g} · d(s_t, u_t),  Σ_u q(u|s_t) d(s_t, u) = 0,
// with m = 0 (w − 1, C(w − 1)) or 1 (L(w − 1), L(wV − C)). So (docs/cav.md)
//   E[h_k h_l] = Σ_t E[L_{t−1}^{m_k+m_l} 1{...} Σ_u q d_k d_l]        (cross-time terms vanish),
//   E[Y h_k]   = Σ_t E[L_{t−1}^{m_k+1} 1{...} Σ_u p(u) R_t(s, u) d_k(u)],
// R_t(s, u) = 1 on a crash, else E_{t+1}(s') (E_q[Y | F_t] = L_t·R_t). The expectations are sums
// over (s, position) of the forward measures π^(m)_t(s, j) = E_q[L_{t−1}^m; s_t = s, bucket j].
ExactControlVariateResult ExactCarFollowing::control_variates(
    const ExactControlVariateOptions& co) const {
  constexpr const char* fn = "sampo::cav::ExactCarFollowing::control_variates";
  sampo::Stopwatch watch;
  check_controls(fn, co, options_.epsilon);
  const ControlLayout lay = control_layout(co);
  const int T = options_.steps, Gmax = options_.max_gap, vmax = options_.max_speed;
  const int P = lay.positions;  // position buckets tracked
  const auto layer = static_cast<std::size_t>(Gmax) * static_cast<std::size_t>(vmax + 1) *
                     static_cast<std::size_t>(vmax + 1);
  const auto& p = options_.lead_pmf;

  ExactControlVariateResult r;
  r.names = lay.names;
  const int at_feature = lay.feature, at_weighted = lay.weighted, at_surrogate = lay.surrogate;
  const auto d = Eigen::Index(r.names.size());
  r.mean = Eigen::VectorXd::Zero(d);
  r.second_moment = Eigen::MatrixXd::Zero(d, d);
  r.cross_moment = Eigen::VectorXd::Zero(d);

  // π^(m) for m = 0, 1, 2 per (state, bucket), this step and the next.
  const std::size_t cells = layer * static_cast<std::size_t>(P);
  std::array<std::vector<double>, 3> cur, next;
  for (auto& v : cur) v.assign(cells, 0.0);
  for (auto& v : next) v.assign(cells, 0.0);
  const std::size_t start =
      at(0, options_.initial_gap, options_.initial_lead_speed, options_.initial_speed) *
      static_cast<std::size_t>(P);
  for (auto& v : cur) v[start] = 1.0;

  struct Active {
    Eigen::Index index;
    int power;  // of L_{t−1}
    std::array<double, 7> d;
  };
  std::array<Active, 4> active{};
  Transitions tr;
  std::array<double, 7> rest{};
  std::size_t updates = 0;
  for (int t = 0; t < T; ++t) {
    for (auto& v : next) std::fill(v.begin(), v.end(), 0.0);
    const double* e_next = e_is_.data() + layer * static_cast<std::size_t>(t + 1);
    for (int g = 1; g <= Gmax; ++g)
      for (int vl = 0; vl <= vmax; ++vl)
        for (int vf = 0; vf <= vmax; ++vf) {
          const std::size_t s = at(0, g, vl, vf);
          bool reached = false;
          for (int j = 0; j < P; ++j) reached = reached || cur[0][s * std::size_t(P) + std::size_t(j)] > 0.0;
          if (!reached) continue;
          transitions(t, g, vl, vf, tr);
          // Plain references, not a structured binding: clang 14 cannot capture one in a lambda.
          const auto& q = tr.q;
          const auto& value = tr.value;
          const auto& ratio = tr.ratio;
          const auto& target = tr.target;
          const auto& crash = tr.crash;
          const bool critical = tr.critical;
          const double c = tr.c;
          for (std::size_t k = 0; k < std::size_t(kLeadActions); ++k)
            rest[k] = crash[k] ? 1.0 : e_next[target[k]];
          for (int j = 0; j < P; ++j) {
            const std::size_t cell = s * std::size_t(P) + std::size_t(j);
            const std::array<double, 3> pi{cur[0][cell], cur[1][cell], cur[2][cell]};
            if (!(pi[0] > 0.0)) continue;
            ++updates;
            if (critical) {
              // The controls with a term at this step, and their d(u).
              std::size_t n_active = 0;
              auto add = [&](int index, int power, auto&& fn_d) {
                Active& a = active[n_active++];
                a.index = index;
                a.power = power;
                for (std::size_t k = 0; k < 7; ++k) a.d[k] = q[k] > 0.0 ? fn_d(k) : 0.0;
              };
              if (co.sparse) {
                add(j, 0, [&](std::size_t k) { return ratio[k] - 1.0; });
                if (at_feature >= 0) add(at_feature + j, 0, [&](std::size_t k) { return c * (ratio[k] - 1.0); });
                if (at_weighted >= 0) add(at_weighted + j, 1, [&](std::size_t k) { return ratio[k] - 1.0; });
              }
              if (at_surrogate >= 0)
                add(at_surrogate, 1, [&](std::size_t k) { return ratio[k] * value[k] - c; });
              for (std::size_t a = 0; a < n_active; ++a) {
                const Active& x = active[a];
                double mean = 0.0, cross = 0.0;
                for (std::size_t k = 0; k < 7; ++k) {
                  if (!(q[k] > 0.0)) continue;
                  mean += q[k] * x.d[k];
                  cross += p[k] * rest[k] * x.d[k];
                }
                r.mean(x.index) += pi[std::size_t(x.power)] * mean;
                r.cross_moment(x.index) += pi[std::size_t(x.power + 1)] * cross;
                for (std::size_t b = 0; b < n_active; ++b) {
                  const Active& y = active[b];
                  double prod = 0.0;
                  for (std::size_t k = 0; k < 7; ++k)
                    if (q[k] > 0.0) prod += q[k] * x.d[k] * y.d[k];
                  r.second_moment(x.index, y.index) += pi[std::size_t(x.power + y.power)] * prod;
                }
              }
            }
            // Forward: π^(m)_{t+1}(s', j') += π^(m)_t(s, j)·q(u)·w(u)^m over the surviving u.
            const std::size_t j2 = critical ? std::min(std::size_t(j) + 1, std::size_t(P - 1)) : std::size_t(j);
            for (std::size_t k = 0; k < 7; ++k) {
              if (!(q[k] > 0.0) || crash[k]) continue;
              const double w = critical ? ratio[k] : 1.0;
              const std::size_t to = target[k] * std::size_t(P) + j2;
              next[0][to] += pi[0] * q[k];
              next[1][to] += pi[1] * q[k] * w;
              next[2][to] += pi[2] * q[k] * w * w;
            }
          }
        }
    std::swap(cur, next);
  }

  r.mean_y = is_mean_;
  r.second_moment_y = is_second_;
  r.is_variance = is_second_ - is_mean_ * is_mean_;
  // β* = Cov(h)⁺Cov(h, Y), solved on the correlation matrix of the controls of nonzero variance.
  const Eigen::VectorXd cov_hy = r.cross_moment - r.mean * r.mean_y;
  const Eigen::MatrixXd cov_h = r.second_moment - r.mean * r.mean.transpose();
  std::vector<Eigen::Index> keep;
  for (Eigen::Index k = 0; k < d; ++k)
    if (cov_h(k, k) > 0.0) keep.push_back(k);
  r.coefficients = Eigen::VectorXd::Zero(d);
  if (!keep.empty()) {
    const auto m = Eigen::Index(keep.size());
    Eigen::MatrixXd corr(m, m);
    Eigen::VectorXd rhs(m), scale(m);
    for (Eigen::Index a = 0; a < m; ++a) scale(a) = 1.0 / std::sqrt(cov_h(keep[std::size_t(a)], keep[std::size_t(a)]));
    for (Eigen::Index a = 0; a < m; ++a) {
      rhs(a) = scale(a) * cov_hy(keep[std::size_t(a)]);
      for (Eigen::Index b = 0; b < m; ++b)
        corr(a, b) = scale(a) * scale(b) * cov_h(keep[std::size_t(a)], keep[std::size_t(b)]);
    }
    Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod;
    cod.setThreshold(co.rank_tolerance);
    cod.compute(corr);
    r.rank = cod.rank();
    const Eigen::VectorXd z = cod.solve(rhs);
    for (Eigen::Index a = 0; a < m; ++a) r.coefficients(keep[std::size_t(a)]) = scale(a) * z(a);
  }
  r.variance = std::max(0.0, r.variance_at(r.coefficients));
  r.run.iterations = static_cast<std::size_t>(T);
  r.run.evaluations = updates;
  r.run.seconds = watch.seconds();
  r.run.message = "exact forward pass over (step, state, critical-step position); ";
  r.run.message.append(std::to_string(d)).append(" controls, rank ").append(std::to_string(r.rank));
  return r;
}

// The fourth central moment of v = Y − βᵀh. With S_t = Σ_{t'<t} βᵀD_{t'} the control sum before
// step t, the forward pass carries the joint moments M_{a,b}(s, j) = E_q[L_{t−1}^a S_t^b; s_t = s,
// b_t = j] for a + b <= 4 (15 per cell). A step adds x(u) + L·y(u) to S (x: the terms without a
// weight factor, y: those with one) and multiplies L by w(u), so
//   L'^a S'^b = w^a Σ_{i+j+k=b} b!/(i!j!k!) x^j y^k L^{a+k} S^i   (a + k + i <= 4: closed);
// at a crash v = L' − S' = (w − y)L − S − x, and at the end without a crash v = −S.
double ExactCarFollowing::control_variate_fourth_moment(
    const ExactControlVariateOptions& co, const Eigen::Ref<const Eigen::VectorXd>& beta) const {
  constexpr const char* fn = "sampo::cav::ExactCarFollowing::control_variate_fourth_moment";
  check_controls(fn, co, options_.epsilon);
  const ControlLayout lay = control_layout(co);
  if (beta.size() != Eigen::Index(lay.names.size()))
    throw_invalid_argument(fn, "beta", std::to_string(beta.size()) + " entries",
                           std::string("must have one entry per control (")
                               .append(std::to_string(lay.names.size()))
                               .append(")"));
  const int T = options_.steps, Gmax = options_.max_gap, vmax = options_.max_speed;
  const int P = lay.positions;
  const auto layer = static_cast<std::size_t>(Gmax) * static_cast<std::size_t>(vmax + 1) *
                     static_cast<std::size_t>(vmax + 1);
  constexpr int kOrder = 4;
  // Moment slots (a, b), a + b <= 4.
  std::array<std::array<int, kOrder + 1>, kOrder + 1> slot{};
  int slots = 0;
  for (int a = 0; a <= kOrder; ++a)
    for (int b = 0; a + b <= kOrder; ++b) slot[std::size_t(a)][std::size_t(b)] = slots++;
  const double fact[] = {1, 1, 2, 6, 24};
  const std::size_t cells = layer * static_cast<std::size_t>(P), width = std::size_t(slots);
  std::vector<double> cur(cells * width, 0.0), next(cells * width, 0.0);
  {
    const std::size_t start =
        at(0, options_.initial_gap, options_.initial_lead_speed, options_.initial_speed) *
        static_cast<std::size_t>(P);
    for (int a = 0; a <= kOrder; ++a) cur[start * width + std::size_t(slot[std::size_t(a)][0])] = 1.0;  // L = 1, S = 0
  }
  // Moments of v − c about c = E_q[Y] (= E_q[v]: the controls have mean 0), not of v: where the
  // controls remove most of the variance, raw moments would cancel to ~1e-7 of their size.
  const double shift = is_mean_;
  std::array<double, kOrder + 1> raw{};  // E[(v − c)^n]
  auto power = [](double x, int n) {
    double r = 1.0;
    for (int i = 0; i < n; ++i) r *= x;
    return r;
  };
  Transitions tr;
  std::array<double, 7> x{}, y{};
  for (int t = 0; t < T; ++t) {
    std::fill(next.begin(), next.end(), 0.0);
    for (int g = 1; g <= Gmax; ++g)
      for (int vl = 0; vl <= vmax; ++vl)
        for (int vf = 0; vf <= vmax; ++vf) {
          const std::size_t s = at(0, g, vl, vf);
          bool reached = false;
          for (int j = 0; j < P; ++j) reached = reached || cur[(s * std::size_t(P) + std::size_t(j)) * width] > 0.0;
          if (!reached) continue;
          transitions(t, g, vl, vf, tr);
          // Plain references, not a structured binding: clang 14 cannot capture one in a lambda.
          const auto& q = tr.q;
          const auto& value = tr.value;
          const auto& ratio = tr.ratio;
          const auto& target = tr.target;
          const auto& crash = tr.crash;
          const bool critical = tr.critical;
          const double c = tr.c;
          for (int j = 0; j < P; ++j) {
            const std::size_t cell = s * std::size_t(P) + std::size_t(j);
            const double* m = cur.data() + cell * width;
            if (!(m[0] > 0.0)) continue;
            auto M = [&](int a, int b) { return m[slot[std::size_t(a)][std::size_t(b)]]; };
            x.fill(0.0);
            y.fill(0.0);
            if (critical) {
              for (std::size_t k = 0; k < 7; ++k) {
                if (!(q[k] > 0.0)) continue;
                const double dw = ratio[k] - 1.0;
                if (co.sparse) {
                  x[k] += beta(j) * dw;
                  if (lay.feature >= 0) x[k] += beta(lay.feature + j) * c * dw;
                  if (lay.weighted >= 0) y[k] += beta(lay.weighted + j) * dw;
                }
                if (lay.surrogate >= 0) y[k] += beta(lay.surrogate) * (ratio[k] * value[k] - c);
              }
            }
            const std::size_t j2 = critical ? std::min(std::size_t(j) + 1, std::size_t(P - 1)) : std::size_t(j);
            for (std::size_t k = 0; k < 7; ++k) {
              if (!(q[k] > 0.0)) continue;
              const double w = critical ? ratio[k] : 1.0;
              if (crash[k]) {
                // v − c = (w − y)L − S − (x + c):
                // E[(v − c)^n] += q Σ_{i+a+b=n} n!/(i!a!b!) (w − y)^i (−1)^{a+b} (x + c)^b M_{i,a}
                const double xc = x[k] + shift;
                for (int n = 1; n <= kOrder; ++n)
                  for (int i = 0; i <= n; ++i)
                    for (int a = 0; i + a <= n; ++a) {
                      const int b = n - i - a;
                      raw[std::size_t(n)] += q[k] * fact[n] / (fact[i] * fact[a] * fact[b]) *
                                             power(w - y[k], i) * ((a + b) % 2 ? -1.0 : 1.0) *
                                             power(xc, b) * M(i, a);
                    }
                continue;
              }
              double* out = next.data() + (target[k] * std::size_t(P) + j2) * width;
              for (int a = 0; a <= kOrder; ++a)
                for (int b = 0; a + b <= kOrder; ++b) {
                  double sum = 0.0;
                  for (int i = 0; i <= b; ++i)
                    for (int jj = 0; i + jj <= b; ++jj) {
                      const int kk = b - i - jj;
                      sum += fact[b] / (fact[i] * fact[jj] * fact[kk]) * power(x[k], jj) *
                             power(y[k], kk) * M(a + kk, i);
                    }
                  out[slot[std::size_t(a)][std::size_t(b)]] += q[k] * power(w, a) * sum;
                }
            }
          }
        }
    std::swap(cur, next);
  }
  // The tests that reach the end without a crash: v − c = −(S + c).
  for (std::size_t cell = 0; cell < cells; ++cell)
    for (int n = 1; n <= kOrder; ++n)
      for (int i = 0; i <= n; ++i)
        raw[std::size_t(n)] += ((n % 2) ? -1.0 : 1.0) * fact[n] / (fact[i] * fact[n - i]) *
                               power(shift, n - i) * cur[cell * width + std::size_t(slot[0][std::size_t(i)])];
  const double mu = raw[1];
  return raw[4] - 4.0 * mu * raw[3] + 6.0 * mu * mu * raw[2] - 3.0 * mu * mu * mu * mu;
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

void ExactCarFollowing::transitions(int t, int g, int vl, int vf,
                                    Transitions& out) const noexcept {
  const int vmax = options_.max_speed, gmax = options_.max_gap;
  const auto& p = options_.lead_pmf;
  out.critical = importance_pmf(t, g, vl, vf, out.q);
  out.c = out.critical ? surrogate_values(t, g, vl, vf, out.value) : 0.0;
  const int vf2 = std::clamp(vf + a_cav_[at(0, g, vl, vf)], 0, vmax);
  for (int k = 0; k < kLeadActions; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    out.ratio[kk] = out.q[kk] > 0.0 ? p[kk] / out.q[kk] : 0.0;
    const int vl2 = std::clamp(vl + kLeadMin + k, 0, vmax);
    const int g2 = g + vl2 - vf2;
    out.crash[kk] = g2 <= 0;
    out.target[kk] = out.crash[kk] ? 0 : at(0, std::min(g2, gmax), vl2, vf2);
  }
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

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <vector>

#include "sampo/cav/exact_car_following.hpp"
#include "sampo/cav/test_log.hpp"
#include "sampo/core/error.hpp"
#include "sampo/mc/multi_surrogate.hpp"
#include "sampo/mc/sparse_control_variates.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"

using sampo::cav::ExactCarFollowing;
using sampo::cav::ExactCarFollowingOptions;
using sampo::cav::ExactControlVariateOptions;

namespace {
// Reference values (computed independently: the same backward DP written separately). Tolerance 1e-12 relative: each is a sum of ~10^7 positive products of
// probabilities, so rounding contributes at most ~1e-13 relative (forward error of a sum of
// positive terms); the reference digits are 15 significant.
constexpr double kCrash = 6.76122011010664e-8;
constexpr double kSurrogateCrash = 1.46613438556261e-9;
constexpr double kSecond01 = 3.43845908003966e-12;
constexpr double kSecond05 = 1.73341636701445e-13;
bool rel_close(double a, double b, double tol) { return std::abs(a - b) <= tol * std::abs(b); }
}  // namespace

TEST_CASE("exact car-following: crash probabilities and IS second moments match the reference values",
          "[cav]") {
  ExactCarFollowingOptions o;
  o.epsilon = 0.1;
  const ExactCarFollowing dp(o);
  CHECK(rel_close(dp.crash_probability(), kCrash, 1e-12));
  CHECK(rel_close(dp.surrogate_crash_probability(), kSurrogateCrash, 1e-12));
  CHECK(rel_close(dp.is_second_moment(), kSecond01, 1e-12));
  CHECK(rel_close(dp.is_mean(), kCrash, 1e-12));  // unbiased for ε > 0
  CHECK(std::abs(dp.is_relative_variance() - 751.166) < 1e-3);  // reference given to 6 digits
  o.epsilon = 0.5;
  const ExactCarFollowing dp5(o);
  CHECK(rel_close(dp5.is_second_moment(), kSecond05, 1e-12));
  CHECK(std::abs(dp5.is_relative_variance() - 36.9186) < 1e-4);
}

TEST_CASE("exact car-following: epsilon = 0 with a wrong surrogate is biased; with the true model it has zero variance",
          "[cav]") {
  ExactCarFollowingOptions o;
  o.epsilon = 0.0;
  const ExactCarFollowing biased(o);
  // Reference: E_q[Y] = 6.722742e-8 < P (support violated where V_SM = 0 < V_CAV).
  CHECK(std::abs(biased.is_mean() - 6.722742e-8) < 1e-14);
  CHECK(biased.is_mean() < biased.crash_probability());
  o.surrogate = o.cav;
  const ExactCarFollowing oracle(o);
  CHECK(rel_close(oracle.is_mean(), kCrash, 1e-12));
  // Zero variance: E[Y²] = P² up to rounding of ~15 factors and a DP sum (1e-10 relative).
  CHECK(std::abs(oracle.is_second_moment() - kCrash * kCrash) <= 1e-10 * kCrash * kCrash);
  // ... and E[Y⁴] = P⁴ (Y = P on every path: 4 × the rounding of the second moment).
  CHECK(std::abs(oracle.is_fourth_moment() - std::pow(kCrash, 4)) <= 4e-10 * std::pow(kCrash, 4));
  // Every sampled crash carries weight exactly P (to rounding), every test crashes.
  for (std::uint64_t i = 0; i < 50; ++i) {
    const auto t = oracle.sample(sampo::testing::fixture_seed(7), i);
    REQUIRE(t.crash);
    CHECK(rel_close(t.result(), kCrash, 1e-11));
  }
}

TEST_CASE("exact car-following: the sampled IS estimator is unbiased and its likelihood ratio is the product of p/q",
          "[cav]") {
  ExactCarFollowingOptions o;
  o.epsilon = 0.5;
  const ExactCarFollowing dp(o);
  const std::size_t n = 20000;
  double sum = 0.0;
  const std::uint64_t seed = sampo::testing::fixture_seed(11);  // $SAMPO_TEST_SEED redraws
  for (std::size_t i = 0; i < n; ++i) {
    const auto t = dp.sample(seed, i);
    sum += t.result();
    double lr = 1.0;
    for (const auto& c : t.critical) lr *= c.p / c.q;
    REQUIRE(t.likelihood_ratio == lr);  // same products, same order: exact
  }
  const double mean = sum / static_cast<double>(n);
  // Exact standard error from the exact variance; 4 SE: a fixed-seed statistical bound whose
  // false-alarm probability is ~6e-5 under the CLT (relative variance 37, n = 20000: the
  // CLT holds well; the RSE is 4.3 %).
  const double se = std::sqrt((dp.is_second_moment() - kCrash * kCrash) / static_cast<double>(n));
  INFO("mean " << mean << " exact " << kCrash << " se " << se);
  CHECK(std::abs(mean - kCrash) <= 4.0 * se);
}

TEST_CASE("exact car-following: follower action and bad input", "[cav]") {
  sampo::cav::DpFollower f;
  // Free road far ahead, at the desired speed's neighbourhood: IDM ~ a(1 − (v/v0)^4) − tiny.
  CHECK(f.action(80, 25, 0) == 2);  // standing still, lead far: accelerate at the cap
  CHECK(f.action(1, 0, 30) == -2);  // about to hit a stopped lead: the floor a_min
  sampo::cav::set_dp_parameter(f, "T=1.5");
  CHECK(f.time_headway == 1.5);
  SAMPO_REQUIRE_THROWS_WITH(sampo::cav::set_dp_parameter(f, "T=9"), sampo::invalid_argument,
                            "--set", "T=9", "[0, 5]");
  SAMPO_REQUIRE_THROWS_WITH(sampo::cav::set_dp_parameter(f, "headway=1"), sampo::invalid_argument,
                            "unknown key", "a_max");
  ExactCarFollowingOptions o;
  o.lead_pmf[4] += 0.01;
  SAMPO_REQUIRE_THROWS_WITH(ExactCarFollowing{o}, sampo::invalid_argument, "lead_pmf", "sum to 1");
  o = {};
  o.initial_gap = 0;
  SAMPO_REQUIRE_THROWS_WITH(ExactCarFollowing{o}, sampo::invalid_argument, "initial_gap", "[1, 80]");
}

TEST_CASE("exact car-following: the IS moments equal an enumeration of every lead-action path", "[cav]") {
  // A short test (4 steps from a 3 m gap, so crashes happen), every one of the 7^4 lead-action
  // sequences walked explicitly: E_q[Y^k] = Σ_{crash paths} p(path)·(p/q)(path)^{k−1}. The DP
  // and the enumeration add the same positive terms in different orders: 1e-12 relative.
  ExactCarFollowingOptions o;
  o.steps = 4;
  o.initial_gap = 3;
  o.epsilon = 0.3;
  const ExactCarFollowing dp(o);
  double mean = 0.0, second = 0.0, fourth = 0.0;
  std::function<void(int, int, int, int, double, double)> walk =
      [&](int t, int g, int vl, int vf, double prob, double ratio) {
        if (t == o.steps) return;
        std::array<double, 7> q{};
        dp.importance_pmf(t, g, vl, vf, q);
        const int vf2 = std::clamp(vf + o.cav.action(g, vl, vf), 0, o.max_speed);
        for (int k = 0; k < 7; ++k) {
          const double p = o.lead_pmf[static_cast<std::size_t>(k)];
          if (!(q[static_cast<std::size_t>(k)] > 0.0)) continue;
          const double r = ratio * p / q[static_cast<std::size_t>(k)];
          const int vl2 = std::clamp(vl - 4 + k, 0, o.max_speed);
          const int g2 = g + vl2 - vf2;
          if (g2 <= 0) {
            mean += prob * p;
            second += prob * p * r;
            fourth += prob * p * r * r * r;
          } else {
            walk(t + 1, std::min(g2, o.max_gap), vl2, vf2, prob * p, r);
          }
        }
      };
  walk(0, o.initial_gap, o.initial_lead_speed, o.initial_speed, 1.0, 1.0);
  REQUIRE(mean > 0.0);
  CHECK(rel_close(dp.is_mean(), mean, 1e-12));
  CHECK(rel_close(dp.is_second_moment(), second, 1e-12));
  CHECK(rel_close(dp.is_fourth_moment(), fourth, 1e-12));
  CHECK(dp.is_fourth_moment() >= dp.is_second_moment() * dp.is_second_moment());  // Jensen
}

namespace {
// Every lead-action path of a short test with positive q, as the DpTest that sample() would
// record for it, and its probability under q.
void enumerate_paths(const ExactCarFollowing& dp, std::vector<sampo::cav::DpTest>& tests,
                     std::vector<double>& prob) {
  const ExactCarFollowingOptions& o = dp.options();
  std::function<void(int, int, int, int, double, sampo::cav::DpTest)> walk =
      [&](int t, int g, int vl, int vf, double path_q, sampo::cav::DpTest test) {
        if (t == o.steps) {
          tests.push_back(test);
          prob.push_back(path_q);
          return;
        }
        std::array<double, 7> q{}, value{};
        const bool critical = dp.importance_pmf(t, g, vl, vf, q);
        // The surrogate's value after each lead action (its own follower action, as NADE's).
        const int vfs = std::clamp(vf + o.surrogate.action(g, vl, vf), 0, o.max_speed);
        double c = 0.0;
        for (int k = 0; k < 7; ++k) {
          const int vl2 = std::clamp(vl - 4 + k, 0, o.max_speed);
          const int gs = g + vl2 - vfs;
          value[std::size_t(k)] = gs <= 0 ? 1.0 : dp.surrogate_value(t + 1, std::min(gs, o.max_gap), vl2, vfs);
          c += o.lead_pmf[std::size_t(k)] * value[std::size_t(k)];
        }
        const int vf2 = std::clamp(vf + o.cav.action(g, vl, vf), 0, o.max_speed);
        for (int k = 0; k < 7; ++k) {
          const auto kk = std::size_t(k);
          if (!(q[kk] > 0.0)) continue;
          sampo::cav::DpTest next = test;
          next.steps = t + 1;
          if (critical) {
            next.likelihood_ratio *= o.lead_pmf[kk] / q[kk];
            next.critical.push_back({t, int(test.critical.size()), 1, k, o.lead_pmf[kk], q[kk],
                                     o.epsilon, value[kk], c});
          }
          const int vl2 = std::clamp(vl - 4 + k, 0, o.max_speed);
          const int g2 = g + vl2 - vf2;
          if (g2 <= 0) {
            next.crash = true;
            tests.push_back(next);
            prob.push_back(path_q * q[kk]);
          } else {
            walk(t + 1, std::min(g2, o.max_gap), vl2, vf2, path_q * q[kk], next);
          }
        }
      };
  walk(0, o.initial_gap, o.initial_lead_speed, o.initial_speed, 1.0, {});
}
}  // namespace

TEST_CASE("exact car-following: control-variate moments equal an enumeration of every path with mc's own controls",
          "[cav]") {
  // The 4-step test from a 3 m gap (crashes happen, most steps are critical), every lead-action
  // path enumerated, each turned into a log test whose controls mc computes itself
  // (SparseControls with features and weighted terms, surrogate_controls): E_q[h], E_q[hhᵀ],
  // E_q[Yh] by the sum over paths against the forward pass. Both add the same products of
  // probabilities in different orders; the entries can be sums of terms of both signs, so the
  // tolerance is 1e-12 of their Cauchy–Schwarz scale sqrt(E[h_k²]E[h_l²]) (rounding ~1e-15
  // per term, ~10^3 terms).
  ExactCarFollowingOptions o;
  o.steps = 4;
  o.initial_gap = 3;
  o.epsilon = 0.3;
  const ExactCarFollowing dp(o);
  ExactControlVariateOptions co;
  co.weighted = true;
  co.surrogate = true;
  const auto r = dp.control_variates(co);

  std::vector<sampo::cav::DpTest> tests;
  std::vector<double> prob;
  enumerate_paths(dp, tests, prob);
  double total = 0.0;
  for (double x : prob) total += x;
  REQUIRE(std::abs(total - 1.0) < 1e-13);  // the paths cover q's mass
  const sampo::mc::TestLog log = sampo::cav::to_test_log(tests);
  sampo::mc::SparseControlVariateOptions so;
  so.weighted = true;
  const sampo::mc::SparseControls sparse(log.schema(), so);
  std::vector<std::string> names = sparse.names();
  names.emplace_back("sm");
  REQUIRE(r.names == names);
  const auto d = Eigen::Index(names.size());
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(d), cross = Eigen::VectorXd::Zero(d), h(d);
  Eigen::MatrixXd second = Eigen::MatrixXd::Zero(d, d);
  double my = 0.0, m2y = 0.0;
  for (std::size_t i = 0; i < log.tests(); ++i) {
    sparse.fill(log, i, std::span<double>(h.data(), std::size_t(d - 1)));
    sampo::mc::surrogate_controls(log, i, std::span<double>(h.data() + d - 1, 1));
    const double y = log.result(i) * log.weight(i);
    mean += prob[i] * h;
    second += prob[i] * h * h.transpose();
    cross += prob[i] * y * h;
    my += prob[i] * y;
    m2y += prob[i] * y * y;
  }
  CHECK(rel_close(r.mean_y, my, 1e-12));
  CHECK(rel_close(r.second_moment_y, m2y, 1e-12));
  for (Eigen::Index k = 0; k < d; ++k) {
    INFO("control " << names[std::size_t(k)]);
    const double sk = std::sqrt(second(k, k));
    REQUIRE(sk > 0.0);  // every control is reached in 4 steps
    CHECK(std::abs(r.mean(k)) <= 1e-12 * sk);  // a martingale difference: mean 0
    CHECK(std::abs(mean(k)) <= 1e-12 * sk);
    CHECK(std::abs(r.cross_moment(k) - cross(k)) <= 1e-12 * sk * std::sqrt(m2y));
    for (Eigen::Index l = 0; l < d; ++l)
      CHECK(std::abs(r.second_moment(k, l) - second(k, l)) <= 1e-12 * sk * std::sqrt(second(l, l)));
  }
  // The variance at β* from the paths directly: Σ q·(Y − β*ᵀh − E[Y − β*ᵀh])². The DP's value
  // is Var(Y) − 2β*ᵀc + β*ᵀΣβ*, a difference of terms up to ~E[Y²]: 1e-9 relative to E[Y²].
  double v_mean = 0.0, v_second = 0.0;
  for (std::size_t i = 0; i < log.tests(); ++i) {
    sparse.fill(log, i, std::span<double>(h.data(), std::size_t(d - 1)));
    sampo::mc::surrogate_controls(log, i, std::span<double>(h.data() + d - 1, 1));
    const double v = log.result(i) * log.weight(i) - r.coefficients.dot(h);
    v_mean += prob[i] * v;
    v_second += prob[i] * v * v;
  }
  CHECK(std::abs(r.variance - (v_second - v_mean * v_mean)) <= 1e-9 * m2y);
  // The fourth central moment of the values against the paths', at β* (which = −2), at β = 0
  // (Y alone, −1) and for each control alone with coefficient 1. It is formed from the moments
  // of v − E[Y] (n <= 4), sums of terms of both signs up to ~E[(v − E[Y])⁴]: 1e-9 relative.
  for (int which = -2; which < int(d); ++which) {
    Eigen::VectorXd beta = which == -2 ? r.coefficients : Eigen::VectorXd::Zero(d);
    if (which >= 0) beta(which) = 1.0;
    double mu = 0.0, m4 = 0.0;
    std::vector<double> vals(log.tests());
    for (std::size_t i = 0; i < log.tests(); ++i) {
      sparse.fill(log, i, std::span<double>(h.data(), std::size_t(d - 1)));
      sampo::mc::surrogate_controls(log, i, std::span<double>(h.data() + d - 1, 1));
      vals[i] = log.result(i) * log.weight(i) - beta.dot(h);
      mu += prob[i] * vals[i];
    }
    for (std::size_t i = 0; i < log.tests(); ++i) m4 += prob[i] * std::pow(vals[i] - mu, 4);
    INFO("beta " << which << ": DP " << dp.control_variate_fourth_moment(co, beta) << ", paths " << m4);
    CHECK(rel_close(dp.control_variate_fourth_moment(co, beta), m4, 1e-9));
  }
  CHECK(r.variance <= r.is_variance);
  CHECK(r.variance < 0.9 * r.is_variance);  // the controls do help on this short test
  // β* is optimal: moving it in any coordinate does not lower the variance.
  for (Eigen::Index k = 0; k < d; ++k) {
    Eigen::VectorXd b = r.coefficients;
    b(k) += 1e-3 * (std::abs(b(k)) + 1.0);
    CHECK(r.variance_at(b) >= r.variance - 1e-12 * m2y);
  }
}

TEST_CASE("exact car-following: the surrogate's martingale control has zero variance when the surrogate is the vehicle under test",
          "[cav]") {
  // Surrogate = vehicle under test: H = Σ_j L_{j−1}(w_j V_j − C_j) telescopes to Y − P on every
  // path (docs/mc.md), so Y − H = P: Var(Y − 1·H) = 0 at any ε, which mc's simplex weight (one
  // surrogate: λ = 1) uses. The exact value is a difference of moments of size ~E[Y²] = 37·P²
  // (ε = 0.5): 1e-10·E[Y²] bounds its rounding. β* = 1 to the same relative accuracy.
  ExactCarFollowingOptions o;
  o.surrogate = o.cav;
  ExactControlVariateOptions co;
  co.sparse = false;
  co.surrogate = true;
  for (double eps : {0.5, 0.1}) {
    o.epsilon = eps;
    const ExactCarFollowing oracle(o);
    const auto r = oracle.control_variates(co);
    INFO("epsilon " << eps);
    REQUIRE(r.names == std::vector<std::string>{"sm"});
    const Eigen::VectorXd one = Eigen::VectorXd::Ones(1);
    CHECK(std::abs(r.variance_at(one)) <= 1e-10 * r.second_moment_y);
    CHECK(r.variance <= 1e-10 * r.second_moment_y);
    CHECK(std::abs(r.coefficients(0) - 1.0) <= 1e-8);
    INFO("relative variance of IS alone " << r.is_variance / (r.mean_y * r.mean_y));
    CHECK(r.is_variance > 1e-3 * r.mean_y * r.mean_y);  // while IS alone is not at 0
  }
  // ε = 0: q is already the zero-variance distribution, and H = 0 on every path.
  o.epsilon = 0.0;
  const ExactCarFollowing zero(o);
  const auto r0 = zero.control_variates(co);
  CHECK(r0.second_moment(0, 0) <= 1e-20 * r0.second_moment_y);
  CHECK(std::abs(r0.is_variance) <= 1e-10 * r0.second_moment_y);
  CHECK(r0.variance <= 1e-10 * r0.second_moment_y);
  // The sparse controls need ε > 0 (w − 1 has a nonzero mean where q = 0 < p).
  SAMPO_REQUIRE_THROWS_WITH(zero.control_variates(), sampo::invalid_argument, "epsilon", "0");
}

TEST_CASE("exact car-following: exact sparse and surrogate control variates on the reference benchmark",
          "[cav]") {
  ExactCarFollowingOptions o;
  o.epsilon = 0.5;
  const ExactCarFollowing dp(o);
  const auto scv = dp.control_variates();  // mc's default sparse controls
  REQUIRE(scv.names.size() == 6);
  CHECK(scv.names[0] == "w1-1");
  CHECK(scv.names[2] == "w3+-1");
  CHECK(scv.names[3] == "criticality*(w1-1)");
  CHECK(rel_close(scv.is_variance, dp.is_second_moment() - kCrash * kCrash, 1e-12));
  CHECK(scv.variance <= scv.is_variance);
  CHECK(scv.variance > 0.0);
  for (Eigen::Index k = 0; k < 6; ++k)  // martingale differences
    CHECK(std::abs(scv.mean(k)) <= 1e-12 * std::sqrt(scv.second_moment(k, k)));
  ExactControlVariateOptions co;
  co.sparse = false;
  co.surrogate = true;
  const auto ms = dp.control_variates(co);
  CHECK(ms.variance <= ms.is_variance);
  CHECK(std::abs(ms.mean(0)) <= 1e-12 * std::sqrt(ms.second_moment(0, 0)));
  // The same forward pass with both sets: at least as good as either alone (the optimum over a
  // larger span), up to rounding.
  co.sparse = true;
  const auto both = dp.control_variates(co);
  CHECK(both.variance <= std::min(scv.variance, ms.variance) * (1 + 1e-9));

  // Bad input names the field.
  co.positions = 0;
  SAMPO_REQUIRE_THROWS_WITH(dp.control_variates(co), sampo::invalid_argument, "options.positions", "0");
  co = {};
  co.sparse = false;
  SAMPO_REQUIRE_THROWS_WITH(dp.control_variates(co), sampo::invalid_argument, "options.sparse");
  SAMPO_REQUIRE_THROWS_WITH((void)scv.variance_at(Eigen::VectorXd::Zero(2)), sampo::invalid_argument,
                            "beta", "6");
  SAMPO_REQUIRE_THROWS_WITH((void)dp.control_variate_fourth_moment({}, Eigen::VectorXd::Zero(2)),
                            sampo::invalid_argument, "beta", "6");
}

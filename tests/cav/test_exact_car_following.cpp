#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

#include "sampo/cav/exact_car_following.hpp"
#include "sampo/core/error.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"

using sampo::cav::ExactCarFollowing;
using sampo::cav::ExactCarFollowingOptions;

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

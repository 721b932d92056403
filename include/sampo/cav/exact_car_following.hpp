#pragma once
/// @file
/// The exact benchmark: a discretized sequential car-following test whose crash probability,
/// and the exact mean and second moment of its NADE-style importance-sampling estimator, are
/// computed by backward dynamic programming (docs/cav.md, "Exact benchmark").
///
/// Model (integers; Δt = 1 s; `steps` decisions). State s = (g, v_L, v_F): gap g in
/// 1..max_gap m, lead and follower speeds in 0..max_speed m/s. The lead (background vehicle)
/// takes a_L in {−4, −3, −2, −1, 0, 1, 2} m/s² with the state-independent pmf `lead_pmf`. The
/// follower (vehicle under test) takes a_F = clip(floor(a_IDM + 0.5), a_min, 2) with
/// a_IDM = a_max[1 − (v_F/v0)⁴ − (s*/g)²], s* = s0 + max(0, v_F·T + v_F(v_F − v_L)/(2√(a_max·b))).
/// Then v' = clip(v + a, 0, max_speed) for both, g' = g + v_L' − v_F'; a crash if g' <= 0
/// (absorbing, the test ends), else g' = min(g', max_gap).
///
/// Importance sampling (NADE with the exact surrogate value). With V_SM,t(s, u) the
/// surrogate follower's exact crash probability-to-go after lead action u at step t (the
/// same DP with the surrogate's policy) and C = Σ_u p(u)·V_SM,t(s, u): when C > 0 the step is
/// critical and q(u) = ε·p(u) + (1 − ε)·p(u)·V_SM,t(s, u)/C; otherwise q = p. A test's result
/// is Y = 1{crash}·Π p/q.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "sampo/cav/environment.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::cav {

/// The follower of the benchmark (integer-action IDM).
struct DpFollower {
  double max_acceleration = 2.0;          ///< a_max (m/s²), > 0
  double comfortable_deceleration = 2.0;  ///< b (m/s²), > 0
  double min_gap = 2.0;                   ///< s0 (m), >= 0
  double time_headway = 1.0;              ///< T (s), >= 0
  double desired_speed = 33.0;            ///< v0 (m/s), > 0
  double min_acceleration = -2.0;         ///< a_min (m/s²), in [−10, 0]

  /// @throw sampo::invalid_argument naming @p function, @p name and the field.
  void validate(std::string_view function, std::string_view name) const;
  /// The follower's action (m/s², an integer) at gap @p gap >= 1, lead speed and own speed.
  [[nodiscard]] int action(int gap, int lead_speed, int speed) const noexcept;
};

/// Keys of set_dp_parameter: a_max, b, s0, T, v0, a_min.
const std::vector<std::string>& dp_parameter_keys();
/// Sets one follower parameter from "key=value". @throw sampo::invalid_argument naming
/// @p option, the text and the fault; @p follower is unchanged on error.
void set_dp_parameter(DpFollower& follower, std::string_view assignment,
                      std::string_view option = "--set");

/// Options of the exact benchmark; the defaults are the reference configuration (docs/cav.md).
struct ExactCarFollowingOptions {
  int steps = 15;       ///< decisions, in [1, 1000]
  int max_gap = 80;     ///< m, in [2, 1000]
  int max_speed = 35;   ///< m/s, in [1, 100]
  int initial_gap = 20;           ///< m, in [1, max_gap]
  int initial_lead_speed = 25;    ///< m/s, in [0, max_speed]
  int initial_speed = 25;         ///< follower, m/s, in [0, max_speed]
  /// P(a_L = −4, −3, −2, −1, 0, 1, 2): entries >= 0 summing to 1 (within 1e-12).
  std::array<double, 7> lead_pmf{0.001, 0.005, 0.02, 0.15, 0.649, 0.15, 0.025};
  DpFollower cav;                                           ///< the vehicle under test
  DpFollower surrogate{2.0, 2.0, 2.0, 1.5, 33.0, -2.0};     ///< the surrogate (T = 1.5 s)
  double epsilon = 0.1;  ///< defensive share ε in [0, 1] (0 is allowed here, to show its bias)

  /// @throw sampo::invalid_argument naming @p function and the field.
  void validate(std::string_view function) const;
};

/// Which control variates ExactCarFollowing::control_variates() gives exact moments for: the
/// controls that sampo::mc computes from the benchmark's test log (cav::to_test_log of
/// sample()'s tests: one feature `criticality` = C_j, one surrogate `sm` with value V_SM,t(s, u_j)
/// and mean C_j), named as mc names them.
struct ExactControlVariateOptions {
  /// mc's unbiased sparse controls (mc::sparse_control_variates, Stratification::none, order 1):
  /// w_g − 1 for critical-step positions g = 1..positions−1 and Σ_{j>=positions}(w_j − 1).
  bool sparse = true;
  int positions = 3;          ///< as mc::SparseControlVariateOptions::positions, in [1, 16]
  bool use_features = true;   ///< add C_j(w_j − 1) per position (the `criticality` feature)
  bool weighted = false;      ///< add L_{j−1}(w_j − 1) per position
  /// The surrogate's martingale control H = Σ_j L_{j−1}(w_j·V_SM,j − C_j) (mc::multi_surrogate's
  /// control for the logged surrogate `sm`), after the sparse ones.
  bool surrogate = false;
  /// Rank tolerance of the optimal coefficients' solve (on the correlation matrix), as mc's.
  double rank_tolerance = 1e-10;

  /// @throw sampo::invalid_argument naming @p function and the field.
  void validate(std::string_view function) const;
};

/// Exact moments of the importance-sampling result Y and of control variates h (each a sum of
/// martingale differences over the critical steps) under q, and the variance of the
/// control-variate estimator Y − βᵀh with a fixed β (docs/cav.md, "Exact control variates").
struct ExactControlVariateResult {
  std::vector<std::string> names;  ///< as mc names them ("w1-1", ..., "criticality*(w1-1)", "sm")
  double mean_y = 0.0;             ///< E_q[Y] (= is_mean())
  double second_moment_y = 0.0;    ///< E_q[Y²] (= is_second_moment())
  Eigen::VectorXd mean;            ///< E_q[h]: 0 up to rounding (martingale differences)
  Eigen::MatrixXd second_moment;   ///< E_q[h hᵀ]
  Eigen::VectorXd cross_moment;    ///< E_q[Y h]
  /// β* = Cov(h)⁺ Cov(h, Y) (controls of zero variance get 0; collinear ones the minimum-norm
  /// solution): the coefficients that a regression converges to.
  Eigen::VectorXd coefficients;
  Eigen::Index rank = 0;           ///< rank of the controls' correlation matrix
  double is_variance = 0.0;        ///< Var_q(Y)
  double variance = 0.0;           ///< Var_q(Y − β*ᵀh), never below 0
  /// Var_q(Y − βᵀh) = Var(Y) − 2βᵀCov(h, Y) + βᵀCov(h)β for any fixed @p beta (size of names).
  /// @throw sampo::invalid_argument if @p beta has the wrong size.
  [[nodiscard]] double variance_at(const Eigen::Ref<const Eigen::VectorXd>& beta) const;
  /// is_variance / variance: how many times fewer tests at equal precision (+∞ when variance = 0).
  [[nodiscard]] double variance_reduction() const noexcept;
  sampo::Run run;  ///< seconds, state-step updates of the forward pass
};

/// One test of the importance-sampling estimator on the benchmark.
struct DpTest {
  bool crash = false;
  int steps = 0;                  ///< steps simulated (the crash step included)
  double likelihood_ratio = 1.0;  ///< Π p/q over the critical steps
  /// The critical steps (C > 0), as the simulator records them: vehicle = 1 (the lead),
  /// action = index into lead_pmf (a_L = action − 4 m/s²), surrogate_value = V_SM,t(s, u) of
  /// the sampled u, criticality = C. Under sample_naturalistic() this is empty.
  std::vector<CriticalStep> critical;
  [[nodiscard]] double result() const noexcept { return crash ? likelihood_ratio : 0.0; }
};

/// The benchmark, solved: value tables of the vehicle under test and of the surrogate, and the
/// exact moments of the importance-sampling estimator. Construction costs
/// O(steps · max_gap · (max_speed + 1)² · 7) (about 11 M state-action updates, tens of ms,
/// for the defaults); the tables take 8·(steps + 1)·max_gap·(max_speed + 1)² bytes each.
class ExactCarFollowing {
 public:
  /// @throw sampo::invalid_argument if @p options is invalid.
  explicit ExactCarFollowing(const ExactCarFollowingOptions& options = {});

  [[nodiscard]] const ExactCarFollowingOptions& options() const noexcept { return options_; }
  /// P(crash within `steps`) of the vehicle under test from the initial state.
  [[nodiscard]] double crash_probability() const noexcept { return p_cav_; }
  /// The same for the surrogate follower.
  [[nodiscard]] double surrogate_crash_probability() const noexcept { return p_sm_; }
  /// E_q[Y]: equal to crash_probability() when q > 0 wherever the crash needs it (ε > 0
  /// guarantees it); smaller when ε = 0 and the surrogate misses crash paths.
  [[nodiscard]] double is_mean() const noexcept { return is_mean_; }
  /// E_q[Y²] of the importance-sampling estimator.
  [[nodiscard]] double is_second_moment() const noexcept { return is_second_; }
  /// E_q[Y⁴]: with the second moment it gives the exact standard error of a sample second
  /// moment (Var(Y²) = E[Y⁴] − E[Y²]²), which the heavy tail of the weights makes impossible
  /// to estimate from samples of practical size.
  [[nodiscard]] double is_fourth_moment() const noexcept { return is_fourth_; }
  /// Exact moments of the control variates of @p options and of Y under q, the optimal fixed
  /// coefficients and the variance of the control-variate estimator, by one forward pass over
  /// (step, state, critical-step position) with the weights' moments (docs/cav.md, "Exact
  /// control variates"). Cost O(steps · states · positions · 7).
  /// @throw sampo::invalid_argument if @p options is invalid, or if sparse controls are asked for
  ///        at epsilon = 0 (w_j − 1 then has a nonzero mean where q misses actions of p).
  [[nodiscard]] ExactControlVariateResult control_variates(
      const ExactControlVariateOptions& options = {}) const;
  /// E_q[(v − E_q v)⁴] of the control-variate estimator's values v = Y − βᵀh, h the controls of
  /// @p options (in ExactControlVariateResult::names' order) and @p beta fixed: with the variance
  /// it gives the exact standard error of a sample variance of v, sqrt((μ₄ − Var²)/n). By a
  /// forward pass over the joint moments E_q[L^a S^b] (a + b <= 4) of the weight and the control
  /// sum (docs/cav.md, "Exact control variates"); 15 moments per (state, position), so it costs
  /// about 15× control_variates() in memory and more in time.
  /// @throw sampo::invalid_argument as control_variates(), or if @p beta has the wrong size.
  [[nodiscard]] double control_variate_fourth_moment(
      const ExactControlVariateOptions& options, const Eigen::Ref<const Eigen::VectorXd>& beta) const;
  /// Var_q(Y) / P² = (E_q[Y²] − E_q[Y]²) / crash_probability()².
  [[nodiscard]] double is_relative_variance() const noexcept;
  /// The vehicle under test's crash probability-to-go V_t(g, v_L, v_F) before step t (0 at t = steps).
  [[nodiscard]] double value(int t, int gap, int lead_speed, int speed) const noexcept;
  /// The surrogate's value, as value().
  [[nodiscard]] double surrogate_value(int t, int gap, int lead_speed, int speed) const noexcept;
  /// The importance pmf q at step t in state s into @p q; returns true when the step is
  /// critical (C > 0), false when q = p.
  bool importance_pmf(int t, int gap, int lead_speed, int speed, std::array<double, 7>& q) const noexcept;
  /// Test @p index under importance sampling: lead action at step t drawn by inversion from
  /// RandomStream(seed, index, t).uniform(). A pure function of (seed, index).
  [[nodiscard]] DpTest sample(std::uint64_t seed, std::uint64_t index) const;
  /// Test @p index under the naturalistic pmf (no importance sampling).
  [[nodiscard]] DpTest sample_naturalistic(std::uint64_t seed, std::uint64_t index) const;
  /// Seconds the construction took, state-action updates done.
  [[nodiscard]] const sampo::Run& run() const noexcept { return run_; }

 private:
  /// One state's step under NADE-IS, as the forward passes over the moments need it.
  struct Transitions {
    std::array<double, 7> q{}, value{}, ratio{};  // q(u), the surrogate's V(u), p(u)/q(u)
    std::array<std::size_t, 7> target{};          // the next state (layer 0), 0 on a crash
    std::array<bool, 7> crash{};
    bool critical = false;
    double c = 0.0;  // Σ p V when critical, else 0
  };
  [[nodiscard]] std::size_t at(int t, int g, int vl, int vf) const noexcept;
  double surrogate_values(int t, int g, int vl, int vf, std::array<double, 7>& value) const noexcept;
  /// Fills @p out for state (g, vl, vf) before step t.
  void transitions(int t, int g, int vl, int vf, Transitions& out) const noexcept;
  DpTest simulate(std::uint64_t seed, std::uint64_t index, bool importance) const;

  ExactCarFollowingOptions options_;
  std::vector<double> v_cav_, v_sm_;
  std::vector<double> e_is_;  // E_q[Y | s_t = s] per (t, s): the IS mean to go (= v_cav_ for ε > 0)
  std::vector<signed char> a_cav_, a_sm_;  // follower actions per (g, v_L, v_F)
  double p_cav_ = 0.0, p_sm_ = 0.0, is_mean_ = 0.0, is_second_ = 0.0, is_fourth_ = 0.0;
  sampo::Run run_;
};

}  // namespace sampo::cav

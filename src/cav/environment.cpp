#include "sampo/cav/environment.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <utility>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::cav {

std::string_view to_string(Scenario scenario) noexcept {
  switch (scenario) {
    case Scenario::car_following: return "car-following";
    case Scenario::cut_in: return "cut-in";
    case Scenario::overtaking: return "overtaking";
  }
  return "?";
}

Scenario scenario_from_string(std::string_view name) {
  for (Scenario s : {Scenario::car_following, Scenario::cut_in, Scenario::overtaking})
    if (name == to_string(s)) return s;
  throw_invalid_argument("sampo::cav::scenario_from_string", "scenario", name,
                         "unknown scenario; known: car-following, cut-in, overtaking");
}

std::string_view to_string(Environment environment) noexcept {
  return environment == Environment::nde ? "nde" : "nade";
}

Environment environment_from_string(std::string_view name) {
  if (name == "nde") return Environment::nde;
  if (name == "nade") return Environment::nade;
  throw_invalid_argument("sampo::cav::environment_from_string", "environment", name,
                         "unknown environment; known: nde, nade");
}

ScenarioSetup make_scenario(Scenario scenario) {
  ScenarioSetup s;
  switch (scenario) {
    case Scenario::car_following:
      s.road.lanes = 1;
      s.vehicles = {{0.0, 25.0, 0, 5.0}, {25.0, 25.0, 0, 5.0}};
      s.steps = 15;
      break;
    case Scenario::cut_in:
      s.road.lanes = 2;
      s.vehicles = {{0.0, 25.0, 0, 5.0},
                    {65.0, 25.0, 0, 5.0},
                    {10.0, 23.0, 1, 5.0},
                    {-40.0, 25.0, 1, 5.0}};
      s.steps = 15;
      break;
    case Scenario::overtaking:
      s.road.lanes = 2;
      s.vehicles = {{0.0, 28.0, 0, 5.0},
                    {35.0, 20.0, 0, 5.0},
                    {-20.0, 26.0, 1, 5.0},
                    {30.0, 27.0, 1, 5.0},
                    {80.0, 25.0, 1, 5.0}};
      s.steps = 20;
      break;
  }
  return s;
}

void TestOptions::validate(std::string_view function) const {
  if (steps < 0 || steps > 100000)
    throw_invalid_argument(function, "steps", std::to_string(steps), "must be in [0, 100000]");
  cav.validate(function);
  surrogate.validate(function);
  if (!model) naturalistic.validate(function);
  if (environment == Environment::nade && !(epsilon > 0.0 && epsilon <= 1.0))
    throw_invalid_argument(function, "epsilon", format_value(epsilon),
                           "must be in (0, 1] for NADE (epsilon = 0 can bias the estimate)");
  check_nonnegative(function, "criticality_threshold", criticality_threshold);
  check_positive(function, "candidate_range", candidate_range);
  if (max_candidates < 1 || max_candidates > 1024)
    throw_invalid_argument(function, "max_candidates", std::to_string(max_candidates),
                           "must be in [1, 1024]");
  simulator.validate(function);
  if (logged_surrogates.size() > 16)
    throw_invalid_argument(function, "logged_surrogates",
                           std::to_string(logged_surrogates.size()) + " surrogates",
                           "at most 16 can be logged");
  for (std::size_t k = 0; k < logged_surrogates.size(); ++k) {
    const std::string& name = logged_surrogates[k].name;
    const bool chars_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
    if (!chars_ok)
      throw_invalid_argument(function, "logged_surrogates.name", name,
                             "must be non-empty and made of letters, digits, '_', '-', '.'");
    if (name == "sm")
      throw_invalid_argument(function, "logged_surrogates.name", name,
                             "is taken by NADE's own surrogate in the log");
    for (std::size_t l = 0; l < k; ++l)
      if (logged_surrogates[l].name == name)
        throw_invalid_argument(function, "logged_surrogates.name", name, "appears twice");
    logged_surrogates[k].parameters.validate(function);
  }
}

namespace {

constexpr std::uint64_t kVehicleStride = std::uint64_t{1} << 20;
constexpr double kMinGap = 0.1;

inline double idm_gap_clipped(const IdmParameters& p, double v, double gap, double lead_v) noexcept {
  return idm_acceleration(p, v, std::max(gap, kMinGap), lead_v);
}

}  // namespace

struct TestRunner::Impl {
  TestOptions options;
  ScenarioSetup setup;
  Traffic traffic;
  std::shared_ptr<const NaturalisticModel> model;
  int steps;
  std::vector<Command> commands;
  std::vector<ActionPmf> pmf;
  std::vector<std::pair<double, int>> candidates;
  ActionPmf value{}, best_value{}, q{}, scaled{};
  std::vector<CriticalStep> critical;
  std::vector<double> logged_values, logged_means;  // critical steps × logged surrogates

  explicit Impl(const TestOptions& o)
      : options(o), setup(make_scenario(o.scenario)), traffic(setup.road, setup.vehicles) {
    options.validate("sampo::cav::TestRunner");
    model = o.model ? o.model : std::make_shared<ParametricNaturalistic>(o.naturalistic);
    steps = o.steps > 0 ? o.steps : setup.steps;
    const std::size_t n = traffic.size();
    commands.resize(n);
    pmf.resize(n);
    candidates.reserve(n);
    critical.reserve(static_cast<std::size_t>(steps));
    const std::size_t m = o.logged_surrogates.size();
    logged_values.reserve(static_cast<std::size_t>(steps) * m);
    logged_means.reserve(static_cast<std::size_t>(steps) * m);
  }

  // The vehicle under test's IDM + MOBIL command from the current state.
  Command cav_command() const {
    const DriverParameters& d = options.cav;
    const Traffic& t = traffic;
    const std::size_t me = 0;
    const int lane = t.lane(me);
    const double v = t.v(me);
    auto accel_behind = [&](std::size_t back, int front, double v_back) {
      if (front < 0) return idm_acceleration(d.idm, v_back, std::numeric_limits<double>::infinity(), 0.0);
      const auto f = static_cast<std::size_t>(front);
      return idm_gap_clipped(d.idm, v_back, t.gap(back, f), t.v(f));
    };
    const int lead = t.leader(me, lane);
    const double own = accel_behind(me, lead, v);
    Command c{std::max(own, -d.max_braking), 0};
    if (!d.lane_changes) return c;
    double best = -std::numeric_limits<double>::infinity();
    for (int side : {+1, -1}) {
      const int target = lane + side;
      if (target < 0 || target >= t.road().lanes) continue;
      MobilInputs in;
      in.self_current = own;
      const int tl = t.leader(me, target);
      in.self_target = accel_behind(me, tl, v);
      if (const int nf = t.follower(me, target); nf >= 0) {
        const auto f = static_cast<std::size_t>(nf);
        in.new_follower_before = accel_behind(f, tl, t.v(f));
        in.new_follower_after = idm_gap_clipped(d.idm, t.v(f), t.gap(f, me), v);
      }
      if (const int of = t.follower(me, lane); of >= 0) {
        const auto f = static_cast<std::size_t>(of);
        in.old_follower_before = idm_gap_clipped(d.idm, t.v(f), t.gap(f, me), v);
        in.old_follower_after = accel_behind(f, lead, t.v(f));
      }
      // A vehicle level with the driver in the target lane blocks the change outright.
      if (tl >= 0 && t.gap(me, static_cast<std::size_t>(tl)) <= 0.0) continue;
      if (!mobil_changes_lane(d.mobil, in, side < 0)) continue;
      const double incentive = mobil_incentive(d.mobil, in, side < 0);
      if (incentive > best) {
        best = incentive;
        c = {std::max(in.self_target, -d.max_braking), side};
      }
    }
    return c;
  }

  TestRecord run(std::uint64_t index) {
    traffic.reset();
    critical.clear();
    logged_values.clear();
    logged_means.clear();
    TestRecord rec;
    rec.index = index;
    const std::size_t n = traffic.size();
    const bool nade = options.environment == Environment::nade;
    const double step_seconds = options.simulator.step;
    int ordinal = 0;
    for (int step = 0; step < steps; ++step) {
      commands[0] = cav_command();
      rec.cav_lane_changes += commands[0].lane_change != 0 ? 1 : 0;
      for (std::size_t i = 1; i < n; ++i) model->action_pmf(observe(traffic, i), pmf[i]);

      // NADE: the most critical candidate background vehicle, if above the threshold.
      int controlled = -1;
      double criticality = 0.0;
      if (nade) {
        candidates.clear();
        const int cav_lane = traffic.lane(0);
        for (std::size_t i = 1; i < n; ++i) {
          const double d = std::abs(traffic.x(i) - traffic.x(0));
          if (d <= options.candidate_range && std::abs(traffic.lane(i) - cav_lane) <= 1)
            candidates.emplace_back(d, static_cast<int>(i));
        }
        const auto keep = std::min(candidates.size(), static_cast<std::size_t>(options.max_candidates));
        std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                          candidates.end());
        for (std::size_t c = 0; c < keep; ++c) {
          const auto i = static_cast<std::size_t>(candidates[c].second);
          double crit = 0.0;
          for (int u = 0; u < kActionCount; ++u) {
            const double p = pmf[i][static_cast<std::size_t>(u)];
            value[static_cast<std::size_t>(u)] =
                p > 0.0 ? surrogate_crash_probability(options.surrogate, traffic, 0, i, u, step_seconds)
                        : 0.0;
            crit += p * value[static_cast<std::size_t>(u)];
          }
          if (crit > criticality) {  // strict: ties keep the nearer (earlier) candidate
            criticality = crit;
            controlled = static_cast<int>(i);
            best_value = value;
          }
        }
        if (!(criticality > options.criticality_threshold)) controlled = -1;
      }

      for (std::size_t i = 1; i < n; ++i) {
        parallel::RandomStream stream(options.seed, index,
                                      static_cast<std::uint64_t>(step) * kVehicleStride + i);
        const double u01 = stream.uniform();
        const ActionPmf& p = pmf[i];
        int action;
        if (static_cast<int>(i) == controlled) {
          const double eps = options.epsilon;
          bool valid = true;
          for (int u = 0; u < kActionCount; ++u) {
            const auto k = static_cast<std::size_t>(u);
            q[k] = eps * p[k] + (1.0 - eps) * p[k] * best_value[k] / criticality;
            valid = valid && q[k] <= 1.0;
          }
          if (!valid) {
            // Surrogate values in the subnormal range (a criticality of 5e-324 was seen on
            // overtaking): the products p·V lose bits and p·V/C can exceed 1. Then scale V by a
            // power of two (exact) so that the largest is in [0.5, 1); the factor cancels in
            // V/C. (Only then: q computed as above is kept wherever it is a distribution.)
            double largest = 0.0;
            for (double v : best_value) largest = std::max(largest, v);
            int e = 0;
            (void)std::frexp(largest, &e);
            double scaled_c = 0.0;
            for (int u = 0; u < kActionCount; ++u) {
              const auto k = static_cast<std::size_t>(u);
              scaled[k] = p[k] > 0.0 ? std::ldexp(best_value[k], -e) : 0.0;
              scaled_c += p[k] * scaled[k];
            }
            for (int u = 0; u < kActionCount; ++u) {
              const auto k = static_cast<std::size_t>(u);
              q[k] = eps * p[k] + (1.0 - eps) * p[k] * scaled[k] / scaled_c;
            }
          }
          action = sample_action(q, u01);
          const auto k = static_cast<std::size_t>(action);
          // Rounding can put a q of ~1 one ulp above 1; a probability is at most 1.
          const double qk = std::min(q[k], 1.0);
          rec.likelihood_ratio *= p[k] / qk;
          critical.push_back({step, ordinal++, static_cast<int>(i), action, p[k], qk, eps,
                              best_value[k], criticality});
          // The logged surrogates, on the state before the step (as NADE's own).
          for (const NamedSurrogate& s : options.logged_surrogates) {
            double mean = 0.0, chosen = 0.0;
            for (int u = 0; u < kActionCount; ++u) {
              const double pu = p[static_cast<std::size_t>(u)];
              if (!(pu > 0.0) && u != action) continue;
              const double v =
                  surrogate_crash_probability(s.parameters, traffic, 0, i, u, step_seconds);
              mean += pu * v;
              if (u == action) chosen = v;
            }
            logged_values.push_back(chosen);
            logged_means.push_back(mean);
          }
        } else {
          action = sample_action(p, u01);
        }
        commands[i] = {action_acceleration(action), action_lane_change(action)};
      }

      const StepOutcome out = traffic.advance(commands, options.simulator);
      rec.steps = step + 1;
      if (out.collision) {
        rec.collision_step = step;
        rec.crash = out.first == 0;
        rec.collision_partner = rec.crash ? out.second : out.first;
        break;
      }
    }
    rec.critical.assign(critical.begin(), critical.end());
    rec.surrogate_values.assign(logged_values.begin(), logged_values.end());
    rec.surrogate_means.assign(logged_means.begin(), logged_means.end());
    return rec;
  }
};

TestRunner::TestRunner(const TestOptions& options) : impl_(std::make_unique<Impl>(options)) {}
TestRunner::~TestRunner() = default;
TestRunner::TestRunner(TestRunner&&) noexcept = default;
TestRunner& TestRunner::operator=(TestRunner&&) noexcept = default;
TestRecord TestRunner::run(std::uint64_t index) { return impl_->run(index); }

TestRecord run_test(const TestOptions& options, std::uint64_t index) {
  return TestRunner(options).run(index);
}

BatchResult run_tests(const TestOptions& options, std::size_t n, const parallel::MapReduceOptions& par) {
  constexpr const char* fn = "sampo::cav::run_tests";
  sampo::Stopwatch watch;
  if (n == 0) throw_invalid_argument(fn, "n", "0", "must be >= 1 (the number of tests)");
  options.validate(fn);
  BatchResult result;
  result.tests.resize(n);
  // One runner per block of tests (its state is reused), blocks handed to threads one at a
  // time: a test's record depends on its index only, so the thread count changes nothing.
  const std::size_t block = par.block_size;
  const std::size_t blocks = (n + block - 1) / block;
  parallel::MapReduceOptions p = par;
  p.use_mpi = false;
  p.block_size = 1;
  parallel::parallel_for(
      blocks,
      [&](std::size_t b) {
        TestRunner runner(options);
        for (std::size_t i = b * block, hi = std::min(n, (b + 1) * block); i < hi; ++i)
          result.tests[i] = runner.run(i);
      },
      p);
  double sum = 0.0;
  for (const auto& t : result.tests) {
    sum += t.result();
    result.crashes += t.crash ? 1 : 0;
  }
  result.estimate = sum / static_cast<double>(n);
  if (n > 1) {
    double ss = 0.0;
    for (const auto& t : result.tests) {
      const double d = t.result() - result.estimate;
      ss += d * d;
    }
    result.standard_error = std::sqrt(ss / static_cast<double>(n - 1) / static_cast<double>(n));
  }
  result.run.evaluations = n;
  result.run.iterations = n;
  result.run.seconds = watch.seconds();
  result.run.message = "ran every test";
  return result;
}

}  // namespace sampo::cav

#pragma once
/// @file
/// Test runs: a scenario (car-following, cut-in, overtaking) driven by the naturalistic
/// environment (NDE: every background vehicle samples its naturalistic action) or the
/// naturalistic and adversarial environment (NADE: at each step the most critical background
/// vehicle samples from an importance distribution; the likelihood ratio corrects for it).
///
/// One test = one episode of `steps` decisions from the scenario's fixed initial state. Its
/// result is Y = 1{the vehicle under test collided} × likelihood ratio (1 under NDE), an
/// unbiased estimate of the crash probability under naturalistic behaviour (docs/cav.md).
///
/// Randomness. The only random numbers are one uniform per background vehicle per step:
/// vehicle i at step t of test n draws RandomStream(seed, n, t·2^20 + i).uniform(). A test is
/// therefore a pure function of (options, n), and a batch is bit-identical for any number of
/// threads (and, once split over MPI ranks by test index, of ranks).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "sampo/cav/driver.hpp"
#include "sampo/cav/naturalistic.hpp"
#include "sampo/cav/surrogate.hpp"
#include "sampo/cav/traffic.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/parallel/map_reduce.hpp"

namespace sampo::cav {

/// The scenarios (geometry in docs/cav.md and make_scenario).
enum class Scenario { car_following, cut_in, overtaking };
/// "car-following", "cut-in" or "overtaking".
std::string_view to_string(Scenario scenario) noexcept;
/// Parses the names of to_string(). @throw sampo::invalid_argument listing the known names.
Scenario scenario_from_string(std::string_view name);

/// A scenario's road, initial vehicles (index 0 = the vehicle under test) and horizon.
struct ScenarioSetup {
  RoadGeometry road;
  std::vector<Vehicle> vehicles;
  int steps = 0;
};

/// The fixed initial state of @p scenario:
/// - car-following: 1 lane; the vehicle under test at x = 0, 25 m/s, behind one background
///   vehicle 20 m ahead (gap) at 25 m/s; 15 steps.
/// - cut-in: 2 lanes; the vehicle under test in lane 0 at 25 m/s with a lead 60 m ahead at
///   25 m/s; a background vehicle in lane 1 whose rear is 5 m ahead of its front, at 23 m/s;
///   one more in lane 1 40 m behind at 25 m/s; 15 steps.
/// - overtaking: 2 lanes; the vehicle under test in lane 0 at 28 m/s, 30 m behind a slower
///   lead (20 m/s); three background vehicles in lane 1 at 26, 27 and 25 m/s, at 20 m behind,
///   30 m ahead and 80 m ahead; 20 steps.
ScenarioSetup make_scenario(Scenario scenario);

/// NDE or NADE.
enum class Environment { nde, nade };
/// "nde" or "nade".
std::string_view to_string(Environment environment) noexcept;
/// Parses the names of to_string(). @throw sampo::invalid_argument.
Environment environment_from_string(std::string_view name);

/// Everything a batch of tests depends on.
struct TestOptions {
  Scenario scenario = Scenario::car_following;
  int steps = 0;  ///< decisions per test, >= 0; 0: the scenario's horizon
  DriverParameters cav;  ///< the vehicle under test (defaults = the "normal" preset)
  SurrogateParameters surrogate;
  ParametricNaturalisticOptions naturalistic;  ///< used when `model` is null
  /// A naturalistic model to use instead of the parametric default (e.g. TableNaturalistic).
  std::shared_ptr<const NaturalisticModel> model;
  Environment environment = Environment::nde;
  double epsilon = 0.1;                ///< NADE's defensive share ε, in (0, 1]
  double criticality_threshold = 0.0;  ///< a step is critical when the largest criticality exceeds it (>= 0)
  double candidate_range = 120.0;      ///< m, > 0: background vehicles this close (and within one lane) are candidates
  int max_candidates = 8;              ///< >= 1: the nearest this many candidates are evaluated
  SimulatorOptions simulator;
  std::uint64_t seed = 0;
  /// NADE: more surrogate models to evaluate at every critical step, for the controlled vehicle
  /// only (they do not change what is sampled, only what is recorded): each gives the value
  /// V_s of the sampled action and its naturalistic mean Σ_u p(u)·V_s(u)
  /// (TestRecord::surrogate_values / surrogate_means), logged as surrogate column `name`
  /// after NADE's own `sm` (test_log.hpp) for the multi-surrogate estimator. At most 16; names
  /// unique, not "sm", made of letters, digits, '_', '-', '.'. Empty by default.
  std::vector<NamedSurrogate> logged_surrogates;

  /// @throw sampo::invalid_argument naming @p function and the field (every nested struct too).
  void validate(std::string_view function) const;
};

/// One critical step of a NADE test (the sparse "critical variables" of the estimators).
struct CriticalStep {
  int step = 0;        ///< decision index within the test, 0-based
  int ordinal = 0;     ///< j: this is the test's j-th critical step, 0-based
  int vehicle = 0;     ///< the controlled background vehicle
  int action = 0;      ///< the action it took (action.hpp)
  double p = 0.0;      ///< its naturalistic probability p_j
  double q = 0.0;      ///< its importance probability q_j (the weight factor is p_j / q_j)
  double epsilon = 0.0;         ///< ε used at this step
  double surrogate_value = 0.0; ///< the surrogate's crash probability-to-go after the action
  double criticality = 0.0;     ///< the vehicle's criticality Σ_u p(u)·V_SM(u)
};

/// The outcome of one test.
struct TestRecord {
  std::uint64_t index = 0;  ///< the test index n
  bool crash = false;       ///< the vehicle under test collided
  /// The first collision ends the test: with the vehicle under test, the other vehicle;
  /// between two background vehicles (Y = 0), the lower index of the pair; -1: none.
  int collision_partner = -1;
  int collision_step = -1;     ///< step of that collision, -1: none
  int steps = 0;               ///< decisions simulated
  int cav_lane_changes = 0;    ///< lane changes the vehicle under test made (MOBIL)
  double likelihood_ratio = 1.0;  ///< Π_j p_j/q_j over the critical steps (1 under NDE)
  std::vector<CriticalStep> critical;  ///< NADE's critical steps in step order (empty under NDE)
  /// TestOptions::logged_surrogates at each critical step: entry j·m + s (m surrogates) is
  /// surrogate s's V_s of the sampled action at critical step j (empty without them).
  std::vector<double> surrogate_values;
  /// Same layout: surrogate s's naturalistic mean Σ_u p(u)·V_s(u) at critical step j.
  std::vector<double> surrogate_means;

  /// Y = crash × likelihood ratio.
  [[nodiscard]] double result() const noexcept { return crash ? likelihood_ratio : 0.0; }
};

/// Runs tests of one configuration, reusing its preallocated state between tests.
/// Not thread-safe: use one TestRunner per thread.
class TestRunner {
 public:
  /// @throw sampo::invalid_argument if @p options is invalid.
  explicit TestRunner(const TestOptions& options);
  ~TestRunner();
  TestRunner(TestRunner&&) noexcept;
  TestRunner& operator=(TestRunner&&) noexcept;

  /// Test number @p index (a pure function of the options and index).
  TestRecord run(std::uint64_t index);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// run() of a fresh TestRunner.
TestRecord run_test(const TestOptions& options, std::uint64_t index);

/// A batch of tests.
struct BatchResult {
  std::vector<TestRecord> tests;  ///< test n at position n
  double estimate = 0.0;          ///< mean of the results Y
  double standard_error = 0.0;    ///< sample standard deviation of Y / sqrt(n) (0 when n = 1)
  std::size_t crashes = 0;        ///< tests whose vehicle under test collided
  sampo::Run run;                 ///< evaluations = tests run, seconds
};

/// Runs tests 0 .. n − 1 on sampo::parallel threads: blocks of @p parallel.block_size
/// consecutive tests, one TestRunner per block, blocks handed to threads one at a time
/// (`parallel.progress`, if set, advances by one per block). Not split over MPI ranks (for that,
/// run_test_log in test_log.hpp).
/// The result is bit-identical for any thread count and block size.
/// @throw sampo::invalid_argument if n == 0 or the options are invalid.
BatchResult run_tests(const TestOptions& options, std::size_t n,
                      const parallel::MapReduceOptions& parallel = {});

}  // namespace sampo::cav

// Benchmarks of sampo::cav: the simulator step alone, whole NDE and NADE tests per scenario
// (vehicle-steps per second; the NADE look-ahead is the cost to watch) and the exact DP.
// Build with -DSAMPO_BUILD_BENCHMARKS=ON; run build/bin/bench_cav. Results: docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "sampo/cav.hpp"

namespace cav = sampo::cav;

namespace {
// Vehicle-steps as items; "s/veh-step" is the CPU time per vehicle-step (printed with an SI
// prefix: 250n = 250 ns).
void report(benchmark::State& state, double vehicle_steps) {
  state.SetItemsProcessed(static_cast<std::int64_t>(vehicle_steps));
  state.counters["s/veh-step"] =
      benchmark::Counter(vehicle_steps, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
}  // namespace

// Traffic::advance alone: n vehicles on 4 lanes, constant commands, 10 collision checks per step.
static void BM_traffic_advance(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  cav::RoadGeometry road;
  road.lanes = 4;
  std::vector<cav::Vehicle> vehicles;
  for (std::size_t i = 0; i < n; ++i)
    vehicles.push_back({30.0 * static_cast<double>(i / 4), 25.0, static_cast<int>(i % 4), 5.0});
  cav::Traffic traffic(road, vehicles);
  std::vector<cav::Command> commands(n, cav::Command{0.0, 0});
  const cav::SimulatorOptions sim;
  double vehicle_steps = 0.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(traffic.advance(commands, sim));
    vehicle_steps += static_cast<double>(n);
  }
  report(state, vehicle_steps);
}
BENCHMARK(BM_traffic_advance)->Arg(4)->Arg(16)->Arg(64);

// Whole tests: decisions (IDM/MOBIL, naturalistic pmfs, sampling, NADE criticality) + steps.
static void run_tests_bench(benchmark::State& state, cav::Scenario scenario, cav::Environment env) {
  cav::TestOptions o;
  o.scenario = scenario;
  o.environment = env;
  o.seed = 1;
  cav::TestRunner runner(o);
  const double vehicles = static_cast<double>(cav::make_scenario(scenario).vehicles.size());
  double vehicle_steps = 0.0;
  std::uint64_t i = 0;
  for (auto _ : state) {
    const cav::TestRecord r = runner.run(i++);
    vehicle_steps += vehicles * r.steps;
    benchmark::DoNotOptimize(r.likelihood_ratio);
  }
  report(state, vehicle_steps);
}
BENCHMARK_CAPTURE(run_tests_bench, nde_car_following, cav::Scenario::car_following, cav::Environment::nde);
BENCHMARK_CAPTURE(run_tests_bench, nde_cut_in, cav::Scenario::cut_in, cav::Environment::nde);
BENCHMARK_CAPTURE(run_tests_bench, nde_overtaking, cav::Scenario::overtaking, cav::Environment::nde);
BENCHMARK_CAPTURE(run_tests_bench, nade_car_following, cav::Scenario::car_following, cav::Environment::nade);
BENCHMARK_CAPTURE(run_tests_bench, nade_cut_in, cav::Scenario::cut_in, cav::Environment::nade);
BENCHMARK_CAPTURE(run_tests_bench, nade_overtaking, cav::Scenario::overtaking, cav::Environment::nade);

// A batch through run_tests on 1 or 2 threads (wall time: the figure that threads change).
static void BM_run_tests_threads(benchmark::State& state) {
  cav::TestOptions o;
  o.scenario = cav::Scenario::cut_in;
  o.environment = state.range(1) == 0 ? cav::Environment::nde : cav::Environment::nade;
  const std::size_t n = o.environment == cav::Environment::nde ? 4000 : 400;
  sampo::parallel::MapReduceOptions par;
  par.threads = static_cast<int>(state.range(0));
  par.block_size = 16;
  double vehicle_steps = 0.0;
  for (auto _ : state) {
    const auto r = cav::run_tests(o, n, par);
    for (const auto& t : r.tests) vehicle_steps += 4.0 * t.steps;
  }
  report(state, vehicle_steps);
}
BENCHMARK(BM_run_tests_threads)->Args({1, 0})->Args({2, 0})->Args({1, 1})->Args({2, 1})->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The exact benchmark's construction: four backward DPs over 15 × 80 × 36² states.
static void BM_exact_car_following(benchmark::State& state) {
  for (auto _ : state) {
    const cav::ExactCarFollowing dp;
    benchmark::DoNotOptimize(dp.crash_probability());
  }
}
BENCHMARK(BM_exact_car_following)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

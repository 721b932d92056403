// Benchmarks of sampo::mc: estimator throughput (tests per second) on a synthetic sequential
// log of 10^6 tests with 1-4 critical steps each, at 1 and 2 threads, against reading the same
// log from CSV and NPY. Build with -DSAMPO_BUILD_BENCHMARKS=ON; run build/bin/bench_mc.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>

#include "sampo/mc.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace mc = sampo::mc;

namespace {

/// n tests; test i: 1 + (draw mod 4) critical steps, action "up" with q = 0.5 against p = 0.1,
/// one feature and one surrogate; Y = 1 when every step went up.
const mc::TestLog& log_of(std::size_t n) {
  static std::size_t cached_n = 0;
  static mc::TestLog cached;
  if (cached_n == n) return cached;
  mc::TestLogSchema schema;
  schema.features = {"level"};
  schema.surrogates = {"sm"};
  mc::TestLogBuilder b(schema);
  for (std::size_t i = 0; i < n; ++i) {
    sampo::parallel::RandomStream rs(1, 0, i);
    const std::uint64_t k = 1 + rs.uniform_int(4);
    bool all_up = true;
    for (std::uint64_t j = 0; j < k; ++j) {
      const bool up = rs.uniform() < 0.5;
      all_up = all_up && up;
      const double feature = double(j), value = up ? 0.3 : 0.01, mean = 0.1 * 0.3 + 0.9 * 0.01;
      b.step(up ? 0.1 : 0.9, 0.5, std::int64_t(j), 0.2, {&feature, 1}, {&value, 1}, {&mean, 1});
    }
    b.end_test(all_up ? 1.0 : 0.0);
  }
  cached = std::move(b).finish();
  cached_n = n;
  return cached;
}

constexpr std::size_t kTests = 1'000'000;

template <class F>
void run(benchmark::State& state, F&& estimate) {
  const mc::TestLog& log = log_of(kTests);
  for (auto _ : state) benchmark::DoNotOptimize(estimate(log, int(state.range(0))));
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(kTests));
}

}  // namespace

static void BM_importance_sampling(benchmark::State& state) {
  run(state, [](const mc::TestLog& log, int threads) {
    mc::ImportanceSamplingOptions o;
    o.threads = threads;
    return mc::importance_sampling(log, o).estimate;
  });
}
BENCHMARK(BM_importance_sampling)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

static void BM_scv(benchmark::State& state) {
  run(state, [](const mc::TestLog& log, int threads) {
    mc::SparseControlVariateOptions o;
    o.threads = threads;
    o.order = 2;
    return mc::sparse_control_variates(log, o).estimate;
  });
}
BENCHMARK(BM_scv)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

static void BM_scv_stratified(benchmark::State& state) {
  run(state, [](const mc::TestLog& log, int threads) {
    mc::SparseControlVariateOptions o;
    o.threads = threads;
    o.stratification = mc::Stratification::by_critical_count;
    o.folds = 1;
    return mc::sparse_control_variates(log, o).estimate;
  });
}
BENCHMARK(BM_scv_stratified)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

static void BM_multi_surrogate(benchmark::State& state) {
  run(state, [](const mc::TestLog& log, int threads) {
    mc::MultiSurrogateOptions o;
    o.threads = threads;
    return mc::multi_surrogate(log, o).estimate;
  });
}
BENCHMARK(BM_multi_surrogate)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

static void BM_read_csv(benchmark::State& state) {
  const auto path = std::filesystem::temp_directory_path() / "sampo_bench_mc_log.csv";
  mc::write_test_log_csv(path, log_of(kTests));
  for (auto _ : state) benchmark::DoNotOptimize(mc::read_test_log_csv(path).tests());
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(kTests));
  std::filesystem::remove(path);
}
BENCHMARK(BM_read_csv)->Unit(benchmark::kMillisecond);

static void BM_read_npy(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / "sampo_bench_mc_log";
  mc::write_test_log_npy(dir, log_of(kTests));
  for (auto _ : state) benchmark::DoNotOptimize(mc::read_test_log_npy(dir).tests());
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(kTests));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_read_npy)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

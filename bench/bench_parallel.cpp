// Benchmarks of sampo::parallel: Philox draws per second and the per-element overhead of
// map_reduce. Build with -DSAMPO_BUILD_BENCHMARKS=ON; run build/bin/bench_parallel.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "sampo/parallel.hpp"

namespace par = sampo::parallel;

static void BM_next_u64(benchmark::State& state) {
  par::RandomStream s(1, 0, 0);
  for (auto _ : state) benchmark::DoNotOptimize(s.next_u64());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_next_u64);

static void BM_uniform(benchmark::State& state) {
  par::RandomStream s(1, 0, 0);
  for (auto _ : state) benchmark::DoNotOptimize(s.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_uniform);

static void BM_normal(benchmark::State& state) {
  par::RandomStream s(1, 0, 0);
  for (auto _ : state) benchmark::DoNotOptimize(s.normal());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_normal);

// The per-sample pattern of a batch study: a fresh stream per index, one normal from it.
static void BM_stream_per_sample_normal(benchmark::State& state) {
  std::uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(par::RandomStream(1, 0, i++).normal());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_stream_per_sample_normal);

// map_reduce of a trivial fn (the index as a double): time per element is the runner's
// overhead (block bookkeeping, type-erased call per block, final fold). Arg = threads.
static void BM_map_reduce_trivial(benchmark::State& state) {
  const std::size_t n = 1 << 22;
  par::MapReduceOptions opt;
  opt.threads = static_cast<int>(state.range(0));
  opt.use_mpi = false;
  for (auto _ : state)
    benchmark::DoNotOptimize(par::map_reduce(
        n, [](std::size_t i) { return static_cast<double>(i); },
        [](double a, double b) { return a + b; }, opt));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_map_reduce_trivial)->Arg(1)->Arg(2)->UseRealTime();

// The same loop written by hand, serial: the floor map_reduce's overhead is measured against.
static void BM_plain_loop_trivial(benchmark::State& state) {
  const std::size_t n = 1 << 22;
  for (auto _ : state) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(i);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_plain_loop_trivial);

// map_reduce of a Philox normal per index (one stream per sample). Arg = threads.
static void BM_map_reduce_normals(benchmark::State& state) {
  const std::size_t n = 1 << 20;
  par::MapReduceOptions opt;
  opt.threads = static_cast<int>(state.range(0));
  opt.use_mpi = false;
  for (auto _ : state)
    benchmark::DoNotOptimize(par::map_reduce(
        n, [](std::size_t i) { return par::RandomStream(1, 0, i).normal(); },
        [](double a, double b) { return a + b; }, opt));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_map_reduce_normals)->Arg(1)->Arg(2)->UseRealTime();

BENCHMARK_MAIN();

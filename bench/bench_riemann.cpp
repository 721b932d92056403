// Benchmarks of sampo::riemann (Google Benchmark), sized as issue 4's comparison with pyRiemann:
//  - Riemannian mean of 500 SPD matrices of 22 x 22 and 64 x 64 (pyRiemann defaults: tol 1e-8,
//    50 iterations);
//  - MDM fit + predict on 200 + 200 matrices of 22 x 22, 2 classes;
//  - augmented covariances (order 4, lag 2) of 200 trials of 22 x 1001 samples.
// Run:  build/bin/bench_riemann --benchmark_min_time=0.2   (OMP_NUM_THREADS sets the threads)
// Data: fixed seeds (sampo/testing/fixtures.hpp), generated once, outside the timed loops.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <vector>

#include "sampo/parallel/random_stream.hpp"
#include "sampo/riemann.hpp"
#include "sampo/testing/fixtures.hpp"

namespace {

/// n sample covariances of n-channel white noise mixed by a class-dependent matrix.
std::vector<Eigen::MatrixXd> covs(int count, Eigen::Index n, unsigned seed, double boost = 0.0) {
  sampo::parallel::RandomStream gen(seed, 0);
  Eigen::MatrixXd mix = Eigen::MatrixXd::Identity(n, n) + 0.2 * gen.normal_matrix(n, n);
  mix.col(0) *= 1.0 + boost;
  std::vector<Eigen::MatrixXd> out;
  for (int k = 0; k < count; ++k)
    out.push_back(sampo::learn::sample_covariance(mix * gen.normal_matrix(n, 4 * n)));
  return out;
}

void BM_mean_riemann(benchmark::State& state) {
  const auto xs = covs(500, state.range(0), 1);
  for (auto _ : state) benchmark::DoNotOptimize(sampo::riemann::mean_riemann(xs).mean.data());
}
BENCHMARK(BM_mean_riemann)->Arg(22)->Arg(64)->Unit(benchmark::kMillisecond);

void BM_mdm_fit_predict(benchmark::State& state) {
  auto a = covs(100, 22, 2), b = covs(100, 22, 3, 1.0);
  std::vector<Eigen::MatrixXd> xs = a;
  xs.insert(xs.end(), b.begin(), b.end());
  std::vector<int> y(200, 0);
  std::fill(y.begin() + 100, y.end(), 1);
  for (auto _ : state) {
    sampo::riemann::Mdm mdm;
    mdm.fit(xs, y);
    benchmark::DoNotOptimize(mdm.predict(xs).data());
  }
}
BENCHMARK(BM_mdm_fit_predict)->Unit(benchmark::kMillisecond);

void BM_augmented_covariances(benchmark::State& state) {
  std::vector<Eigen::MatrixXd> trials;
  for (int k = 0; k < 200; ++k) trials.push_back(sampo::testing::normal_matrix(22, 1001, 4, 0, k));
  for (auto _ : state)
    benchmark::DoNotOptimize(sampo::riemann::augmented_covariances(trials, 4, 2).data());
}
BENCHMARK(BM_augmented_covariances)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

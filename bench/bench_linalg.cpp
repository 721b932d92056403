// Benchmarks of sampo::linalg's hot paths (Google Benchmark):
//  - spd_log of 22 x 22 and 64 x 64 SPD matrices (the riemann module's mean/tangent-space
//    loops over hundreds of such matrices);
//  - exact leverage scores of a dense 10^6 x 100 matrix by the Gram and the QR routes, and the
//    Gram product AᵀA alone (sampo's blocked rank-k update and Eigen's general product), so
//    that gram-route / gram-product can be read off.
// Run:  build/bin/bench_linalg --benchmark_min_time=0.2
// Data: fixed seeds (sampo/testing/fixtures.hpp), generated once, outside the timed loops.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <cstdint>

#include "sampo/linalg/leverage.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/linalg/symmetric.hpp"
#include "sampo/testing/fixtures.hpp"

namespace {

Eigen::MatrixXd uniform_matrix(Eigen::Index n, Eigen::Index p, std::uint64_t seed) {
  return sampo::testing::uniform_matrix(n, p, seed, 0);
}

/// A random SPD matrix with condition number about 1e3 (a regularized sample covariance).
Eigen::MatrixXd spd_matrix(Eigen::Index n, std::uint64_t seed) {
  const Eigen::MatrixXd x = uniform_matrix(4 * n, n, seed);
  Eigen::MatrixXd c = x.transpose() * x / static_cast<double>(4 * n);
  c.diagonal().array() += 1e-3;
  return 0.5 * (c + c.transpose());
}

const Eigen::MatrixXd& tall() {
  static const Eigen::MatrixXd a = uniform_matrix(1'000'000, 100, 20240601);
  return a;
}

void BM_spd_log(benchmark::State& state) {
  const Eigen::MatrixXd a = spd_matrix(state.range(0), 7);
  for (auto _ : state) benchmark::DoNotOptimize(sampo::linalg::spd_log(a));
}
BENCHMARK(BM_spd_log)->Arg(22)->Arg(64)->Unit(benchmark::kMicrosecond);

void BM_spd_sqrt_and_invsqrt_one_decomposition(benchmark::State& state) {
  const Eigen::MatrixXd a = spd_matrix(state.range(0), 8);
  for (auto _ : state) {
    const auto e = sampo::linalg::spd_eigen(a);
    benchmark::DoNotOptimize(sampo::linalg::spd_sqrt(e));
    benchmark::DoNotOptimize(sampo::linalg::spd_invsqrt(e));
  }
}
BENCHMARK(BM_spd_sqrt_and_invsqrt_one_decomposition)->Arg(22)->Arg(64)->Unit(benchmark::kMicrosecond);

void BM_gram_product_sampo(benchmark::State& state) {
  const auto& a = tall();
  for (auto _ : state) benchmark::DoNotOptimize(sampo::linalg::gram(a));
}
BENCHMARK(BM_gram_product_sampo)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_gram_product_eigen_gemm(benchmark::State& state) {
  const auto& a = tall();
  Eigen::MatrixXd g(a.cols(), a.cols());
  for (auto _ : state) {
    g.noalias() = a.transpose() * a;
    benchmark::DoNotOptimize(g.data());
  }
}
BENCHMARK(BM_gram_product_eigen_gemm)->Unit(benchmark::kMillisecond)->UseRealTime();

void leverage(benchmark::State& state, sampo::linalg::LeverageMethod m) {
  const auto& a = tall();
  sampo::linalg::LeverageOptions o;
  o.method = m;
  for (auto _ : state) benchmark::DoNotOptimize(sampo::linalg::leverage_scores(a, o).scores.data());
}
void BM_leverage_gram(benchmark::State& state) { leverage(state, sampo::linalg::LeverageMethod::gram); }
void BM_leverage_qr(benchmark::State& state) { leverage(state, sampo::linalg::LeverageMethod::qr); }
void BM_leverage_automatic(benchmark::State& state) {
  leverage(state, sampo::linalg::LeverageMethod::automatic);
}
BENCHMARK(BM_leverage_gram)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_leverage_automatic)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_leverage_qr)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

// Benchmarks of sampo::sketch (Google Benchmark; results in docs/benchmarks.md):
//  - approximate leverage (CountSketch m = 4d rows, then JL k = 32) against exact leverage
//    (linalg::leverage_scores, Gram route) for dense n x d with d = 100, 500 and 1000, and for a
//    sparse A (10 non-zeros per row) against the exact route on its dense copy and the exact
//    sparse route (linalg::leverage_scores of the Eigen::SparseMatrix);
//  - ℓp Lewis weights for p = 1 and 3 (counter: fixed-point iterations to 1e-10);
//  - exact against approximate Lewis weights (each leverage step by CountSketch
//    m = 4d or 20d, JL k = 32 or 128) on the dense 2·10^5 x 100 matrix, p = 1 and 3
//    (counters: steps, measured max |log(w̃/w)|);
//  - exact against approximate ℓp sensitivities (embedding of 10d expected rows), 1 and 2
//    threads (SensitivityOptions::threads), on 1000 x 10 and the 10^4 x 20 (and the
//    2000 x 20 profiling case), and p = 1 by GLPK's simplex.
// Run:  OMP_NUM_THREADS=1 build/bin/bench_sketch   (and OMP_NUM_THREADS=2 for the leverage rows)
// Data: fixed seeds (sampo/testing/fixtures.hpp), generated once, outside the timed loops.
// The large cases run one iteration each (Iterations(1)): the VM is small and shared; the
// leverage cases report the process's CPU time (all threads) beside the wall time.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "sampo/linalg/leverage.hpp"
#include "sampo/parallel/random_stream.hpp"
#include "sampo/sketch.hpp"
#include "sampo/testing/fixtures.hpp"

namespace {
namespace sk = sampo::sketch;

/// Rows of the dense matrix for each d: n/d = 40 or more, ~160 MB at most.
Eigen::Index rows_for(Eigen::Index d) { return d <= 100 ? 200'000 : d <= 500 ? 40'000 : 20'000; }

const Eigen::MatrixXd& dense(Eigen::Index d) {
  static std::map<Eigen::Index, Eigen::MatrixXd> cache;
  auto it = cache.find(d);
  if (it == cache.end())
    it = cache.emplace(d, sampo::testing::normal_matrix(rows_for(d), d, 2029, 0)).first;
  return it->second;
}

/// n x 100 sparse matrix, 10 non-zeros per row in random columns (duplicates summed).
const Eigen::SparseMatrix<double>& sparse() {
  static const Eigen::SparseMatrix<double> s = [] {
    const Eigen::Index n = 1'000'000, d = 100;
    std::vector<Eigen::Triplet<double>> t;
    t.reserve(static_cast<std::size_t>(n) * 10);
    for (Eigen::Index i = 0; i < n; ++i) {
      sampo::parallel::RandomStream rs(2030, 0, static_cast<std::uint64_t>(i));
      for (int k = 0; k < 10; ++k)
        t.emplace_back(i, static_cast<Eigen::Index>(rs.uniform() * static_cast<double>(d)),
                       rs.normal());
    }
    Eigen::SparseMatrix<double> m(n, d);
    m.setFromTriplets(t.begin(), t.end());
    m.makeCompressed();
    return m;
  }();
  return s;
}

sk::ApproxLeverageOptions approx_options(Eigen::Index d) {
  sk::ApproxLeverageOptions o;
  o.sketch_rows = 4 * d;
  o.jl_dimension = 32;
  return o;
}

void BM_leverage_exact_gram(benchmark::State& state) {
  const auto& a = dense(state.range(0));
  sampo::linalg::LeverageOptions o;
  o.method = sampo::linalg::LeverageMethod::gram;
  for (auto _ : state) benchmark::DoNotOptimize(sampo::linalg::leverage_scores(a, o));
  state.counters["n"] = static_cast<double>(a.rows());
}
BENCHMARK(BM_leverage_exact_gram)->Arg(100)->Arg(500)->Arg(1000)->Iterations(1)
    ->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

void BM_leverage_approximate(benchmark::State& state) {
  const auto& a = dense(state.range(0));
  const auto o = approx_options(a.cols());
  double lo = 0, hi = 0;
  for (auto _ : state) {
    const auto r = sk::approximate_leverage_scores(a, o);
    lo = r.ratio_lower;
    hi = r.ratio_upper;
    benchmark::DoNotOptimize(r);
  }
  state.counters["n"] = static_cast<double>(a.rows());
  state.counters["stated_lo"] = lo;
  state.counters["stated_hi"] = hi;
}
BENCHMARK(BM_leverage_approximate)->Arg(100)->Arg(500)->Arg(1000)->Iterations(1)
    ->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

/// Measured ratio range τ̃/τ of the approximate scores (not timed; one run per d).
void BM_leverage_approximate_accuracy(benchmark::State& state) {
  const auto& a = dense(state.range(0));
  const Eigen::VectorXd tau = sampo::linalg::leverage_scores(a).scores;
  Eigen::VectorXd r;
  for (auto _ : state) r = sk::approximate_leverage_scores(a, approx_options(a.cols())).scores;
  const Eigen::ArrayXd q = r.array() / tau.array();
  state.counters["ratio_min"] = q.minCoeff();
  state.counters["ratio_max"] = q.maxCoeff();
}
BENCHMARK(BM_leverage_approximate_accuracy)->Arg(100)->Arg(1000)->Iterations(1)
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_leverage_sparse_exact_on_dense_copy(benchmark::State& state) {
  const Eigen::MatrixXd a = Eigen::MatrixXd(sparse());
  for (auto _ : state) benchmark::DoNotOptimize(sampo::linalg::leverage_scores(a));
  state.counters["nnz"] = static_cast<double>(sparse().nonZeros());
}
BENCHMARK(BM_leverage_sparse_exact_on_dense_copy)->Iterations(1)
    ->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

void BM_leverage_sparse_exact(benchmark::State& state) {
  const auto& a = sparse();
  for (auto _ : state) benchmark::DoNotOptimize(sampo::linalg::leverage_scores(a));
  state.counters["nnz"] = static_cast<double>(a.nonZeros());
}
BENCHMARK(BM_leverage_sparse_exact)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime()
    ->MeasureProcessCPUTime();

void BM_leverage_sparse_approximate(benchmark::State& state) {
  const auto& a = sparse();
  for (auto _ : state)
    benchmark::DoNotOptimize(sk::approximate_leverage_scores(a, approx_options(a.cols())));
  state.counters["nnz"] = static_cast<double>(a.nonZeros());
}
BENCHMARK(BM_leverage_sparse_approximate)->Iterations(1)
    ->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

void BM_lewis_weights(benchmark::State& state) {
  const double p = static_cast<double>(state.range(0));
  const Eigen::MatrixXd a = sampo::testing::normal_matrix(20'000, 20, 2031, 0);
  std::size_t iterations = 0;
  for (auto _ : state) {
    const auto r = sk::lewis_weights(a, p);
    iterations = r.run.iterations;
    benchmark::DoNotOptimize(r);
  }
  state.counters["iterations"] = static_cast<double>(iterations);
}
BENCHMARK(BM_lewis_weights)->Arg(1)->Arg(3)->Iterations(1)->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// Exact Lewis weights of dense(100), cached: the reference of the approximate ones.
const Eigen::VectorXd& exact_lewis(double p) {
  static std::map<double, Eigen::VectorXd> cache;
  auto it = cache.find(p);
  if (it == cache.end()) it = cache.emplace(p, sk::lewis_weights(dense(100), p).weights).first;
  return it->second;
}

/// args: p, approximate (0/1), JL dimension k of each step, CountSketch rows m/d. Dense
/// 2·10^5 x 100.
void BM_lewis_exact_vs_approximate(benchmark::State& state) {
  const double p = static_cast<double>(state.range(0));
  const bool approx = state.range(1) != 0;
  const auto& a = dense(100);
  Eigen::VectorXd w;
  std::size_t steps = 0;
  for (auto _ : state) {
    if (approx) {
      sk::ApproxLewisOptions o;
      o.leverage = approx_options(a.cols());
      o.leverage.jl_dimension = state.range(2);
      o.leverage.sketch_rows = state.range(3) * a.cols();
      const auto r = sk::approximate_lewis_weights(a, p, o);
      steps = r.run.evaluations;
      w = r.weights;
    } else {
      const auto r = sk::lewis_weights(a, p);
      steps = r.run.evaluations;
      w = r.weights;
    }
    benchmark::DoNotOptimize(w);
  }
  state.counters["steps"] = static_cast<double>(steps);
  if (approx)
    state.counters["max_log_err"] = (w.array() / exact_lewis(p).array()).log().abs().maxCoeff();
}
BENCHMARK(BM_lewis_exact_vs_approximate)->Args({1, 0, 0, 0})->Args({1, 1, 32, 4})
    ->Args({1, 1, 128, 4})->Args({1, 1, 32, 20})->Args({1, 1, 128, 20})->Args({3, 0, 0, 0})
    ->Args({3, 1, 32, 4})->Args({3, 1, 128, 4})->Args({3, 1, 32, 20})->Args({3, 1, 128, 20})
    ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

/// args: p, threads, embedding rows (0 = exact). n = 1000, d = 10 (see docs/benchmarks.md for
/// why not n = 10^4, d = 20).
void BM_sensitivities(benchmark::State& state) {
  const Eigen::MatrixXd a = sampo::testing::normal_matrix(1000, 10, 2032, 0);
  sk::SensitivityOptions o;
  o.threads = static_cast<int>(state.range(1));
  o.embedding_rows = state.range(2);
  double total = 0;
  for (auto _ : state) {
    const auto r = sk::lp_sensitivities(a, static_cast<double>(state.range(0)), o);
    total = r.total;
    benchmark::DoNotOptimize(r);
  }
  state.counters["total"] = total;
}
BENCHMARK(BM_sensitivities)
    ->ArgsProduct({{1, 3}, {1, 2}, {0, 100}})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// The size: n = 10^4, d = 20 (args as BM_sensitivities; approximate: 200 = 10d
/// expected embedding rows), and the 2000 x 20 case the exact solver was profiled on.
/// Counters: total (𝔖), Newton iterations per row.
void BM_sensitivities_n(benchmark::State& state, Eigen::Index n) {
  const Eigen::MatrixXd a = sampo::testing::normal_matrix(n, 20, 2033, 0);
  sk::SensitivityOptions o;
  o.threads = static_cast<int>(state.range(1));
  o.embedding_rows = state.range(2);
  double total = 0, per_row = 0;
  for (auto _ : state) {
    const auto r = sk::lp_sensitivities(a, static_cast<double>(state.range(0)), o);
    total = r.total;
    per_row = static_cast<double>(r.run.iterations) / static_cast<double>(n);
    benchmark::DoNotOptimize(r);
  }
  state.counters["total"] = total;
  state.counters["newton_per_row"] = per_row;
}
BENCHMARK_CAPTURE(BM_sensitivities_n, n10000, 10'000)
    ->ArgsProduct({{1, 3}, {1, 2}, {0, 200}})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_sensitivities_n, n2000, 2'000)
    ->ArgsProduct({{1, 3}, {1}, {0}})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// p = 1 by GLPK's simplex (SensitivityOptions::use_glpk); arg: threads.
void BM_sensitivities_p1_glpk(benchmark::State& state) {
  const Eigen::MatrixXd a = sampo::testing::normal_matrix(1000, 10, 2032, 0);
  sk::SensitivityOptions o;
  o.threads = static_cast<int>(state.range(0));
  o.use_glpk = true;
  double total = 0;
  for (auto _ : state) {
    const auto r = sk::lp_sensitivities(a, 1.0, o);
    total = r.total;
    benchmark::DoNotOptimize(r);
  }
  state.counters["total"] = total;
}
BENCHMARK(BM_sensitivities_p1_glpk)->Arg(1)->Arg(2)->Iterations(1)
    ->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

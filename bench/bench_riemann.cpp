// Benchmarks of sampo::riemann (Google Benchmark), sized as issue 4's comparison with pyRiemann:
//  - Riemannian mean of 500 SPD matrices of 22 x 22 and 64 x 64 (pyRiemann defaults: tol 1e-8,
//    50 iterations);
//  - MDM fit + predict on 200 + 200 matrices of 22 x 22, 2 classes;
//  - augmented covariances (order 4, lag 2) of 200 trials of 22 x 1001 samples;
//  - the roofline of the mean (docs/riemann.md, "Where the time goes (roofline)"): the speed
//    of its kernels on one thread in GFLOP/s (counter FLOP/s, nominal flop counts: 2n³ per
//    n x n product, 9n³ per eigendecomposition with vectors), the iterations of each mean, and
//    MDM fit + predict on 4 classes of 72 + 288 matrices of 22 x 22 (issue 16's shape).
// Run:  build/bin/bench_riemann --benchmark_min_time=0.2   (OMP_NUM_THREADS sets the threads)
// Data: fixed seeds (sampo/testing/fixtures.hpp), generated once, outside the timed loops.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <string>
#include <vector>

#include "sampo/core/check.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/linalg/symmetric.hpp"
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

/// Flops per benchmark iteration, reported as a rate (FLOP/s) over the measured time.
void count_flops(benchmark::State& state, double flops) {
  state.counters["FLOP/s"] = benchmark::Counter(
      flops, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

// Args: n, then the step rule (0: secant, the default; 1: pyRiemann's). Counters: the passes,
// ||J||_F at the start, and max |M - M*| / max |M*| against the mean converged to ||J|| <= 1e-13.
void BM_mean_riemann(benchmark::State& state) {
  const auto xs = covs(500, state.range(0), 1);
  sampo::riemann::MeanOptions o;
  o.step_rule = state.range(1) == 0 ? sampo::riemann::MeanStepRule::secant
                                    : sampo::riemann::MeanStepRule::pyriemann;
  std::size_t iterations = 0;
  Eigen::MatrixXd mean;
  for (auto _ : state) {
    const auto r = sampo::riemann::mean_riemann(xs, o);
    iterations = r.run.iterations;
    mean = r.mean;
    benchmark::DoNotOptimize(r.mean.data());
  }
  state.SetLabel(std::string(sampo::riemann::to_string(o.step_rule)));
  state.counters["iterations"] = static_cast<double>(iterations);
  sampo::riemann::MeanOptions first;  // ||J||_F at the start: one pass
  first.max_iterations = 1;
  state.counters["J0"] = sampo::riemann::mean_riemann(xs, first).gradient_norm;
  sampo::riemann::MeanOptions tight;
  tight.tolerance = 1e-13;
  const Eigen::MatrixXd converged = sampo::riemann::mean_riemann(xs, tight).mean;
  state.counters["rel_err"] =
      (mean - converged).cwiseAbs().maxCoeff() / converged.cwiseAbs().maxCoeff();
}
BENCHMARK(BM_mean_riemann)
    ->Args({22, 0})
    ->Args({22, 1})
    ->Args({64, 0})
    ->Args({64, 1})
    ->Unit(benchmark::kMillisecond);

// The same call with max_iterations = 0: the input checks and the Euclidean start alone, so that
// one iteration costs (BM_mean_riemann - this) / iterations.
void BM_mean_riemann_no_iteration(benchmark::State& state) {
  const auto xs = covs(500, state.range(0), 1);
  sampo::riemann::MeanOptions o;
  o.max_iterations = 0;
  for (auto _ : state) benchmark::DoNotOptimize(sampo::riemann::mean_riemann(xs, o).mean.data());
}
BENCHMARK(BM_mean_riemann_no_iteration)->Arg(22)->Arg(64)->Unit(benchmark::kMillisecond);

// One lever of issue 16 alone: the same mean started from the log-Euclidean mean
// (MeanOptions::init) instead of the Euclidean one; the time includes computing the start.
// Counters: the iterations, and max |M - M_default| / max |M_default| against the default run.
void BM_mean_riemann_logeuclid_start(benchmark::State& state) {
  const auto xs = covs(500, state.range(0), 1);
  const Eigen::MatrixXd reference = sampo::riemann::mean_riemann(xs).mean;
  std::size_t iterations = 0;
  double difference = 0.0;
  for (auto _ : state) {
    sampo::riemann::MeanOptions o;
    o.init = sampo::riemann::mean_logeuclid(xs);
    const auto r = sampo::riemann::mean_riemann(xs, o);
    iterations = r.run.iterations;
    difference = (r.mean - reference).cwiseAbs().maxCoeff() / reference.cwiseAbs().maxCoeff();
    benchmark::DoNotOptimize(r.mean.data());
  }
  state.counters["iterations"] = static_cast<double>(iterations);
  state.counters["rel_diff_vs_default"] = difference;
  sampo::riemann::MeanOptions first;  // ||J||_F at the start: one pass
  first.max_iterations = 1;
  first.init = sampo::riemann::mean_logeuclid(xs);
  state.counters["J0"] = sampo::riemann::mean_riemann(xs, first).gradient_norm;
}
BENCHMARK(BM_mean_riemann_logeuclid_start)->Arg(22)->Arg(64)->Unit(benchmark::kMillisecond);

// The log-Euclidean mean alone (the start above): checks, 500 logarithms and one exponential.
void BM_mean_logeuclid(benchmark::State& state) {
  const auto xs = covs(500, state.range(0), 1);
  for (auto _ : state) benchmark::DoNotOptimize(sampo::riemann::mean_logeuclid(xs).data());
}
BENCHMARK(BM_mean_logeuclid)->Arg(22)->Arg(64)->Unit(benchmark::kMillisecond);

// --- The roofline's kernels, one matrix at a time as the mean calls them.

/// A well-conditioned SPD matrix like the mean's inputs.
Eigen::MatrixXd one_cov(Eigen::Index n, unsigned seed) { return covs(1, n, seed)[0]; }

// Eigen's general product C = A B in this file, compiled for the baseline x86-64 (SSE2): what a
// program without sampo's AVX2 kernels gets. 2n³ flops.
void BM_gemm_eigen_baseline(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXd a = one_cov(n, 11), b = one_cov(n, 12);
  Eigen::MatrixXd c(n, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
  }
  count_flops(state, 2.0 * static_cast<double>(n * n * n));
}
BENCHMARK(BM_gemm_eigen_baseline)->Arg(22)->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond);

// sampo::linalg::congruence W A Wᵀ: two n x n products of Eigen's GEMM in the dispatched kernel
// (AVX2 + FMA where the processor has them), plus O(n²) checks, copies and symmetrization.
// 4n³ flops.
void BM_congruence(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXd w = one_cov(n, 13), a = one_cov(n, 14);
  for (auto _ : state) benchmark::DoNotOptimize(sampo::linalg::congruence(w, a).data());
  count_flops(state, 4.0 * static_cast<double>(n * n * n));
}
BENCHMARK(BM_congruence)->Arg(22)->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond);

// sampo::linalg::reconstruct V f(Λ) Vᵀ: one n x n product in the dispatched kernel. 2n³ flops.
void BM_reconstruct(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const auto e = sampo::linalg::spd_eigen(one_cov(n, 15));
  const Eigen::VectorXd f = e.values.array().log().matrix();
  for (auto _ : state) benchmark::DoNotOptimize(sampo::linalg::reconstruct(e, f).data());
  count_flops(state, 2.0 * static_cast<double>(n * n * n));
}
BENCHMARK(BM_reconstruct)->Arg(22)->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond);

// sampo::linalg::symmetric_eigen with vectors (Eigen's tridiagonalization + implicit symmetric
// QR in the dispatched kernel), counted at the textbook 9n³ flops.
// The SPD check of one input matrix, per matrix: Arg 0 = sampo::check_spd (symmetry, then one
// Cholesky of m − δI, which accepts these well-conditioned covariances), Arg 1 = the same
// symmetry check and the eigenvalues alone (Eigen, EigenvaluesOnly: how check_spd decided
// every matrix before the Cholesky shortcut).
void BM_check_spd(benchmark::State& state) {
  const auto xs = covs(64, state.range(0), 1);
  std::size_t k = 0;
  for (auto _ : state) {
    const Eigen::MatrixXd& x = xs[k++ % xs.size()];
    if (state.range(1) == 0) {
      sampo::check_spd("bench", "x", x);
    } else {
      sampo::check_symmetric("bench", "x", x, 1e-10);
      const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(x, Eigen::EigenvaluesOnly);
      sampo::check_spd_eigenvalues("bench", "x", es.eigenvalues());
    }
  }
  state.SetLabel(state.range(1) == 0 ? "check_spd" : "eigenvalues only (before)");
}
BENCHMARK(BM_check_spd)->Args({22, 0})->Args({22, 1})->Args({64, 0})->Args({64, 1})
    ->Unit(benchmark::kMicrosecond);

void BM_symmetric_eigen(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXd a = one_cov(n, 16);
  for (auto _ : state) benchmark::DoNotOptimize(sampo::linalg::symmetric_eigen(a).values.data());
  count_flops(state, 9.0 * static_cast<double>(n * n * n));
}
BENCHMARK(BM_symmetric_eigen)->Arg(22)->Arg(32)->Arg(64)->Unit(benchmark::kMicrosecond);

// The same decompositions, 8 matrices per call of symmetric_eigen_batch (the mean's block): the
// time is per call of 8; FLOP/s (at 9n³ per matrix) compares with BM_symmetric_eigen. Second
// argument 1: eigenvalues only (symmetric_eigenvalues_batch), at the same nominal flops.
void BM_symmetric_eigen_batch(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const bool values_only = state.range(1) == 1;
  std::vector<Eigen::MatrixXd> as;
  for (int i = 0; i < 8; ++i) as.push_back(one_cov(n, static_cast<unsigned>(16 + i)));
  for (auto _ : state) {
    if (values_only)
      benchmark::DoNotOptimize(sampo::linalg::symmetric_eigenvalues_batch(as).data());
    else
      benchmark::DoNotOptimize(sampo::linalg::symmetric_eigen_batch(as).data());
  }
  state.SetItemsProcessed(state.iterations() * 8);
  count_flops(state, 8.0 * 9.0 * static_cast<double>(n * n * n));
}
BENCHMARK(BM_symmetric_eigen_batch)
    ->Args({22, 0})
    ->Args({22, 1})
    ->Args({32, 0})
    ->Args({64, 0})
    ->Unit(benchmark::kMicrosecond);

// The mean's work per matrix per iteration: spd_log(congruence(M^{-1/2}, X)), 15n³ flops.
void BM_mean_step_per_matrix(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXd x = one_cov(n, 17);
  const Eigen::MatrixXd mm12 = sampo::linalg::spd_invsqrt(one_cov(n, 18));
  for (auto _ : state)
    benchmark::DoNotOptimize(sampo::linalg::spd_log(sampo::linalg::congruence(mm12, x)).data());
  count_flops(state, 15.0 * static_cast<double>(n * n * n));
}
BENCHMARK(BM_mean_step_per_matrix)->Arg(22)->Arg(64)->Unit(benchmark::kMicrosecond);

// One block of the Riemannian mean: linalg::weighted_log_sum of 8 matrices (congruence,
// eigendecomposition, logarithm, weighted sum), time per call of 8. Second argument: the
// whitening W (0: M^{-1/2}, full; 1: L⁻¹ of M = L Lᵀ, lower triangular).
void BM_weighted_log_sum_block(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  std::vector<Eigen::MatrixXd> xs;
  for (int i = 0; i < 8; ++i) xs.push_back(one_cov(n, static_cast<unsigned>(16 + i)));
  const std::vector<double> w(8, 1.0 / 8.0);
  const Eigen::MatrixXd m = one_cov(n, 18);
  const Eigen::MatrixXd wm =
      state.range(1) == 0
          ? Eigen::MatrixXd(sampo::linalg::spd_invsqrt(m))
          : Eigen::MatrixXd(m.llt().matrixL().solve(Eigen::MatrixXd::Identity(n, n)));
  for (auto _ : state)
    benchmark::DoNotOptimize(sampo::linalg::weighted_log_sum(xs, w, wm).data());
  state.SetItemsProcessed(state.iterations() * 8);
  count_flops(state, 8.0 * 15.0 * static_cast<double>(n * n * n));
}
BENCHMARK(BM_weighted_log_sum_block)
    ->Args({22, 0})
    ->Args({22, 1})
    ->Args({64, 0})
    ->Args({64, 1})
    ->Unit(benchmark::kMicrosecond);

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

// Issue 16's MDM shape: fit on 4 classes of 72 matrices of 22 x 22, predict 288 others.
void BM_mdm_fit_predict_4x72(benchmark::State& state) {
  std::vector<Eigen::MatrixXd> train, test;
  std::vector<int> y;
  for (int k = 0; k < 4; ++k) {
    const auto a = covs(72, 22, 20 + static_cast<unsigned>(k), 0.5 * k);
    const auto b = covs(72, 22, 30 + static_cast<unsigned>(k), 0.5 * k);
    train.insert(train.end(), a.begin(), a.end());
    test.insert(test.end(), b.begin(), b.end());
    y.insert(y.end(), 72, k);
  }
  std::size_t most = 0;  // the largest iteration count of the four class means
  for (int k = 0; k < 4; ++k) {
    const std::vector<Eigen::MatrixXd> members(train.begin() + 72 * k, train.begin() + 72 * (k + 1));
    most = std::max(most, sampo::riemann::mean_riemann(members).run.iterations);
  }
  for (auto _ : state) {
    sampo::riemann::Mdm mdm;
    mdm.fit(train, y);
    benchmark::DoNotOptimize(mdm.predict(test).data());
  }
  state.counters["mean_iterations_max"] = static_cast<double>(most);
}
BENCHMARK(BM_mdm_fit_predict_4x72)->Unit(benchmark::kMillisecond);

// MDM's predict work: Riemannian distances of 288 matrices of 22 x 22 to one mean (one Cholesky
// factor of the mean, then per matrix two triangular solves, 2n³, and the eigenvalues of the
// result, 4/3 n³ for the tridiagonalization: 10/3 n³ flops per distance).
void BM_distances_riemann(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const auto xs = covs(288, n, 40);
  const Eigen::MatrixXd ref = one_cov(n, 41);
  for (auto _ : state)
    benchmark::DoNotOptimize(
        sampo::riemann::distances(xs, ref, sampo::riemann::Metric::riemann).data());
  count_flops(state, 288.0 * 10.0 / 3.0 * static_cast<double>(n * n * n));
}
BENCHMARK(BM_distances_riemann)->Arg(22)->Unit(benchmark::kMicrosecond);

void BM_augmented_covariances(benchmark::State& state) {
  std::vector<Eigen::MatrixXd> trials;
  for (int k = 0; k < 200; ++k) trials.push_back(sampo::testing::normal_matrix(22, 1001, 4, 0, k));
  for (auto _ : state)
    benchmark::DoNotOptimize(sampo::riemann::augmented_covariances(trials, 4, 2).data());
}
BENCHMARK(BM_augmented_covariances)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

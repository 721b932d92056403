// The C++ side of bench/python_call_overhead.py (SAMPO_BUILD_BENCHMARKS=ON:
// build/bin/bench_python_calls): the same small calls on the same inputs as the Python script,
// so that the difference of the two times is what a call through the Python bindings adds
// (argument checks and conversions, the GIL release, the Ctrl-C guard, the result objects).
// Results: docs/benchmarks.md, "Per-call overhead of the Python bindings".
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "sampo/knots/expression.hpp"
#include "sampo/knots/fit.hpp"
#include "sampo/mc/gaussian_benchmark.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/mc/test_log.hpp"
#include "sampo/riemann/covariance.hpp"
#include "sampo/riemann/mdm.hpp"
#include "sampo/riemann/pipeline.hpp"

namespace {

// Trials the Python script builds with the same formula: n trials of c channels x t samples.
std::vector<Eigen::MatrixXd> trials(int n, int c, int t) {
  std::vector<Eigen::MatrixXd> out;
  for (int k = 0; k < n; ++k) {
    Eigen::MatrixXd x(c, t);
    for (int i = 0; i < c; ++i)
      for (int j = 0; j < t; ++j)
        x(i, j) = std::sin(0.37 * (k + 1) * (i + 1) * j + 0.1 * i) +
                  (1.0 + (k % 2) * (i == 0)) * std::cos(0.11 * j * (k % 3 + 1) + i);
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<int> labels(int n) {
  std::vector<int> y(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) y[static_cast<std::size_t>(k)] = k % 2;
  return y;
}

void BM_expression_scalar(benchmark::State& state) {
  const sampo::knots::Expression f("sin(x)*exp(-x)");
  double x = 0.5;
  for (auto _ : state) benchmark::DoNotOptimize(f(x));
}
BENCHMARK(BM_expression_scalar);

void BM_expression_array(benchmark::State& state) {  // 1000 points, as e(np.linspace(...))
  const sampo::knots::Expression f("sin(x)*exp(-x)");
  std::vector<double> x(1000), y(1000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 10.0 * static_cast<double>(i) / 999.0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = f(x[i]);
    benchmark::DoNotOptimize(y.data());
  }
}
BENCHMARK(BM_expression_array);

void BM_knots_fit_formula(benchmark::State& state) {
  sampo::knots::FitOptions o;
  o.rtol = 1e-6;
  o.atol = 1e-3;
  for (auto _ : state) {
    const sampo::knots::Expression f("sin(x)*exp(-x)");  // parsed per call, as from a str
    benchmark::DoNotOptimize(sampo::knots::fit(f, 0.0, 10.0, o));
  }
}
BENCHMARK(BM_knots_fit_formula);

void BM_test_log_per_step(benchmark::State& state) {  // 100 tests x 2 steps
  for (auto _ : state) {
    sampo::mc::TestLogBuilder b;
    for (int i = 0; i < 100; ++i) {
      b.step(0.1, 0.5, 0, 0.2);
      b.step(0.9, 0.5, 1, 0.2);
      b.end_test(i % 10 == 0 ? 1.0 : 0.0);
    }
    benchmark::DoNotOptimize(std::move(b).finish());
  }
}
BENCHMARK(BM_test_log_per_step);

void BM_gaussian_log(benchmark::State& state) {  // 100 tests
  sampo::mc::GaussianLimitStateOptions o;
  o.tests = 100;
  for (auto _ : state) benchmark::DoNotOptimize(sampo::mc::gaussian_limit_state_log(o));
}
BENCHMARK(BM_gaussian_log);

void BM_importance_sampling(benchmark::State& state) {  // the 100-test log above
  sampo::mc::GaussianLimitStateOptions g;
  g.tests = 100;
  const sampo::mc::TestLog log = sampo::mc::gaussian_limit_state_log(g);
  for (auto _ : state) benchmark::DoNotOptimize(sampo::mc::importance_sampling(log));
}
BENCHMARK(BM_importance_sampling);

void BM_mdm_fit(benchmark::State& state) {  // 20 covariances 4 x 4
  const auto covs = sampo::riemann::covariances(trials(20, 4, 64));
  const auto y = labels(20);
  std::size_t passes = 0;
  for (auto _ : state) {
    sampo::riemann::Mdm m;
    m.fit(covs, y);
    benchmark::DoNotOptimize(m.means());
    passes = m.mean_runs()[0].iterations * 100 + m.mean_runs()[1].iterations;
  }
  state.counters["passes"] = static_cast<double>(passes);  // 906: 9 and 6, as from Python
}
BENCHMARK(BM_mdm_fit);

void BM_pipeline_mdm_fit_predict(benchmark::State& state) {  // 20 trials 4 x 64
  const auto x = trials(20, 4, 64);
  const auto y = labels(20);
  for (auto _ : state) {
    sampo::riemann::Pipeline p;
    p.fit(x, y);
    benchmark::DoNotOptimize(p.predict(x));
  }
}
BENCHMARK(BM_pipeline_mdm_fit_predict);

}  // namespace

BENCHMARK_MAIN();

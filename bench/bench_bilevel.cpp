// Benchmarks of sampo::bilevel (Google Benchmark; results in docs/benchmarks.md, "bilevel"):
//  - time per outer iteration of each solver (bilevel::solve, check_curvature = false,
//    trace_every = 0, kIterations outer iterations per solve) on the quadratic problem
//    (make_benchmark("quadratic"), d = 100 and 1000, full batch) and on the UCI digits
//    hyper-cleaning task (batch 0 = full sums, and batch 64); BO-REP runs with
//    refine_epochs = 0, so its one-time initialization refinement is not spread over the
//    iterations (the other solvers have no such phase);
//  - the exact hypergradient of the ridge problem (RidgeHpoProblem::hypergradient), 1000
//    features, 2000 training and 2000 validation samples;
//  - oracle throughput (grad_y_g, hvp_yy_g) on the digits task over mini-batches of 64 and
//    512 samples and the full training set, with 1 and 2 OpenMP threads (samples per second).
// Every benchmark sets its OpenMP thread count itself (1 except the throughput rows), so the
// figures do not depend on OMP_NUM_THREADS.
//
// Run:     build-bench/bin/bench_bilevel [--digits=PATH] [Google Benchmark flags]
// Export:  build-bench/bin/bench_bilevel --export=DIR [--digits=PATH]
//          writes the quadratic problems' matrices, the digits task's standardized data, the
//          digits oracles at a fixed point and the iterates of short deterministic runs of
//          every solver, as .npy files, for bench/bilevel_numpy.py (the NumPy comparison).
// Digits:  data/digits/digits.csv of the source tree unless --digits says otherwise; the digits
//          rows are skipped (SkipWithError) when the file is absent.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sampo/bilevel/benchmarks.hpp"
#include "sampo/bilevel/problems.hpp"
#include "sampo/bilevel/solvers.hpp"
#include "sampo/io/npy.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace bl = sampo::bilevel;
namespace fs = std::filesystem;

namespace {

/// Outer iterations per solve (per benchmark iteration).
constexpr std::size_t kIterations = 20;
/// Outer iterations of the exported deterministic runs (the NumPy agreement check).
constexpr std::size_t kCheckIterations = 10;

fs::path g_digits = fs::path(SAMPO_SOURCE_DIR) / "data" / "digits" / "digits.csv";

/// The concatenation of @p parts (append(): GCC 12 warns falsely on `"literal" + std::string`).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (const std::string_view p : parts) s.append(p);
  return s;
}

/// Runs the enclosing scope with omp_set_num_threads(n), restoring the previous count.
struct Threads {
  int previous;
  explicit Threads(int n) : previous(omp_get_max_threads()) { omp_set_num_threads(n); }
  ~Threads() { omp_set_num_threads(previous); }
  Threads(const Threads&) = delete;
  Threads& operator=(const Threads&) = delete;
};

const bl::Benchmark& quadratic(Eigen::Index d) {
  static std::map<Eigen::Index, bl::Benchmark> cache;
  auto it = cache.find(d);
  if (it == cache.end()) {
    bl::BenchmarkOptions o;
    o.dim = d;
    it = cache.emplace(d, bl::make_benchmark("quadratic", o)).first;
  }
  return it->second;
}

/// The digits task (seed 0, half the training labels corrupted), or nullptr without the data.
const bl::Benchmark* digits() {
  static std::unique_ptr<bl::Benchmark> cached;
  static bool tried = false;
  if (!tried) {
    tried = true;
    if (fs::exists(g_digits)) {
      bl::BenchmarkOptions o;
      o.data = g_digits;
      cached = std::make_unique<bl::Benchmark>(bl::make_benchmark("hyperclean-digits", o));
    }
  }
  return cached.get();
}

/// Solver-specific settings of the timed runs (and of the exported runs).
std::vector<std::string> settings_of(const std::string& solver) {
  if (solver == "borep") return {"refine_epochs=0"};
  return {};
}

bl::SolverOptions common_options(std::size_t iterations, Eigen::Index batch) {
  bl::SolverOptions o;
  o.max_iterations = iterations;
  o.batch_size = batch;
  o.check_curvature = false;
  o.trace_every = 0;
  o.seed = 1;
  return o;
}

void time_solver(benchmark::State& state, const bl::Benchmark& b, const std::string& solver,
                 Eigen::Index batch) {
  const Threads one(1);
  const bl::SolverOptions o = common_options(kIterations, batch);
  const std::vector<std::string> settings = settings_of(solver);
  std::size_t calls = 0;
  for (auto _ : state) {
    const bl::BilevelResult r = bl::solve(*b.problem, b.x0, b.y0, solver, o, settings);
    if (r.run.iterations != kIterations) {
      state.SkipWithError(cat({"stopped early: ", r.run.message}).c_str());
      return;
    }
    calls = r.oracle_counts.total_calls();
    benchmark::DoNotOptimize(r.x.data());
  }
  // Seconds per outer iteration (the inverse of a rate of kIterations per benchmark iteration).
  state.counters["s_per_iter"] = benchmark::Counter(
      static_cast<double>(kIterations),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["oracle_calls_per_iter"] =
      static_cast<double>(calls) / static_cast<double>(kIterations);
}

void register_solvers() {
  for (const Eigen::Index d : {100, 1000}) {
    for (const std::string& s : bl::solver_names()) {
      const std::string name = cat({"solve/quadratic/d=", std::to_string(d), "/", s});
      benchmark::RegisterBenchmark(name.c_str(), [d, s](benchmark::State& st) {
        time_solver(st, quadratic(d), s, 0);
      })->Unit(benchmark::kMillisecond);
    }
  }
  for (const Eigen::Index batch : {0, 64}) {
    for (const std::string& s : bl::solver_names()) {
      const std::string name = cat({"solve/digits/batch=", std::to_string(batch), "/", s});
      benchmark::RegisterBenchmark(name.c_str(), [batch, s](benchmark::State& st) {
        const bl::Benchmark* b = digits();
        if (b == nullptr) {
          st.SkipWithError(cat({"digits data not found: ", g_digits.string()}).c_str());
          return;
        }
        time_solver(st, *b, s, batch);
      })->Unit(benchmark::kMillisecond);
    }
  }
}

void BM_ridge_hypergradient(benchmark::State& state) {
  const Threads one(1);
  bl::RidgeHpoOptions o;
  o.features = state.range(0);
  o.train_samples = o.val_samples = 2 * state.range(0);
  static std::map<Eigen::Index, std::unique_ptr<bl::RidgeHpoProblem>> cache;
  auto& p = cache[o.features];
  if (!p) p = std::make_unique<bl::RidgeHpoProblem>(bl::make_ridge_hpo(o));
  const Eigen::VectorXd lambda = sampo::parallel::RandomStream(3, 0).normal_vector(o.features);
  for (auto _ : state) benchmark::DoNotOptimize(p->hypergradient(lambda));
}

/// A fixed point of the digits task: λ, W and a direction V, N(0, 1) (W, V scaled by 0.1).
struct DigitsPoint {
  Eigen::VectorXd x, y, v;
};
DigitsPoint digits_point(const bl::Problem& p) {
  sampo::parallel::RandomStream rs(5, 0);
  return {rs.normal_vector(p.dim_x()), 0.1 * rs.normal_vector(p.dim_y()),
          0.1 * rs.normal_vector(p.dim_y())};
}

/// Arg 0: oracle (0 = grad_y_g, 1 = hvp_yy_g); arg 1: batch (0 = all training samples);
/// arg 2: OpenMP threads.
void BM_digits_oracle(benchmark::State& state) {
  const bl::Benchmark* b = digits();
  if (b == nullptr) {
    state.SkipWithError(cat({"digits data not found: ", g_digits.string()}).c_str());
    return;
  }
  const Threads threads(static_cast<int>(state.range(2)));
  const bl::Problem& p = *b->problem;
  const DigitsPoint pt = digits_point(p);
  std::vector<Eigen::Index> batch(static_cast<std::size_t>(state.range(1)));
  sampo::parallel::RandomStream rs(6, 0);
  for (auto& i : batch)
    i = static_cast<Eigen::Index>(rs.uniform_int(static_cast<std::uint64_t>(p.inner_samples())));
  Eigen::VectorXd out;
  const bool hvp = state.range(0) == 1;
  for (auto _ : state) {
    if (hvp)
      p.hvp_yy_g(pt.x, pt.y, pt.v, batch, out);
    else
      p.grad_y_g(pt.x, pt.y, batch, out);
    benchmark::DoNotOptimize(out.data());
  }
  const std::int64_t samples = batch.empty() ? p.inner_samples() : state.range(1);
  state.SetItemsProcessed(state.iterations() * samples);
  state.SetLabel(hvp ? "hvp_yy_g" : "grad_y_g");
}

// ---------------------------------------------------------------------------------------------
// --export=DIR

void write_quadratic(const fs::path& dir, Eigen::Index d) {
  const bl::Benchmark& b = quadratic(d);
  const auto& q = static_cast<const bl::QuadraticProblem&>(*b.problem).data();
  const std::string pre = cat({"quad", std::to_string(d), "_"});
  const auto m = [&](const char* n, const Eigen::MatrixXd& a) {
    sampo::io::write_npy_matrix(dir / (pre + n + ".npy"), a);
  };
  const auto v = [&](const char* n, const Eigen::VectorXd& a) {
    sampo::io::write_npy_vector(dir / (pre + n + ".npy"), a);
  };
  m("A", q.A);
  m("B", q.B);
  m("C", q.C);
  m("F", q.F);
  m("H", q.H);
  m("K", q.K);
  v("a", q.a);
  v("b", q.b);
  v("f0", q.f0);
  v("h", q.h);
}

/// Iterates (x, y) after kCheckIterations deterministic (full-batch) iterations of each solver.
void write_runs(const fs::path& dir, const std::string& prefix, const bl::Benchmark& b) {
  for (const std::string& s : bl::solver_names()) {
    const bl::BilevelResult r =
        bl::solve(*b.problem, b.x0, b.y0, s, common_options(kCheckIterations, 0), settings_of(s));
    sampo::io::write_npy_vector(dir / (prefix + s + "_x.npy"), r.x);
    sampo::io::write_npy_vector(dir / (prefix + s + "_y.npy"), r.y);
    std::printf("%s%s: %zu iterations, %s\n", prefix.c_str(), s.c_str(), r.run.iterations,
                r.oracle_counts.brief().c_str());
  }
}

int export_data(const fs::path& dir) {
  const Threads one(1);
  fs::create_directories(dir);
  for (const Eigen::Index d : {100, 1000}) {
    write_quadratic(dir, d);
    write_runs(dir, cat({"quad", std::to_string(d), "_run_"}), quadratic(d));
  }
  const bl::Benchmark* b = digits();
  if (b == nullptr) {
    std::printf("digits data not found (%s): digits files not written\n",
                g_digits.string().c_str());
    return 0;
  }
  const bl::HypercleanTask& t = *b->hyperclean;
  const auto ints = [](const std::vector<int>& l) {
    return std::vector<std::int64_t>(l.begin(), l.end());
  };
  sampo::io::write_npy_matrix(dir / "digits_xtr.npy", t.x_train);
  sampo::io::write_npy_matrix(dir / "digits_xval.npy", t.x_val);
  sampo::io::write_npy_int(dir / "digits_ltr.npy", ints(t.labels_train));
  sampo::io::write_npy_int(dir / "digits_lval.npy", ints(t.labels_val));
  sampo::io::write_npy_vector(dir / "digits_c.npy",
                              Eigen::VectorXd::Constant(1, t.problem.regularization()));
  const bl::Problem& p = *b->problem;
  const DigitsPoint pt = digits_point(p);
  sampo::io::write_npy_vector(dir / "digits_pt_x.npy", pt.x);
  sampo::io::write_npy_vector(dir / "digits_pt_y.npy", pt.y);
  sampo::io::write_npy_vector(dir / "digits_pt_v.npy", pt.v);
  Eigen::VectorXd out;
  p.grad_y_g(pt.x, pt.y, {}, out);
  sampo::io::write_npy_vector(dir / "digits_pt_grad_y_g.npy", out);
  p.hvp_yy_g(pt.x, pt.y, pt.v, {}, out);
  sampo::io::write_npy_vector(dir / "digits_pt_hvp_yy_g.npy", out);
  p.grad_y_f(pt.x, pt.y, {}, out);
  sampo::io::write_npy_vector(dir / "digits_pt_grad_y_f.npy", out);
  p.jvp_xy_g(pt.x, pt.y, pt.v, {}, out);
  sampo::io::write_npy_vector(dir / "digits_pt_jvp_xy_g.npy", out);
  p.grad_x_g(pt.x, pt.y, {}, out);
  sampo::io::write_npy_vector(dir / "digits_pt_grad_x_g.npy", out);
  write_runs(dir, "digits_run_", *b);
  return 0;
}

}  // namespace

BENCHMARK(BM_ridge_hypergradient)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_digits_oracle)
    ->ArgNames({"hvp", "batch", "threads"})
    ->ArgsProduct({{0, 1}, {64, 512, 0}, {1, 2}})
    ->UseRealTime();

int main(int argc, char** argv) {
  // Our own flags first (Google Benchmark rejects the ones it does not know).
  std::vector<char*> rest;
  std::string export_dir;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (i > 0 && a.rfind("--export=", 0) == 0)
      export_dir = a.substr(9);
    else if (i > 0 && a.rfind("--digits=", 0) == 0)
      g_digits = a.substr(9);
    else
      rest.push_back(argv[i]);
  }
  if (!export_dir.empty()) return export_data(export_dir);
  int n = static_cast<int>(rest.size());
  register_solvers();
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

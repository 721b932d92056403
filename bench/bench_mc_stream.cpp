// Streaming throughput of sampo::mc (docs/benchmarks.md): tests per second of the streaming
// estimators on a log of n tests (default 10^7) at 1 and 2 threads, merged over the MPI ranks
// when launched by mpiexec, and against reading the log alone from a CSV file.
//   build/bin/bench_mc_stream [n] [csv_tests]          (csv_tests = 0: skip the CSV part)
//   mpiexec -np 2 build/bin/bench_mc_stream [n] 0
// A plain program rather than a Google Benchmark one: the distributed run is collective.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "sampo/core/termination.hpp"
#include "sampo/mc.hpp"
#include "sampo/parallel.hpp"

namespace mc = sampo::mc;
namespace par = sampo::parallel;

namespace {

/// n tests without critical steps: u ~ U(0, 1); Y = 1{u < 10^-3}, L = 0.5 + u, control u − 1/2.
mc::TestLog flat_log(std::size_t n) {
  mc::TestLogSchema schema;
  schema.controls = {"u"};
  mc::TestLogBuilder b(schema);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = par::RandomStream(1, 0, i).uniform();
    const double h = u - 0.5;
    b.end_test(u < 1e-3 ? 1.0 : 0.0, 0.5 + u, {&h, 1});
  }
  return std::move(b).finish();
}

/// All ranks in step: a collective map_reduce of nothing (sampo has no bare barrier).
void barrier() {
  par::MapReduceOptions o;
  o.threads = 1;
  (void)par::map_reduce(
      std::size_t(std::max(1, par::mpi_size())), [](std::size_t) { return 0.0; },
      [](double a, double b) { return a + b; }, o);
}

/// Best of @p reps wall times of f() (all ranks in step: a barrier before each).
template <class F>
double best_seconds(int reps, F&& f) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    barrier();
    sampo::Stopwatch w;
    f();
    barrier();
    best = std::min(best, w.seconds());
  }
  return best;
}

void line(const char* what, std::size_t n, double seconds) {
  if (par::mpi_rank() == 0)
    std::printf("%-58s %12.3g tests/s  (%.3f s)\n", what, double(n) / seconds, seconds);
}

}  // namespace

int main(int argc, char** argv) {
  par::MpiSession session;
  const std::size_t n = argc > 1 ? std::size_t(std::atof(argv[1])) : 10'000'000;
  const std::size_t csv_tests = argc > 2 ? std::size_t(std::atof(argv[2])) : n;
  const int ranks = par::mpi_size();
  if (par::mpi_rank() == 0)
    std::printf("sampo bench_mc_stream: n = %zu tests, %d MPI rank(s)\n", n, ranks);
  const mc::TestLog log = flat_log(n);
  const int reps = 3;

  mc::StreamingOptions is;  // importance sampling, chunk 4096
  mc::StreamingOptions cv;
  cv.method = mc::StreamMethod::control_variates;
  cv.fold_coefficients = Eigen::MatrixXd::Constant(1, 1, 0.01);
  std::vector<double> control(n);
  for (std::size_t i = 0; i < n; ++i) control[i] = log.control(i, 0);
  auto from_log_cv = [&](std::size_t i, mc::StreamTest& t) {
    t.result = log.result(i);
    t.weight = log.weight(i);
    t.controls = {&control[i], 1};
  };
  auto is_fn = [&](std::size_t i, mc::StreamTest& t) {
    t.result = log.result(i);
    t.weight = log.weight(i);
  };

  double sink = 0;
  if (ranks == 1) {
    line("read the in-memory log alone (sum of Y·L, 1 thread)", n, best_seconds(reps, [&] {
           double s = 0;
           for (std::size_t i = 0; i < n; ++i) s += log.result(i) * log.weight(i);
           sink += s;
         }));
    line("StreamingEstimator::add, importance sampling, 1 thread", n,
         best_seconds(reps, [&] { sink += mc::stream_estimate(log, is).estimate; }));
    mc::ImportanceSamplingOptions mem;
    for (int threads : {1, 2}) {
      mem.threads = threads;
      const std::string what = "in-memory importance_sampling, " + std::to_string(threads) + " thread(s)";
      line(what.c_str(), n, best_seconds(reps, [&] { sink += mc::importance_sampling(log, mem).estimate; }));
    }
  }
  for (int threads : {1, 2}) {
    is.threads = cv.threads = threads;
    std::string what = "estimate_distributed, importance sampling, ";
    what.append(std::to_string(ranks)).append(" rank(s) x ").append(std::to_string(threads)).append(" thread(s)");
    line(what.c_str(), n, best_seconds(reps, [&] { sink += mc::estimate_distributed(n, is_fn, is).estimate; }));
    what = "estimate_distributed, control variates, ";
    what.append(std::to_string(ranks)).append(" rank(s) x ").append(std::to_string(threads)).append(" thread(s)");
    line(what.c_str(), n, best_seconds(reps, [&] { sink += mc::estimate_distributed(n, from_log_cv, cv).estimate; }));
  }

  if (ranks == 1 && csv_tests > 0) {
    const auto path = std::filesystem::temp_directory_path() / "sampo_bench_mc_stream.csv";
    mc::write_test_log_csv(path, csv_tests == n ? log : flat_log(csv_tests));
    std::printf("CSV log: %zu tests, %.0f MB\n", csv_tests,
                double(std::filesystem::file_size(path)) / 1e6);
    const double read = best_seconds(1, [&] {
      mc::TestLogCsvStream s(path);
      mc::TestLog batch;
      std::size_t tests = 0;
      while (s.next(batch)) tests += batch.tests();
      sink += double(tests);
    });
    line("read the CSV log alone (TestLogCsvStream)", csv_tests, read);
    mc::StreamFileOptions fo;
    const double is_s = best_seconds(1, [&] { sink += mc::stream_estimate_csv(path, fo).estimate; });
    line("stream_estimate_csv, importance sampling", csv_tests, is_s);
    fo.method = mc::StreamMethod::control_variates;
    const double cv_s = best_seconds(1, [&] { sink += mc::stream_estimate_csv(path, fo).estimate; });
    line("stream_estimate_csv, control variates (2 passes)", csv_tests, cv_s);
    std::printf("ratio to reading alone: importance sampling %.2f, control variates %.2f\n",
                is_s / read, cv_s / read);
    std::filesystem::remove(path);
  }
  if (par::mpi_rank() == 0) std::printf("(checksum %g)\n", sink);
  return 0;
}

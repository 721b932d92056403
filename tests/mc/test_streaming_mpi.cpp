// Run under an MPI launcher (ctest -L mpi: mpiexec -np 2, and -np 1): estimate_distributed
// must return, on every rank and for 1 and 2 threads, the bits of the single-process
// in-memory estimator.
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/mc/streaming.hpp"
#include "sampo/parallel.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

namespace par = sampo::parallel;
using namespace sampo::mc;

namespace {
void ensure_mpi() { static par::MpiSession session; }

// Test i: u from its own counter-based stream; Y = 1{u < 0.01}, L = 0.2 + u.
void make_test(std::size_t i, StreamTest& t) {
  const double u = par::RandomStream(23, 4, i).uniform();
  t.result = u < 0.01 ? 1.0 : 0.0;
  t.weight = 0.2 + u;
}
}  // namespace

TEST_CASE("estimate_distributed: the same bits on 1 and 2 ranks and 1 and 2 threads",
          "[mc][streaming][mpi]") {
  ensure_mpi();
  const std::size_t n = 100000;
  StreamingOptions o;
  o.chunk = 1000;  // 100 chunks, dealt round-robin over the ranks
  // The reference: the in-memory estimator on this process alone (no MPI involved).
  TestLogBuilder b;
  for (std::size_t i = 0; i < n; ++i) {
    StreamTest t;
    make_test(i, t);
    b.end_test(t.result, t.weight);
  }
  const TestLog log = std::move(b).finish();
  ImportanceSamplingOptions io;
  io.chunk = o.chunk;
  io.threads = 1;
  const ImportanceSamplingResult ref = importance_sampling(log, io);
  for (int threads : {1, 2}) {
    INFO("rank " << par::mpi_rank() << " of " << par::mpi_size() << ", " << threads
                 << " threads");
    const StreamingResult r =
        sampo::test::with_threads(threads, [&] { return estimate_distributed(n, make_test, o); });
    CHECK(r.n == n);
    CHECK(r.estimate == ref.estimate);
    CHECK(r.variance == ref.variance);
    CHECK(r.standard_error == ref.standard_error);
    CHECK(r.relative_half_width == ref.relative_half_width);
    CHECK(r.max_weight == ref.max_weight);
  }
}

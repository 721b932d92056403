#include "sampo/parallel/map_reduce.hpp"

#include <omp.h>

#include <Eigen/Dense>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/parallel/random_stream.hpp"
#include "sampo_test.hpp"

namespace par = sampo::parallel;
using par::RandomStream;

namespace {
constexpr std::uint64_t kSeed = 7;

// Sums of normals are rounding-sensitive: any change in the order of additions changes
// the last bits, so bit-identity across thread counts shows the order is fixed.
double normal_of(std::size_t i) { return RandomStream(kSeed, 0, i).normal(); }
double plus(double a, double b) { return a + b; }

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The documented order, written out: blocks of B in index order, then blocks in order.
double blocked_sum(std::size_t n, std::size_t block) {
  double total = 0;
  for (std::size_t lo = 0; lo < n; lo += block) {
    double partial = normal_of(lo);
    for (std::size_t i = lo + 1; i < std::min(n, lo + block); ++i) partial += normal_of(i);
    total = lo == 0 ? partial : total + partial;
  }
  return total;
}

struct Failure : std::runtime_error {
  explicit Failure(std::size_t i) : std::runtime_error("failure at " + std::to_string(i)), index(i) {}
  std::size_t index;
};
}  // namespace

TEST_CASE("map_reduce is bit-identical for 1, 2 and 4 threads", "[parallel][map_reduce]") {
  const std::size_t n = 100'003;  // not a multiple of the block size: a short last block
  par::MapReduceOptions opt;
  opt.threads = 1;
  const double one = par::map_reduce(n, normal_of, plus, opt);
  CHECK(same_bits(one, blocked_sum(n, opt.block_size)));
  // The test has teeth: another grouping of the same numbers changes the bits.
  CHECK_FALSE(same_bits(blocked_sum(n, 256), blocked_sum(n, 1000)));
  for (int threads : {2, 4, 0}) {
    opt.threads = threads;
    const double many = par::map_reduce(n, normal_of, plus, opt);
    INFO("threads = " << threads);
    CHECK(same_bits(many, one));
  }
  // The sum of n standard normals is N(0, n): a sanity check on the values, 5 sigma.
  CHECK(std::abs(one) < 5 * std::sqrt(static_cast<double>(n)));
  // A different block size is a different (equally valid) summation order: compare
  // with its own blocked reference.
  opt.block_size = 1000;
  opt.threads = 3;
  CHECK(same_bits(par::map_reduce(n, normal_of, plus, opt), blocked_sum(n, 1000)));
}

TEST_CASE("map_reduce with Eigen vector partials", "[parallel][map_reduce]") {
  auto draw = [](std::size_t i) { return RandomStream(kSeed, 1, i).normal_vector(3); };
  auto add = [](Eigen::VectorXd a, const Eigen::VectorXd& b) {
    a += b;
    return a;
  };
  par::MapReduceOptions opt;
  opt.block_size = 64;
  opt.threads = 1;
  const Eigen::VectorXd ref = par::map_reduce(5000, draw, add, opt);
  for (int threads : {2, 4}) {
    opt.threads = threads;
    const Eigen::VectorXd v = par::map_reduce(5000, draw, add, opt);
    REQUIRE(v.size() == 3);
    CHECK(std::memcmp(v.data(), ref.data(), 3 * sizeof(double)) == 0);
  }
}

TEST_CASE("map_reduce combines in index order, also for a non-commutative reduce",
          "[parallel][map_reduce]") {
  auto single = [](std::size_t i) { return std::vector<std::size_t>{i}; };
  auto concat = [](std::vector<std::size_t> a, const std::vector<std::size_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  par::MapReduceOptions opt;
  opt.block_size = 7;
  opt.threads = 4;
  const auto order = par::map_reduce(1000, single, concat, opt);
  REQUIRE(order.size() == 1000);
  for (std::size_t i = 0; i < order.size(); ++i) REQUIRE(order[i] == i);

  // Exact integer sums agree with the closed form for any layout, including n < block.
  auto id = [](std::size_t i) { return static_cast<std::uint64_t>(i); };
  auto add = [](std::uint64_t a, std::uint64_t b) { return a + b; };
  for (std::size_t n : {1, 5, 256, 257, 12345}) {
    opt.block_size = 256;
    CHECK(par::map_reduce(n, id, add, opt) == n * (n - 1) / 2);
  }
}

TEST_CASE("map_reduce_partial reports a complete run", "[parallel][map_reduce]") {
  par::MapReduceOptions opt;
  opt.block_size = 100;
  const auto r = par::map_reduce_partial(1050, normal_of, plus, opt);
  REQUIRE(r.value.has_value());
  CHECK_FALSE(r.cancelled());
  CHECK(r.run.converged());
  CHECK(r.count == 1050);
  CHECK(r.blocks == 11);
  CHECK(r.run.iterations == 11);
  CHECK(r.run.evaluations == 1050);
  CHECK(r.run.message.find("reduced 1050 indices in 11 blocks") != std::string::npos);
  CHECK(same_bits(*r.value, blocked_sum(1050, 100)));
}

TEST_CASE("exceptions from fn reach the caller: the lowest failing block wins",
          "[parallel][map_reduce]") {
  auto failing = [](std::size_t i) -> double {
    if (i == 1500 || i == 300 || i == 2999) throw Failure(i);
    return 1.0;
  };
  par::MapReduceOptions opt;
  opt.block_size = 100;
  for (int threads : {1, 2, 4}) {
    opt.threads = threads;
    for (int repeat = 0; repeat < 5; ++repeat) {
      try {
        par::map_reduce(3000, failing, plus, opt);
        FAIL("no exception");
      } catch (const Failure& e) {
        CHECK(e.index == 300);
      }
    }
  }
  // Exceptions of any type, also from reduce, and from parallel_for.
  CHECK_THROWS_AS(par::map_reduce(10, [](std::size_t i) -> int { if (i == 3) throw 42; return 0; },
                                  [](int a, int b) { return a + b; }),
                  int);
  auto bad_reduce = [](double, double) -> double { throw std::logic_error("reduce"); };
  CHECK_THROWS_AS(par::map_reduce(10, normal_of, bad_reduce), std::logic_error);
  opt.threads = 4;
  try {
    par::parallel_for(3000, [&](std::size_t i) { (void)failing(i); }, opt);
    FAIL("no exception");
  } catch (const Failure& e) {
    CHECK(e.index == 300);
  }
}

TEST_CASE("parallel_for with one index per block: the lowest failing index wins",
          "[parallel][map_reduce]") {
  // The loop over coarse items (matrices, trials, grid points, validation cases) that the
  // modules use: block_size = 1, so blocks are indices and are handed out dynamically.
  par::MapReduceOptions opt;
  opt.block_size = 1;
  for (int threads : {1, 2, 4}) {
    opt.threads = threads;
    for (int repeat = 0; repeat < 5; ++repeat) {
      try {
        par::parallel_for(
            50, [](std::size_t i) {
              if (i == 31 || i == 7 || i == 8 || i == 49) throw Failure(i);
            },
            opt);
        FAIL("no exception");
      } catch (const Failure& e) {
        INFO("threads " << threads);
        CHECK(e.index == 7);
      }
    }
  }
}

TEST_CASE("cancellation: map_reduce throws, map_reduce_partial returns the completed prefix",
          "[parallel][map_reduce]") {
  par::CancellationFlag flag;
  par::MapReduceOptions opt;
  opt.block_size = 256;
  opt.cancel = &flag;
  // fn raises the flag at index 5000 (block 19). With one thread, block 19 finishes (the flag
  // is polled between blocks) and block 20 never starts: exactly 20 blocks are reduced.
  auto raising = [&flag](std::size_t i) {
    if (i == 5000) flag.cancel();
    return normal_of(i);
  };
  opt.threads = 1;
  SAMPO_REQUIRE_THROWS_WITH(par::map_reduce(100'000, raising, plus, opt), par::cancelled_error,
                            "sampo::parallel::map_reduce", "cancelled after 20 of 391 blocks");
  flag.reset();
  CHECK_FALSE(flag.cancelled());
  const auto r = par::map_reduce_partial(100'000, raising, plus, opt);
  CHECK(r.cancelled());
  CHECK(r.run.termination == sampo::Termination::user_stopped);
  CHECK(r.blocks == 20);
  CHECK(r.count == 20 * 256);
  CHECK(r.run.message.find("cancelled: reduced the first 5120 of 100000 indices") !=
        std::string::npos);
  REQUIRE(r.value.has_value());
  CHECK(same_bits(*r.value, blocked_sum(r.count, 256)));

  // With several threads the prefix depends on timing, but it is always a prefix whose
  // value equals the uncancelled reduction over [0, count).
  flag.reset();
  opt.threads = 4;
  const auto r4 = par::map_reduce_partial(100'000, raising, plus, opt);
  CHECK(r4.cancelled());
  CHECK(r4.count == r4.blocks * 256);
  CHECK(r4.blocks < 391);
  if (r4.blocks > 0) CHECK(same_bits(*r4.value, blocked_sum(r4.count, 256)));

  // Raised before the call: nothing runs, no value.
  std::atomic<int> calls{0};
  auto counting = [&calls](std::size_t i) {
    ++calls;
    return normal_of(i);
  };
  const auto r0 = par::map_reduce_partial(1000, counting, plus, opt);
  CHECK(r0.cancelled());
  CHECK_FALSE(r0.value.has_value());
  CHECK(r0.count == 0);
  CHECK(calls == 0);
  CHECK_THROWS_AS(par::parallel_for(1000, [](std::size_t) {}, opt), par::cancelled_error);
}

TEST_CASE("progress is advanced by the indices of every block", "[parallel][map_reduce]") {
  par::Progress progress(12345, "test", false);
  par::MapReduceOptions opt;
  opt.progress = &progress;
  opt.threads = 2;
  opt.block_size = 100;
  par::map_reduce(12345, normal_of, plus, opt);
  CHECK(progress.done() == 12345);
  par::parallel_for(55, [](std::size_t) {}, opt);
  CHECK(progress.done() == 12400);
}

TEST_CASE("inside a parallel region map_reduce runs serially, with the same result",
          "[parallel][map_reduce]") {
  par::MapReduceOptions opt;
  opt.threads = 4;
  const double outside = par::map_reduce(20'000, normal_of, plus, opt);
  std::atomic<int> deepest{0};
  auto probe = [&deepest](std::size_t i) {
    int level = omp_get_level();
    int seen = deepest.load();
    while (level > seen && !deepest.compare_exchange_weak(seen, level)) {
    }
    return normal_of(i);
  };
  double inside[2] = {0, 0};
#pragma omp parallel num_threads(2)
  {
    const int t = omp_get_thread_num();
    if (t < 2) inside[t] = par::map_reduce(20'000, probe, plus, opt);
  }
  CHECK(deepest.load() == 1);  // fn ran in the outer region only: no nested team was opened
  CHECK(same_bits(inside[0], outside));
  CHECK(same_bits(inside[1], outside));
}

TEST_CASE("parallel_for visits every index exactly once", "[parallel][map_reduce]") {
  const std::size_t n = 10'007;
  std::vector<std::atomic<int>> visits(n);
  par::MapReduceOptions opt;
  opt.threads = 4;
  opt.block_size = 64;
  par::parallel_for(n, [&visits](std::size_t i) { ++visits[i]; }, opt);
  bool once = true;
  for (const auto& v : visits) once = once && v.load() == 1;
  CHECK(once);
  int calls = 0;
  par::parallel_for(0, [&calls](std::size_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("bad sizes and options are rejected", "[parallel][map_reduce]") {
  SAMPO_REQUIRE_THROWS_WITH(par::map_reduce(0, normal_of, plus), sampo::invalid_argument,
                            "sampo::parallel::map_reduce", "'n' = 0");
  SAMPO_REQUIRE_THROWS_WITH(par::map_reduce_partial(0, normal_of, plus), sampo::invalid_argument,
                            "sampo::parallel::map_reduce_partial", "'n' = 0");
  par::MapReduceOptions opt;
  opt.block_size = 0;
  SAMPO_REQUIRE_THROWS_WITH(opt.validate(), sampo::invalid_argument, "'block_size' = 0");
  SAMPO_REQUIRE_THROWS_WITH(par::map_reduce(10, normal_of, plus, opt), sampo::invalid_argument,
                            "sampo::parallel::map_reduce: options:", "'block_size' = 0");
  opt.block_size = 1;
  opt.threads = -2;
  SAMPO_REQUIRE_THROWS_WITH(par::parallel_for(10, [](std::size_t) {}, opt),
                            sampo::invalid_argument, "sampo::parallel::parallel_for",
                            "'threads' = -2");
  CHECK_NOTHROW(par::MapReduceOptions{}.validate());
}

// The name before the Options -> Result rule still compiles (deprecated, removed in 0.2), and
// the hooks are core's types under their parallel names.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static_assert(std::is_same_v<sampo::parallel::Options, sampo::parallel::MapReduceOptions>);
#pragma GCC diagnostic pop
static_assert(std::is_same_v<sampo::parallel::Progress, sampo::Progress>);
static_assert(std::is_same_v<sampo::parallel::CancellationFlag, sampo::CancellationFlag>);

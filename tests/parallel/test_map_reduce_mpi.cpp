// Run under an MPI launcher (ctest -L mpi: mpiexec -np 2, and -np 1): a distributed
// map_reduce must return, on every rank, the bits a single-process run returns.
#include <Eigen/Dense>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "sampo/parallel.hpp"
#include "sampo_test.hpp"

namespace par = sampo::parallel;

namespace {
// MPI is initialized on first use and finalized after main() returns.
void ensure_mpi() { static par::MpiSession session; }

double normal_of(std::size_t i) { return par::RandomStream(11, 0, i).normal(); }
double plus(double a, double b) { return a + b; }

par::MapReduceOptions serial() {
  par::MapReduceOptions opt;
  opt.use_mpi = false;
  opt.threads = 1;
  return opt;
}

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace

TEST_CASE("the launcher started MPI for this process", "[parallel][mpi]") {
  ensure_mpi();
  INFO("rank " << par::mpi_rank() << " of " << par::mpi_size());
  CHECK(par::mpi_launcher_detected());
  CHECK(par::mpi_size() >= 1);
  CHECK(par::mpi_rank() < par::mpi_size());
  CHECK(par::mpi_active() == (par::mpi_size() > 1));
  par::Progress p(10, "rank", true);
  CHECK(p.enabled() == (par::mpi_rank() == 0));  // only rank 0 draws
}

TEST_CASE("distributed sums of normals equal the single-process sum bit for bit",
          "[parallel][mpi]") {
  ensure_mpi();
  INFO("rank " << par::mpi_rank() << " of " << par::mpi_size());
  // 1001 blocks of 100 (the last one short): an odd block count, so ranks own
  // different numbers of blocks.
  const std::size_t n = 100'050;
  par::MapReduceOptions opt;
  opt.block_size = 100;
  par::MapReduceOptions reference = serial();
  reference.block_size = 100;
  const double expected = par::map_reduce(n, normal_of, plus, reference);
  for (int threads : {1, 2}) {
    opt.threads = threads;
    const auto r = par::map_reduce_partial(n, normal_of, plus, opt);
    REQUIRE(r.value.has_value());
    CHECK(std::memcmp(&*r.value, &expected, sizeof expected) == 0);
    CHECK(r.count == n);
    CHECK(r.run.message.find(std::to_string(par::mpi_size()) + " MPI rank(s)") !=
          std::string::npos);
  }
}

TEST_CASE("distributed Eigen-vector partials and block order", "[parallel][mpi]") {
  ensure_mpi();
  auto draw = [](std::size_t i) { return par::RandomStream(11, 1, i).normal_vector(4); };
  auto add = [](Eigen::VectorXd a, const Eigen::VectorXd& b) {
    a += b;
    return a;
  };
  par::MapReduceOptions opt = serial();
  opt.block_size = 33;
  const Eigen::VectorXd expected = par::map_reduce(2000, draw, add, opt);
  opt.use_mpi = true;
  opt.threads = 2;
  const Eigen::VectorXd v = par::map_reduce(2000, draw, add, opt);
  REQUIRE(v.size() == 4);
  CHECK(std::memcmp(v.data(), expected.data(), 4 * sizeof(double)) == 0);

  auto single = [](std::size_t i) { return std::vector<std::size_t>{i}; };
  auto concat = [](std::vector<std::size_t> a, const std::vector<std::size_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  opt.block_size = 5;
  const auto order = par::map_reduce(503, single, concat, opt);
  REQUIRE(order.size() == 503);
  for (std::size_t i = 0; i < order.size(); ++i) REQUIRE(order[i] == i);
}

TEST_CASE("an exception on one rank reaches every rank", "[parallel][mpi]") {
  ensure_mpi();
  // Index 350 lies in block 3 (blocks of 100), owned by rank 3 % size.
  auto failing = [](std::size_t i) -> double {
    if (i == 350 || i == 720) throw Failure("bad sample " + std::to_string(i));
    return 1.0;
  };
  par::MapReduceOptions opt;
  opt.block_size = 100;
  const int owner = 3 % par::mpi_size();
  bool original = false, remote = false;
  try {
    par::map_reduce(1000, failing, plus, opt);
  } catch (const Failure& e) {
    original = true;
    CHECK(std::string(e.what()) == "bad sample 350");
  } catch (const par::remote_error& e) {
    remote = true;
    const std::string what = e.what();
    CHECK(what.find("block 3 (indices [300, 400)) on MPI rank " + std::to_string(owner)) !=
          std::string::npos);
    CHECK(what.find("bad sample 350") != std::string::npos);
  }
  CHECK(original == (par::mpi_rank() == owner));
  CHECK(remote == (par::mpi_rank() != owner));
}

TEST_CASE("cancellation on one rank stops the prefix on every rank", "[parallel][mpi]") {
  ensure_mpi();
  par::CancellationFlag flag;
  if (par::mpi_rank() == 1) flag.cancel();  // rank 1 runs nothing; it owns block 1
  par::MapReduceOptions opt;
  opt.block_size = 50;
  opt.cancel = &flag;
  const auto r = par::map_reduce_partial(1000, normal_of, plus, opt);
  const std::size_t expected_blocks = par::mpi_size() > 1 ? 1 : 20;
  CHECK(r.blocks == expected_blocks);
  CHECK(r.cancelled() == (par::mpi_size() > 1));
  REQUIRE(r.value.has_value());
  auto o = serial();
  o.block_size = 50;
  const double expected = par::map_reduce(r.count, normal_of, plus, o);
  CHECK(std::memcmp(&*r.value, &expected, sizeof expected) == 0);
}

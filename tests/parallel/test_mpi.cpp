#include "sampo/parallel/mpi.hpp"

#include <cstdlib>

#include "sampo_test.hpp"

namespace par = sampo::parallel;

// This executable is not started by an MPI launcher, so every query describes one process.
TEST_CASE("without a launcher MpiSession leaves MPI alone", "[parallel][mpi]") {
  REQUIRE_FALSE(par::mpi_launcher_detected());
  par::MpiSession session;
  CHECK_FALSE(session.owns());
  CHECK(par::mpi_rank() == 0);
  CHECK(par::mpi_size() == 1);
  CHECK_FALSE(par::mpi_active());
}

TEST_CASE("mpi_launcher_detected reads the launchers' environment variables", "[parallel][mpi]") {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MV2_COMM_WORLD_SIZE"}) {
    INFO(name);
    REQUIRE(::setenv(name, "2", 1) == 0);
    CHECK(par::mpi_launcher_detected());
    REQUIRE(::unsetenv(name) == 0);
    CHECK_FALSE(par::mpi_launcher_detected());
  }
}

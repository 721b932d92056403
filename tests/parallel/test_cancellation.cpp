#include "sampo/parallel/cancellation.hpp"

#include <thread>

#include "sampo_test.hpp"

using sampo::parallel::CancellationFlag;

TEST_CASE("CancellationFlag is raised, seen from other threads, and reset", "[parallel][cancel]") {
  CancellationFlag flag;
  CHECK_FALSE(flag.cancelled());
  std::thread other([&flag] { flag.cancel(); });
  other.join();  // join synchronizes: the store is visible here
  CHECK(flag.cancelled());
  flag.cancel();  // idempotent
  CHECK(flag.cancelled());
  flag.reset();
  CHECK_FALSE(flag.cancelled());
  const sampo::parallel::cancelled_error e("stopped");
  CHECK(std::string(e.what()) == "stopped");
}

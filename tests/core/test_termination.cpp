#include "sampo/core/termination.hpp"

#include <thread>

#include "sampo/core/error.hpp"
#include "sampo/core/version.hpp"
#include "sampo_test.hpp"

using namespace sampo;

TEST_CASE("Termination names round-trip", "[core][termination]") {
  for (auto t : {Termination::converged, Termination::max_iterations, Termination::max_evaluations,
                 Termination::numerical_failure, Termination::user_stopped,
                 Termination::discontinuity_suspected})
    CHECK(termination_from_string(to_string(t)) == t);
  CHECK(to_string(Termination::max_evaluations) == "max_evaluations");
  SAMPO_REQUIRE_THROWS_WITH(termination_from_string("done"), invalid_argument, "'name' = done");
}

TEST_CASE("Run reports converged state and a brief report", "[core][termination]") {
  Run r;
  CHECK(r.converged());
  r.iterations = 12;
  r.evaluations = 345;
  r.seconds = 0.5;
  CHECK(r.brief_report() == "converged after 12 iterations, 345 evaluations, 0.5 s");
  r.termination = Termination::max_iterations;
  r.message = "gradient norm 1e-3 > tol";
  CHECK_FALSE(r.converged());
  CHECK(r.brief_report().find("max_iterations after 12") == 0);
  CHECK(r.brief_report().find(": gradient norm") != std::string::npos);
}

TEST_CASE("Stopwatch measures non-negative, increasing time", "[core][termination]") {
  Stopwatch w;
  const double t0 = w.seconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const double t1 = w.seconds();
  CHECK(t0 >= 0.0);
  CHECK(t1 >= t0 + 1e-3);
  w.reset();
  CHECK(w.seconds() < t1);
}

TEST_CASE("version matches the header", "[core][version]") {
  CHECK(std::string(version()) == SAMPO_VERSION_STRING);
  CHECK(SAMPO_VERSION_MAJOR >= 0);
}

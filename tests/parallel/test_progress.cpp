#include "sampo/parallel/progress.hpp"

#include <thread>
#include <vector>

#include "sampo_test.hpp"

using sampo::parallel::Progress;

TEST_CASE("Progress counts from many threads without losing units", "[parallel][progress]") {
  Progress p(40'000, "count", false);
  CHECK_FALSE(p.enabled());
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t)
    workers.emplace_back([&p] {
      for (int k = 0; k < 10'000; ++k) p.advance();
    });
  for (auto& w : workers) w.join();
  CHECK(p.done() == 40'000);
  CHECK(p.total() == 40'000);
  p.finish();
  p.finish();  // idempotent
}

TEST_CASE("Progress::line shows label, bar, percentage, counts, rate and ETA",
          "[parallel][progress]") {
  Progress p(200, "study", false);
  p.advance(50);
  const std::string l = p.line();
  INFO(l);
  CHECK(l.rfind("study [", 0) == 0);
  CHECK(l.find(" 25.0%") != std::string::npos);
  CHECK(l.find("50/200") != std::string::npos);
  CHECK(l.find("/s") != std::string::npos);
  CHECK(l.find("ETA ") != std::string::npos);
  // 30-character bar: 25% is 7 '=' then the '>' head.
  CHECK(l.find("[=======>      ") != std::string::npos);
  p.advance(500);  // over-counting is clamped in the display
  CHECK(p.line().find("100.0%  200/200") != std::string::npos);
  CHECK(p.line().find("[==============================]") != std::string::npos);
  Progress empty(0, "none", false);
  CHECK(empty.line().find("100.0%") != std::string::npos);
}

TEST_CASE("an enabled Progress draws on stderr and finishes with a newline",
          "[parallel][progress]") {
  // Not a terminal under ctest: terminal_default() is false there; forcing enabled draws.
  Progress p(10, "drawn", true);
  CHECK(p.enabled());  // rank 0 of a single process
  p.advance(10);
  p.finish();
  CHECK(p.done() == 10);
}

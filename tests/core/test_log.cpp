#include "sampo/core/log.hpp"

#include <string>
#include <vector>

#include "sampo_test.hpp"

using namespace sampo;

TEST_CASE("log routes messages at or above the level to the sink", "[core][log]") {
  std::vector<std::pair<LogLevel, std::string>> got;
  auto previous = set_log_sink([&](LogLevel l, std::string_view m) { got.emplace_back(l, m); });
  const LogLevel old_level = log_level();
  set_log_level(LogLevel::info);
  log(LogLevel::debug, "dropped");
  log(LogLevel::info, "kept");
  log(LogLevel::error, "also kept");
  REQUIRE(got.size() == 2);
  CHECK(got[0].second == "kept");
  CHECK(got[1].first == LogLevel::error);
  set_log_sink({});  // silenced: no crash with an empty sink
  log(LogLevel::error, "nobody hears");
  set_log_sink(previous);
  set_log_level(old_level);
  CHECK(log_level() == old_level);
}

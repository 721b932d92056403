#include "sampo/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace sampo {
namespace {
const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
  }
  return "?";
}
void stderr_sink(LogLevel level, std::string_view message) {
  std::fprintf(stderr, "sampo %s: %.*s\n", level_name(level), static_cast<int>(message.size()),
               message.data());
}
std::mutex& sink_mutex() {
  static std::mutex m;
  return m;
}
LogSink& sink() {
  static LogSink s = stderr_sink;
  return s;
}
std::atomic<int> g_level{static_cast<int>(LogLevel::warning)};
}  // namespace

LogSink set_log_sink(LogSink s) {
  std::lock_guard lock(sink_mutex());
  LogSink previous = std::move(sink());
  sink() = std::move(s);
  return previous;
}

void set_log_level(LogLevel level) noexcept { g_level.store(static_cast<int>(level)); }
LogLevel log_level() noexcept { return static_cast<LogLevel>(g_level.load()); }

void log(LogLevel level, std::string_view message) {
  if (static_cast<int>(level) < g_level.load()) return;
  std::lock_guard lock(sink_mutex());
  if (sink()) sink()(level, message);
}

}  // namespace sampo

#pragma once
/// @file
/// The logging hook: sampo never writes diagnostics to stdout. Messages go to a sink the user
/// may replace (default: warnings and errors to stderr). Thread-safe.

#include <functional>
#include <string_view>

namespace sampo {

enum class LogLevel { debug = 0, info = 1, warning = 2, error = 3 };

/// Receives every message at or above the threshold.
using LogSink = std::function<void(LogLevel, std::string_view)>;

/// Replaces the sink (an empty function silences sampo). Returns the previous sink.
LogSink set_log_sink(LogSink sink);

/// Messages below @p level are dropped before formatting (default: warning).
void set_log_level(LogLevel level) noexcept;
LogLevel log_level() noexcept;

/// Sends @p message to the sink if @p level passes the threshold.
void log(LogLevel level, std::string_view message);

}  // namespace sampo

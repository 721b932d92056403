#pragma once
// Internal helpers shared by the io sources (not installed, not part of the API).

#include <charconv>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sampo::io::detail {

/// Appends the shortest round-trip form of @p x ("0.1", "1e+300", "nan", "inf", "-inf").
inline void append_double(std::string& out, double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, r.ptr);
}

/// Reads a whole file in binary mode. @throw sampo::io_error from @p function naming the file.
std::string read_file(std::string_view function, const std::filesystem::path& path);

/// "'a', 'b', 'c'" for messages.
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace sampo::io::detail

#pragma once
// Internal helpers shared by the io sources (not installed, not part of the API).

#include <charconv>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sampo/io/npy.hpp"

namespace sampo::io::detail {

/// Appends the shortest round-trip form of @p x ("0.1", "1e+300", "nan", "inf", "-inf").
inline void append_double(std::string& out, double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, r.ptr);
}

/// Reads a whole file in binary mode. @throw sampo::io_error from @p function naming the file.
std::string read_file(std::string_view function, const std::filesystem::path& path);

/// The .npy content @p bytes (a file or an archive member) as read_npy would read it; messages
/// name @p where. @throw sampo::io_error as read_npy.
NpyArray npy_from_bytes(std::string_view function, const std::filesystem::path& where,
                        std::string bytes);

/// "'s'" for messages (built with append: GCC 12 warns falsely (-Wrestrict, bug 105329)
/// about "literal" + std::string temporaries).
inline std::string quote(std::string_view s) {
  std::string r;
  r.reserve(s.size() + 2);
  r += '\'';
  r.append(s);
  r += '\'';
  return r;
}

/// "'a', 'b', 'c'" for messages.
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace sampo::io::detail

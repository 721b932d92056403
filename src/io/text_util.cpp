#include "text_util.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "sampo/core/error.hpp"

namespace sampo::io::detail {

std::string read_file(std::string_view function, const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw_io_error(function, path.string(), "is a directory, not a file");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw_io_error(function, path.string(),
                   std::string("cannot open for reading: ") +
                       (err != 0 ? std::strerror(err) : "unknown error"));
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw_io_error(function, path.string(), "read error");
  return content;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) s += ", ";
    s += quote(names[i]);
  }
  return s;
}

}  // namespace sampo::io::detail

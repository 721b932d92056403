#include "sampo/io/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

#include "sampo/core/error.hpp"

namespace sampo::io {
namespace {

constexpr std::string_view kFunction = "sampo::io::write_file_atomic";

/// A name unique within this process (counter) and very likely across processes (clock);
/// uniqueness is enforced anyway by creating the file exclusively.
std::filesystem::path temp_name(const std::filesystem::path& path) {
  static std::atomic<unsigned long long> counter{0};
  const auto tick =
      static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count());
  std::string name(".");
  name.append(path.filename().string())
      .append(".tmp-")
      .append(std::to_string(tick % 1000000007ULL));
  name.append("-").append(std::to_string(counter.fetch_add(1)));
  return path.parent_path() / name;
}

/// Creates @p path exclusively ("wx": fails if it exists). Returns 0 or the errno.
int create_exclusive(const std::filesystem::path& path) {
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "wx");
  if (f == nullptr) return errno != 0 ? errno : EIO;
  std::fclose(f);
  return 0;
}

/// Removes the temporary file when it goes out of scope unless released.
struct TempGuard {
  std::filesystem::path path;
  bool armed = true;
  ~TempGuard() {
    if (armed) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  }
};

}  // namespace

void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& writer) {
  if (path.empty()) throw_io_error(kFunction, "", "the path is empty");
  if (path.filename().empty())
    throw_io_error(kFunction, path.string(), "the path names a directory, not a file");

  std::filesystem::path tmp;
  int err = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    tmp = temp_name(path);
    err = create_exclusive(tmp);
    if (err != EEXIST) break;
  }
  if (err != 0) {
    const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    throw_io_error(kFunction, path.string(),
                   "cannot create a temporary file in directory '" + dir.string() +
                       "': " + std::strerror(err));
  }
  TempGuard guard{tmp};

  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw_io_error(kFunction, path.string(), "cannot open temporary file '" + tmp.string() + "'");
    writer(out);  // an exception propagates; the guard removes the temporary
    out.flush();
    if (!out) throw_io_error(kFunction, path.string(), "writing failed (stream error; disk full?)");
    out.close();
    if (out.fail()) throw_io_error(kFunction, path.string(), "closing the file failed");
  }

  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    throw_io_error(kFunction, path.string(),
                   "cannot rename the temporary file onto it: " + ec.message());
  guard.armed = false;
}

}  // namespace sampo::io

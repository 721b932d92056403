#include "sampo/io/atomic_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "sampo/core/error.hpp"

namespace sampo::io {
namespace {

constexpr std::string_view kFunction = "sampo::io::write_file_atomic";

thread_local OutputTransaction* open_transaction = nullptr;

/// This host's name, with characters other than [A-Za-z0-9.-] replaced (it becomes part of a
/// file name).
const std::string& host_tag() {
  static const std::string tag = [] {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return std::string("host");
    std::string h(buf);
    for (char& c : h)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
    return h;
  }();
  return tag;
}

/// ".<name>.sampo-tmp-": the prefix of every temporary made for @p path.
std::string temp_prefix(const std::filesystem::path& path) {
  std::string prefix(".");  // built by append: GCC 12 warns falsely (-Wrestrict) on "." + s
  prefix.append(path.filename().string()).append(".sampo-tmp-");
  return prefix;
}

/// A name unique within this process (counter) and across processes of this host (pid);
/// uniqueness is enforced anyway by creating the file exclusively.
std::filesystem::path temp_name(const std::filesystem::path& path) {
  static std::atomic<unsigned long long> counter{0};
  std::string name = temp_prefix(path);
  name.append(host_tag())
      .append("-")
      .append(std::to_string(static_cast<long long>(getpid())))
      .append("-")
      .append(std::to_string(counter.fetch_add(1)));
  return path.parent_path() / name;
}

/// Removes the temporaries for @p path that a process of this host left behind when it was
/// killed: those whose pid no longer runs. Other hosts' temporaries (a shared file system) and
/// live processes' are left alone. Best effort: errors are ignored.
void remove_stale_temporaries(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  const std::string prefix = temp_prefix(path) + host_tag() + "-";
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = name.substr(prefix.size());  // "<pid>-<n>"
    const auto dash = rest.find('-');
    if (dash == std::string::npos || dash == 0) continue;
    long long pid = 0;
    try {
      std::size_t used = 0;
      pid = std::stoll(rest.substr(0, dash), &used);
      if (used != dash) continue;
    } catch (const std::exception&) {
      continue;
    }
    if (pid <= 0 || pid == static_cast<long long>(getpid())) continue;
    if (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or unknown
    std::error_code rm;
    fs::remove(it->path(), rm);
  }
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

  remove_stale_temporaries(path);
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

  if (OutputTransaction* tx = OutputTransaction::current()) {
    tx->stage(path, tmp);  // the transaction owns the temporary from here on
    guard.armed = false;
    return;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    throw_io_error(kFunction, path.string(),
                   "cannot rename the temporary file onto it: " + ec.message());
  guard.armed = false;
}

OutputTransaction::OutputTransaction() {
  if (open_transaction != nullptr)
    throw std::logic_error("sampo::io::OutputTransaction: a transaction is already open on this thread");
  open_transaction = this;
}

OutputTransaction::~OutputTransaction() {
  if (open_transaction == this) open_transaction = nullptr;
  for (const auto& e : entries_) {
    std::error_code ec;
    std::filesystem::remove(e.temporary, ec);  // no-op for committed ones (already renamed)
  }
}

OutputTransaction* OutputTransaction::current() { return open_transaction; }

std::vector<std::filesystem::path> OutputTransaction::staged() const {
  std::vector<std::filesystem::path> out;
  for (const auto& e : entries_) out.push_back(e.path);
  return out;
}

void OutputTransaction::stage(const std::filesystem::path& path,
                              const std::filesystem::path& temporary) {
  std::error_code ec;
  std::filesystem::path key = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  if (ec) key = std::filesystem::absolute(path).lexically_normal();
  for (const auto& e : entries_)
    if (e.key == key) {
      std::filesystem::remove(temporary, ec);
      throw_io_error("sampo::io::OutputTransaction", path.string(),
                     "is written twice by one command (also as '" + e.path.string() +
                         "'); give each output its own file");
    }
  entries_.push_back({path, key, temporary});
}

void OutputTransaction::commit() {
  if (!open_) throw std::logic_error("sampo::io::OutputTransaction: commit() called twice");
  open_ = false;
  if (open_transaction == this) open_transaction = nullptr;
  for (auto& e : entries_) {
    std::error_code ec;
    std::filesystem::rename(e.temporary, e.path, ec);
    if (ec)
      throw_io_error("sampo::io::OutputTransaction::commit", e.path.string(),
                     "cannot rename the temporary file onto it: " + ec.message());
  }
}

}  // namespace sampo::io

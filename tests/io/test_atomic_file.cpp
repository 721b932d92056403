#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>
#include <ostream>
#include <stdexcept>

#include "io_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/atomic_file.hpp"
#include "sampo_test.hpp"

using sampo::io::write_file_atomic;
using sampo::test::entries;
using sampo::test::read_bytes;
using sampo::test::TempDir;
using sampo::test::write_bytes;

TEST_CASE("write_file_atomic creates and replaces a file", "[io][atomic_file]") {
  TempDir dir;
  const auto path = dir / "out.txt";
  write_file_atomic(path, [](std::ostream& os) { os << "first\n"; });
  CHECK(read_bytes(path) == "first\n");
  write_file_atomic(path, [](std::ostream& os) { os << "second, longer\n"; });
  CHECK(read_bytes(path) == "second, longer\n");
  // Binary mode: bytes go through unchanged (no newline translation, NUL kept).
  write_file_atomic(path, [](std::ostream& os) { os.write("a\0\r\n", 4); });
  CHECK(read_bytes(path) == std::string("a\0\r\n", 4));
  CHECK(entries(dir.path()) == std::vector<std::string>{"out.txt"});  // no temporary left
}

TEST_CASE("write_file_atomic keeps the old file when the writer throws", "[io][atomic_file]") {
  TempDir dir;
  const auto path = dir / "keep.txt";
  write_bytes(path, "old content\n");
  CHECK_THROWS_AS(write_file_atomic(path,
                                    [](std::ostream& os) {
                                      os << "half of the new";
                                      throw std::runtime_error("writer failed");
                                    }),
                  std::runtime_error);
  CHECK(read_bytes(path) == "old content\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"keep.txt"});

  // The writer's own exception type and message come through unchanged.
  SAMPO_REQUIRE_THROWS_WITH(
      write_file_atomic(path, [](std::ostream&) { throw sampo::invalid_argument("bad cell"); }),
      sampo::invalid_argument, "bad cell");
  CHECK(entries(dir.path()) == std::vector<std::string>{"keep.txt"});
}

TEST_CASE("write_file_atomic turns a failed stream into io_error", "[io][atomic_file]") {
  TempDir dir;
  const auto path = dir / "keep.txt";
  write_bytes(path, "old");
  SAMPO_REQUIRE_THROWS_WITH(write_file_atomic(path,
                                              [](std::ostream& os) {
                                                os << "x";
                                                os.setstate(std::ios::badbit);
                                              }),
                            sampo::io_error, "sampo::io::write_file_atomic", "keep.txt",
                            "writing failed");
  CHECK(read_bytes(path) == "old");
  CHECK(entries(dir.path()) == std::vector<std::string>{"keep.txt"});
}

TEST_CASE("write_file_atomic reports an unwritable destination by its path", "[io][atomic_file]") {
  TempDir dir;
  auto ok = [](std::ostream& os) { os << "x"; };
  const auto missing = dir / "no_such_dir" / "f.csv";
  const std::string missing_name = missing.string();
  SAMPO_REQUIRE_THROWS_WITH(write_file_atomic(missing, ok), sampo::io_error, missing_name.c_str(),
                            "cannot create a temporary file", "No such file or directory");
  // A regular file used as a directory.
  write_bytes(dir / "plain", "");
  SAMPO_REQUIRE_THROWS_WITH(write_file_atomic(dir / "plain" / "f.csv", ok), sampo::io_error,
                            "plain/f.csv", "Not a directory");
  // An existing directory as the destination: the rename fails, nothing is left behind.
  std::filesystem::create_directory(dir / "sub");
  SAMPO_REQUIRE_THROWS_WITH(write_file_atomic(dir / "sub", ok), sampo::io_error, "sub",
                            "cannot rename");
  CHECK(entries(dir.path()) == std::vector<std::string>{"plain", "sub"});
  SAMPO_REQUIRE_THROWS_WITH(write_file_atomic("", ok), sampo::io_error, "the path is empty");
  SAMPO_REQUIRE_THROWS_WITH(write_file_atomic(dir.path() / "", ok), sampo::io_error,
                            "names a directory");
}

TEST_CASE("write_file_atomic refuses a read-only directory", "[io][atomic_file]") {
  if (::geteuid() == 0) {
    WARN("running as root: permission bits do not stop root, so this check cannot run here");
    return;
  }
  TempDir dir;
  const auto ro = dir / "ro";
  std::filesystem::create_directory(ro);
  std::filesystem::permissions(
      ro, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  SAMPO_REQUIRE_THROWS_WITH(write_file_atomic(ro / "f.txt", [](std::ostream& os) { os << "x"; }),
                            sampo::io_error, "f.txt", "Permission denied");
  std::filesystem::permissions(ro, std::filesystem::perms::owner_all);
}

TEST_CASE("write_file_atomic removes temporaries left by a killed process", "[io][atomic_file]") {
  TempDir dir;
  const auto path = dir / "out.npy";
  char host[256] = {};
  REQUIRE(gethostname(host, sizeof host - 1) == 0);
  std::string tag(host);
  for (char& c : tag)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  // A pid that no longer runs: a child that has exited and been reaped.
  const pid_t child = fork();
  if (child == 0) _exit(0);
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  const std::string prefix = ".out.npy.sampo-tmp-" + tag + "-";
  const std::string dead = prefix + std::to_string(child) + "-0";
  const std::string alive = prefix + std::to_string(getppid()) + "-0";  // our parent runs
  const std::string other_host = ".out.npy.sampo-tmp-elsewhere-" + std::to_string(child) + "-0";
  const std::string other_file = ".other.npy.sampo-tmp-" + tag + "-" + std::to_string(child) + "-0";
  for (const auto& name : {dead, alive, other_host, other_file}) write_bytes(dir / name, "partial");
  write_file_atomic(path, [](std::ostream& os) { os << "new"; });
  const auto left = entries(dir.path());
  CHECK(std::find(left.begin(), left.end(), dead) == left.end());    // removed
  CHECK(std::find(left.begin(), left.end(), alive) != left.end());   // a live writer's: kept
  CHECK(std::find(left.begin(), left.end(), other_host) != left.end());  // another host's: kept
  CHECK(std::find(left.begin(), left.end(), other_file) != left.end());  // another file's: kept
  CHECK(read_bytes(path) == "new");
}

TEST_CASE("OutputTransaction: every output appears at commit, none before", "[io][atomic_file]") {
  TempDir dir;
  write_bytes(dir / "b.txt", "old b");
  {
    sampo::io::OutputTransaction tx;
    write_file_atomic(dir / "a.txt", [](std::ostream& os) { os << "new a"; });
    write_file_atomic(dir / "b.txt", [](std::ostream& os) { os << "new b"; });
    CHECK(!std::filesystem::exists(dir / "a.txt"));
    CHECK(read_bytes(dir / "b.txt") == "old b");
    CHECK(tx.staged() == std::vector<std::filesystem::path>{dir / "a.txt", dir / "b.txt"});
    tx.commit();
  }
  CHECK(read_bytes(dir / "a.txt") == "new a");
  CHECK(read_bytes(dir / "b.txt") == "new b");
  CHECK(entries(dir.path()) == std::vector<std::string>{"a.txt", "b.txt"});
  CHECK(sampo::io::OutputTransaction::current() == nullptr);
  // After the transaction, writes are immediate again.
  write_file_atomic(dir / "c.txt", [](std::ostream& os) { os << "c"; });
  CHECK(read_bytes(dir / "c.txt") == "c");
}

TEST_CASE("OutputTransaction: a failure leaves no output and no temporary", "[io][atomic_file]") {
  TempDir dir;
  write_bytes(dir / "b.txt", "old b");
  // A later write fails (its directory does not exist): the earlier one must not appear.
  CHECK_THROWS_AS(
      [&] {
        sampo::io::OutputTransaction tx;
        write_file_atomic(dir / "a.txt", [](std::ostream& os) { os << "new a"; });
        write_file_atomic(dir / "b.txt", [](std::ostream& os) { os << "new b"; });
        write_file_atomic(dir / "missing" / "c.txt", [](std::ostream& os) { os << "c"; });
        tx.commit();
      }(),
      sampo::io_error);
  CHECK(entries(dir.path()) == std::vector<std::string>{"b.txt"});
  CHECK(read_bytes(dir / "b.txt") == "old b");
  // An early return without commit() is the same.
  {
    sampo::io::OutputTransaction tx;
    write_file_atomic(dir / "a.txt", [](std::ostream& os) { os << "new a"; });
  }
  CHECK(entries(dir.path()) == std::vector<std::string>{"b.txt"});
}

TEST_CASE("OutputTransaction refuses two writes to one file", "[io][atomic_file]") {
  TempDir dir;
  std::filesystem::create_directory(dir / "sub");
  sampo::io::OutputTransaction tx;
  write_file_atomic(dir / "x.npy", [](std::ostream& os) { os << "1"; });
  SAMPO_REQUIRE_THROWS_WITH(
      write_file_atomic(dir / "sub" / ".." / "x.npy", [](std::ostream& os) { os << "2"; }),
      sampo::io_error, "written twice", "x.npy");
  CHECK_THROWS_AS(sampo::io::OutputTransaction(), std::logic_error);  // not nestable
  tx.commit();
  CHECK(read_bytes(dir / "x.npy") == "1");
  CHECK(entries(dir.path()) == std::vector<std::string>{"sub", "x.npy"});
}

#include <unistd.h>

#include <algorithm>
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

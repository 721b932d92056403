#pragma once
// Helpers shared by sampo's unit tests.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace sampo::test {

/// ../shared next to the source tree (or $SAMPO_SHARED_DIR): the project's real data.
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("SAMPO_SHARED_DIR")) return env;
#ifdef SAMPO_SOURCE_DIR
  return std::filesystem::path(SAMPO_SOURCE_DIR) / ".." / "shared";
#else
  return "../shared";
#endif
}

/// A fresh, empty temporary directory removed when the object goes out of scope.
class TempDir {
 public:
  TempDir() {
    auto base = std::filesystem::temp_directory_path();
    for (int i = 0;; ++i) {
      path_ = base / ("sampo_test_" + std::to_string(::getpid()) + "_" + std::to_string(i));
      if (std::filesystem::create_directory(path_)) break;
    }
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace sampo::test

/// REQUIRE that @p expr throws @p type with a message containing every listed substring.
#define SAMPO_REQUIRE_THROWS_WITH(expr, type, ...)                                  \
  do {                                                                              \
    bool sampo_thrown_ = false;                                                     \
    try {                                                                           \
      (void)(expr);                                                                 \
    } catch (const type& e) {                                                       \
      sampo_thrown_ = true;                                                         \
      const std::string sampo_msg_ = e.what();                                      \
      for (const char* part : {__VA_ARGS__}) {                                      \
        INFO("message: " << sampo_msg_);                                            \
        CHECK(sampo_msg_.find(part) != std::string::npos);                          \
      }                                                                             \
    }                                                                               \
    if (!sampo_thrown_) FAIL("expected " #type " from " #expr);                     \
  } while (0)

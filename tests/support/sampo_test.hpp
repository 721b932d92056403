#pragma once
// Helpers shared by sampo's unit tests.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace sampo::test {

/// The source tree these tests were built from (defined in catch_main.cpp).
const char* source_dir();

/// The data the repository ships (data/ of the source tree): always present.
inline std::filesystem::path data_dir() { return std::filesystem::path(source_dir()) / "data"; }

/// ../shared beside the source tree (or $SAMPO_SHARED_DIR); prefer optional_data().
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("SAMPO_SHARED_DIR")) return env;
  return std::filesystem::path(source_dir()) / ".." / "shared";
}

/// A data file that may be absent (e.g. "eegmmidb/S001/S001R04.edf", fetched by
/// `scripts/run data`): looks in data/, $SAMPO_DATA_DIR, then ../shared/data beside the source
/// tree, as `sampo validate` does. Empty when absent: a test that needs it must then skip with a
/// message (no test may need data outside the repository to pass).
inline std::filesystem::path optional_data(const std::string& relative) {
  std::vector<std::filesystem::path> roots{data_dir()};
  if (const char* env = std::getenv("SAMPO_DATA_DIR"); env != nullptr && *env != '\0')
    roots.emplace_back(env);
  roots.push_back(std::filesystem::path(source_dir()) / ".." / "shared" / "data");
  for (const auto& root : roots) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(root / relative, ec)) return root / relative;
  }
  return {};
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

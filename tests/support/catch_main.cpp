// The single Catch2 main() shared by every sampo test executable.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

namespace sampo::test {
// The one place the source tree's path is compiled in (see tests/CMakeLists.txt).
const char* source_dir() { return SAMPO_SOURCE_DIR; }
}  // namespace sampo::test

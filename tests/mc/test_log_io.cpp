#include "sampo/mc/log_io.hpp"

#include <fstream>
#include <string>

#include "mc_fixtures.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"
#include "sampo/testing/fixtures.hpp"

using namespace sampo;
using namespace sampo::mc;

namespace {
TestLog sample_log() {
  testkit::Ladder ladder;
  ladder.surrogate_scale = {1.0, 0.5};
  return ladder.log(50, sampo::testing::fixture_seed(), 3);
}
void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}
}  // namespace

TEST_CASE("Test logs round-trip bit for bit through CSV and NPY", "[mc][log_io]") {
  const TestLog log = sample_log();
  REQUIRE(log.steps() > 0);
  sampo::test::TempDir dir;
  write_test_log_csv(dir / "log.csv", log);
  CHECK(read_test_log_csv(dir / "log.csv") == log);
  CHECK(read_test_log(dir / "log.csv") == log);
  write_test_log_npy(dir / "npy", log);
  CHECK(read_test_log_npy(dir / "npy") == log);
  CHECK(read_test_log(dir / "npy") == log);

  // Controls, and a log without any critical step.
  TestLogSchema schema;
  schema.controls = {"h1", "h2"};
  TestLogBuilder b(schema);
  const std::vector<double> c{0.25, -1e-300};
  b.end_test(0.0, 1.0, c).end_test(1.0, 0.5, c);
  const TestLog flat = std::move(b).finish();
  write_test_log_csv(dir / "flat.csv", flat);
  CHECK(read_test_log_csv(dir / "flat.csv") == flat);
  write_test_log_npy(dir / "flat", flat);
  CHECK(read_test_log_npy(dir / "flat") == flat);
}

TEST_CASE("Bad CSV logs name the file, the line and the field", "[mc][log_io]") {
  sampo::test::TempDir dir;
  const std::string header = "test,result,weight,step,p,q,ordinal,epsilon\n";
  const auto path = dir / "bad.csv";
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(dir / "missing.csv"), sampo::io_error,
                            "missing.csv");
  write_text(path, header + "0,1,1,,,,,\n");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "bad.csv", "line 1",
                            "sampo-mc-log");
  write_text(path, std::string("# sampo-mc-log 9\n") + header);
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "version 9",
                            "newer");
  write_text(path, "# sampo-mc-log 1\ntest,result,weight,step,p,q,ordinal,epsilon,speed\n");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "unknown column 'speed'");
  write_text(path, "# sampo-mc-log 1\ntest,result,step,p,q,ordinal,epsilon\n");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "'weight' is missing");
  write_text(path, std::string("# sampo-mc-log 1\n") + header + "0,1,0.5,0,0.1,0.2,0,0.1\n0,1,0.5,1,0.3,0,1,0.1\n");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "data row 1 (line 4)",
                            "'q' = 0");
  write_text(path, std::string("# sampo-mc-log 1\n") + header + "0,1,0.5,0,0.1,0.2,0,0.1\n2,1,1,,,,,\n");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "line 4", "field 'test'");
  write_text(path, std::string("# sampo-mc-log 1\n") + header + "0,1,0.5,0,0.1,0.2,0,0.1\n0,0,0.5,1,0.1,0.2,1,0.1\n");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "field 'result'",
                            "differs");
  write_text(path, std::string("# sampo-mc-log 1\n") + header + "0,1,0.5,1,0.1,0.2,0,0.1\n");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "field 'step'",
                            "step 0 was expected");
  write_text(path, std::string("# sampo-mc-log 1\n") + header + "0,1,-2,,,,,\n");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "field 'weight'",
                            "negative");
  write_text(path, std::string("# sampo-mc-log 1\n") + header + "0,1,1,0,1.5,0.2,0,0.1\n");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_csv(path), sampo::io_error, "line 3", "'p' = 1.5");
}

TEST_CASE("Bad NPY logs name the file and the field", "[mc][log_io]") {
  sampo::test::TempDir dir;
  write_test_log_npy(dir / "log", sample_log());
  {
    std::ofstream(dir / "log" / "manifest.json") << R"({"format": "sampo-mc-log", "version": 7})";
  }
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_npy(dir / "log"), sampo::io_error, "manifest.json",
                            "'version'");
  SAMPO_REQUIRE_THROWS_WITH(read_test_log_npy(dir / "nothing"), sampo::io_error, "manifest.json");
}

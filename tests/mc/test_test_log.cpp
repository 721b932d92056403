#include "sampo/mc/test_log.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::mc;

TEST_CASE("TestLogBuilder: tests, steps and the default weight", "[mc][test_log]") {
  TestLogSchema schema;
  schema.controls = {"h"};
  schema.features = {"gap", "v"};
  schema.surrogates = {"idm"};
  TestLogBuilder b(schema);
  const std::vector<double> f1{12.0, 30.0}, f2{8.0, 29.0}, sv{0.1}, sm{0.05}, c{0.5};
  b.step(0.02, 0.5, 3, 0.1, f1, sv, sm).step(0.5, 0.25, 4, 0.1, f2, sv, sm);
  CHECK(b.open_steps() == 2);
  b.end_test(1.0, -1.0, c);                 // weight: (0.02/0.5)·(0.5/0.25) = 0.08
  b.end_test(0.0, 1.0, c);                  // a test without critical steps
  const TestLog log = std::move(b).finish();
  REQUIRE(log.tests() == 2);
  REQUIRE(log.steps() == 2);
  CHECK(log.step_count(0) == 2);
  CHECK(log.step_count(1) == 0);
  // 0.02/0.5 = 0.04 and 0.5/0.25 = 2 are rounded once each, their product once more.
  CHECK(log.weight(0) == Approx(0.08).epsilon(4e-16));
  CHECK(log.weight(1) == 1.0);
  CHECK(log.control(1, 0) == 0.5);
  CHECK(log.step_weight(1) == 2.0);
  CHECK(log.ordinal(1) == 4);
  CHECK(log.feature(1, 1) == 29.0);
  CHECK(log.surrogate_value(0, 0) == 0.1);
  CHECK(log.surrogate_mean(1, 0) == 0.05);
  CHECK(log.binary_results());
  CHECK_FALSE(log.naturalistic());
}

TEST_CASE("TestLogBuilder refuses bad input, naming the argument, test and step",
          "[mc][test_log]") {
  TestLogBuilder b;
  b.end_test(0.0);
  SAMPO_REQUIRE_THROWS_WITH(b.step(1.5, 0.5, 0, 0.1), sampo::invalid_argument, "'p' = 1.5",
                            "test 1, step 0");
  SAMPO_REQUIRE_THROWS_WITH(b.step(0.5, 0.0, 0, 0.1), sampo::invalid_argument, "'q' = 0",
                            "cannot have been sampled");
  SAMPO_REQUIRE_THROWS_WITH(b.step(0.5, -0.1, 0, 0.1), sampo::invalid_argument, "'q' = -0.1");
  SAMPO_REQUIRE_THROWS_WITH(b.step(0.5, 0.5, -1, 0.1), sampo::invalid_argument, "'ordinal' = -1");
  SAMPO_REQUIRE_THROWS_WITH(b.step(0.5, 0.5, 0, 2.0), sampo::invalid_argument, "'epsilon' = 2");
  const std::vector<double> one{1.0};
  SAMPO_REQUIRE_THROWS_WITH(b.step(0.5, 0.5, 0, 0.1, one), sampo::invalid_argument,
                            "'features'", "the schema has 0");
  SAMPO_REQUIRE_THROWS_WITH(b.end_test(std::nan("")), sampo::invalid_argument, "'result' = nan");
  SAMPO_REQUIRE_THROWS_WITH(b.end_test(1.0, std::numeric_limits<double>::infinity()),
                            sampo::invalid_argument, "'weight' = inf");
  CHECK(b.tests() == 1);  // nothing was added by the failed calls
  b.step(0.5, 0.5, 0, 0.1);
  SAMPO_REQUIRE_THROWS_WITH(std::move(b).finish(), sampo::invalid_argument, "not closed");
  TestLogSchema twice;
  twice.features = {"a", "a"};
  SAMPO_REQUIRE_THROWS_WITH(TestLogBuilder(twice), sampo::invalid_argument, "features[1]",
                            "appears twice");
  TestLogSchema comma;
  comma.controls = {"a,b"};
  SAMPO_REQUIRE_THROWS_WITH(TestLogBuilder(comma), sampo::invalid_argument, "controls[0]",
                            "letters, digits");
}

#include "sampo/mc/curve.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "mc_fixtures.hpp"
#include "sampo/core/error.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/mc/sparse_control_variates.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::mc;

TEST_CASE("log_head: the first k tests with their steps", "[mc][curve]") {
  testkit::Ladder ladder;
  ladder.surrogate_scale = {1.0, 0.5};
  const TestLog log = ladder.log(300, sampo::testing::fixture_seed());
  // The same tests built from the same draws: a log of 120 tests is the head of one of 300.
  CHECK(log_head(log, 120) == ladder.log(120, sampo::testing::fixture_seed()));
  CHECK(log_head(log, log.tests()) == log);
  const TestLog none = log_head(log, 0);
  CHECK(none.tests() == 0);
  CHECK(none.steps() == 0);
  CHECK(none.schema() == log.schema());
  SAMPO_REQUIRE_THROWS_WITH(log_head(log, 301), sampo::invalid_argument,
                            "sampo::mc::log_head: argument 'k' = 301: exceeds the log's 300 tests");
}

TEST_CASE("curve_checkpoints: log-spaced, increasing, ending at n", "[mc][curve]") {
  const auto c = curve_checkpoints(100000, 20, 40);
  REQUIRE(c.size() <= 40);
  CHECK(c.front() == 20);
  CHECK(c.back() == 100000);
  for (std::size_t i = 1; i < c.size(); ++i) CHECK(c[i] > c[i - 1]);
  // Even in log: the ratio of neighbours is (100000/20)^(1/39) = 1.244 up to the rounding to
  // whole tests (1 test in 20 at the start, hence the 0.06 margin).
  CHECK(double(c[1]) / double(c[0]) == Approx(1.244).margin(0.06));
  // Rounding merges points when the range is short: 5 .. 8 has only 4 whole numbers.
  CHECK(curve_checkpoints(8, 5, 10) == std::vector<std::size_t>{5, 6, 7, 8});
  CHECK(curve_checkpoints(7, 7, 3) == std::vector<std::size_t>{7});
  SAMPO_REQUIRE_THROWS_WITH(curve_checkpoints(0, 1, 5), sampo::invalid_argument,
                            "argument 'n' = 0");
  SAMPO_REQUIRE_THROWS_WITH(curve_checkpoints(10, 0, 5), sampo::invalid_argument,
                            "argument 'first' = 0: must be in [1, n]");
  SAMPO_REQUIRE_THROWS_WITH(curve_checkpoints(10, 11, 5), sampo::invalid_argument,
                            "argument 'first' = 11");
  SAMPO_REQUIRE_THROWS_WITH(curve_checkpoints(10, 1, 1), sampo::invalid_argument,
                            "argument 'points' = 1: must be >= 2");
}

TEST_CASE("precision_curve: each point is the estimator on the prefix", "[mc][curve]") {
  testkit::Ladder ladder;
  const TestLog log = ladder.log(3000, sampo::testing::fixture_seed(), 5);
  const std::vector<std::size_t> at = curve_checkpoints(log.tests(), 20, 12);
  const LogEstimator is = [](const TestLog& l) -> Estimate { return importance_sampling(l); };
  const PrecisionCurve c = precision_curve(log, is, at, 0.3);
  REQUIRE(c.points.size() == at.size());
  for (std::size_t i = 0; i < at.size(); ++i) {
    const auto e = importance_sampling(log_head(log, at[i]));
    CHECK(c.points[i].tests == at[i]);
    CHECK(c.points[i].estimate == e.estimate);  // the same computation: the same bits
    CHECK(c.points[i].standard_error == e.standard_error);
    CHECK(c.points[i].relative_half_width == e.relative_half_width);
  }
  // tests_to_target: from there on every point is <= the target, the one before is not.
  const auto full = importance_sampling(log);
  REQUIRE(full.relative_half_width < 0.3);  // 3000 ladder tests: RHW ≈ 0.1 (checked, not assumed)
  REQUIRE(c.target_reached);
  std::size_t first = 0;
  for (std::size_t i = 0; i < c.points.size(); ++i)
    if (c.points[i].tests == c.tests_to_target) first = i;
  for (std::size_t i = first; i < c.points.size(); ++i) CHECK(c.points[i].relative_half_width <= 0.3);
  if (first > 0) CHECK(!(c.points[first - 1].relative_half_width <= 0.3));
  CHECK(c.run.evaluations == at.size());
  // A target below the last RHW: not reached.
  const PrecisionCurve strict = precision_curve(log, is, at, 1e-6);
  CHECK(!strict.target_reached);
  CHECK(strict.tests_to_target == 0);
}

TEST_CASE("precision_curve: cross-fitted estimators re-fitted per prefix, same bits for 1 and 2 threads",
          "[mc][curve]") {
  testkit::Ladder ladder;
  const TestLog log = ladder.log(2000, sampo::testing::fixture_seed(), 9);
  SparseControlVariateOptions opt;
  opt.chunk = 300;  // several chunks per prefix, so the reduction order is exercised
  const LogEstimator scv = [&](const TestLog& l) -> Estimate {
    return sparse_control_variates(l, opt);
  };
  const auto at = curve_checkpoints(log.tests(), 20, 10);
  const auto one = sampo::test::with_threads(1, [&] { return precision_curve(log, scv, at); });
  const auto two = sampo::test::with_threads(2, [&] { return precision_curve(log, scv, at); });
  REQUIRE(one.points.size() == two.points.size());
  for (std::size_t i = 0; i < one.points.size(); ++i) {
    CHECK(one.points[i].estimate == two.points[i].estimate);
    CHECK(one.points[i].standard_error == two.points[i].standard_error);
    // Re-fitted on the prefix: the folds and coefficients of a log of that many tests.
    CHECK(one.points[i].estimate == sparse_control_variates(log_head(log, at[i]), opt).estimate);
  }
}

TEST_CASE("precision_curve: bad input names the argument", "[mc][curve]") {
  testkit::Ladder ladder;
  const TestLog log = ladder.log(100, sampo::testing::fixture_seed());
  const LogEstimator is = [](const TestLog& l) -> Estimate { return importance_sampling(l); };
  const std::vector<std::size_t> ok{10, 100};
  SAMPO_REQUIRE_THROWS_WITH(precision_curve(TestLog{}, is, ok), sampo::invalid_argument,
                            "argument 'log'");
  SAMPO_REQUIRE_THROWS_WITH(precision_curve(log, is, ok, 0.0), sampo::invalid_argument,
                            "argument 'rhw_target' = 0");
  SAMPO_REQUIRE_THROWS_WITH(precision_curve(log, is, std::vector<std::size_t>{}), sampo::invalid_argument,
                            "argument 'checkpoints'");
  SAMPO_REQUIRE_THROWS_WITH(precision_curve(log, is, std::vector<std::size_t>{0, 10}), sampo::invalid_argument,
                            "argument 'checkpoints[0]' = 0");
  SAMPO_REQUIRE_THROWS_WITH(precision_curve(log, is, std::vector<std::size_t>{10, 101}), sampo::invalid_argument,
                            "argument 'checkpoints[1]' = 101: must be in [1, 100]");
  SAMPO_REQUIRE_THROWS_WITH(precision_curve(log, is, std::vector<std::size_t>{10, 10}), sampo::invalid_argument,
                            "argument 'checkpoints[1]' = 10");
  // An estimator that refuses a prefix (5-fold cross-fitting needs 10 tests): k is named.
  const LogEstimator scv = [](const TestLog& l) -> Estimate { return sparse_control_variates(l); };
  SAMPO_REQUIRE_THROWS_WITH(precision_curve(log, scv, std::vector<std::size_t>{4, 100}), sampo::invalid_argument,
                            "argument 'checkpoints' = 4: the estimator refused the first 4 tests");
}

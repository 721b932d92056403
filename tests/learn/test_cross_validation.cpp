// The generic cross-validation and grid-search drivers: fold bookkeeping, the summary, the
// first-maximum choice, what is skipped and what propagates, cancellation and progress, and
// the same result with 1 and 2 threads.
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/learn/cross_validation.hpp"
#include "sampo/learn/folds.hpp"
#include "sampo/learn/grid_search.hpp"
#include "sampo/parallel/cancellation.hpp"
#include "sampo/parallel/progress.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo::learn;
using sampo::invalid_argument;

TEST_CASE("cross_validate: every item tested once, the summary of the fold scores",
          "[learn][cross_validation]") {
  std::vector<int> labels;
  for (int i = 0; i < 20; ++i) labels.push_back(i % 2);
  CrossValidationOptions cv;
  cv.folds = 4;
  cv.seed = 9;
  const std::vector<int> folds = stratified_folds(labels, cv.folds, cv.seed);
  std::vector<int> tested(labels.size(), 0);
  const CrossValidationResult r = cross_validate(
      labels,
      [&](int f, const FoldSplit& s) {
        CHECK(s.train.size() + s.test.size() == labels.size());
        for (std::size_t i : s.test) {
          CHECK(folds[i] == f);
          ++tested[i];
        }
        return static_cast<double>(f);  // scores 0, 1, 2, 3
      },
      "fold", cv);
  CHECK(tested == std::vector<int>(labels.size(), 1));
  CHECK(r.metric == "fold");
  CHECK(r.fold_scores == std::vector<double>{0, 1, 2, 3});
  CHECK(r.mean == 1.5);
  // Sample variance of 0..3: (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3; sqrt is correctly rounded.
  CHECK(r.stddev == std::sqrt(5.0 / 3.0));
  CHECK(r.run.converged());
  CHECK(r.run.iterations == 4);
  CHECK(r.run.evaluations == 4);
  CHECK(fold_split({0, 1, 0, 1}, 1).test == std::vector<std::size_t>{1, 3});
  CHECK(pick(std::vector<int>{5, 6, 7}, {2, 0}) == std::vector<int>{7, 5});

  // A scorer that is cancelled ends the run with the folds completed.
  const CrossValidationResult c = cross_validate(
      labels,
      [](int f, const FoldSplit&) -> double {
        if (f == 2) throw sampo::parallel::cancelled_error("stop");
        return 1.0;
      },
      "x", cv);
  CHECK(c.run.termination == sampo::Termination::user_stopped);
  CHECK(c.fold_scores.size() == 2);
  cv.folds = 1;
  SAMPO_REQUIRE_THROWS_WITH(cross_validate(
                                labels, [](int, const FoldSplit&) { return 0.0; }, "x", cv),
                            invalid_argument, "CrossValidationOptions", "'folds' = 1");
}

TEST_CASE("grid_search: first maximum, skips, lowest-index error, same with 1 and 2 threads",
          "[learn][grid_search]") {
  // Point p scores {p % 5, 4 - p % 5}: the maximum 4 first occurs at (point 0, setting 1).
  // Points 0 and 1 are skipped (empty; not SPD), so the first maximum is point 4's setting 0.
  auto scorer = [](std::size_t p) -> std::vector<double> {
    if (p == 0) return {};
    if (p == 1) sampo::throw_not_spd("f", "x", -1.0);
    const double v = static_cast<double>(p % 5);
    return {v, 4.0 - v};
  };
  const GridSearchResult one =
      sampo::test::with_threads(1, [&] { return grid_search(12, 2, scorer); });
  const GridSearchResult two =
      sampo::test::with_threads(2, [&] { return grid_search(12, 2, scorer); });
  REQUIRE(one.best);
  CHECK(*one.best == 4 * 2 + 0);
  CHECK(std::isnan(one.scores[0]));
  CHECK(std::isnan(one.scores[3]));
  CHECK(one.run.evaluations == 10);
  CHECK(one.run.iterations == 12);
  REQUIRE(two.best);
  CHECK(*two.best == *one.best);
  for (std::size_t k = 0; k < one.scores.size(); ++k)
    CHECK((one.scores[k] == two.scores[k] ||
           (std::isnan(one.scores[k]) && std::isnan(two.scores[k]))));

  // Every point skipped: no best, yet converged.
  const GridSearchResult none =
      grid_search(3, 1, [](std::size_t) { return std::vector<double>{}; });
  CHECK(!none.best);
  CHECK(none.run.converged());

  // Another error propagates, the lowest failing point's, with any thread count; an
  // invalid_argument that is not a not_spd_error is not skipped.
  auto failing = [](std::size_t p) -> std::vector<double> {
    if (p >= 3) throw sampo::invalid_argument(std::string("point ").append(std::to_string(p)));
    return {1.0};
  };
  for (int threads : {1, 2})
    sampo::test::with_threads(threads, [&] {
      SAMPO_REQUIRE_THROWS_WITH(grid_search(16, 1, failing), invalid_argument, "point 3");
    });
  // options.order (the order the points are handed out) changes neither the scores, nor the
  // choice, nor the error: reversed, the lowest failing point's error is still raised.
  GridSearchOptions reversed;
  for (std::size_t p = 12; p-- > 0;) reversed.order.push_back(p);
  for (int threads : {1, 2}) {
    const GridSearchResult r =
        sampo::test::with_threads(threads, [&] { return grid_search(12, 2, scorer, reversed); });
    REQUIRE(r.best);
    CHECK(*r.best == *one.best);
    CHECK(r.run.evaluations == one.run.evaluations);
    for (std::size_t k = 0; k < one.scores.size(); ++k)
      CHECK((one.scores[k] == r.scores[k] || (std::isnan(one.scores[k]) && std::isnan(r.scores[k]))));
  }
  GridSearchOptions reversed16;
  for (std::size_t p = 16; p-- > 0;) reversed16.order.push_back(p);
  for (int threads : {1, 2})
    sampo::test::with_threads(threads, [&] {
      SAMPO_REQUIRE_THROWS_WITH(grid_search(16, 1, failing, reversed16), invalid_argument,
                                "point 3");
    });
  GridSearchOptions not_permutation;
  not_permutation.order = {0, 0};
  SAMPO_REQUIRE_THROWS_WITH(grid_search(2, 1, scorer, not_permutation), invalid_argument,
                            "'options.order'", "permutation");
  not_permutation.order = {0};
  SAMPO_REQUIRE_THROWS_WITH(grid_search(2, 1, scorer, not_permutation), invalid_argument,
                            "'options.order'");
  SAMPO_REQUIRE_THROWS_WITH(grid_search(2, 2, [](std::size_t) { return std::vector<double>{1.0}; }),
                            invalid_argument, "returned 1 scores for point 0");
  SAMPO_REQUIRE_THROWS_WITH(grid_search(2, 0, scorer), invalid_argument, "'settings' = 0");
  GridSearchOptions bad;
  bad.threads = -1;
  SAMPO_REQUIRE_THROWS_WITH(grid_search(2, 1, scorer, bad), invalid_argument, "'threads' = -1");
}

TEST_CASE("grid_search: progress and cancellation hooks", "[learn][grid_search]") {
  sampo::parallel::Progress progress(7, "grid", false);
  GridSearchOptions o;
  o.progress = &progress;
  const GridSearchResult r = grid_search(
      7, 1, [](std::size_t p) { return std::vector<double>{double(p)}; }, o);
  CHECK(progress.done() == 7);
  REQUIRE(r.best);
  CHECK(*r.best == 6);
  sampo::parallel::CancellationFlag flag;
  flag.cancel();
  o.progress = nullptr;
  o.cancel = &flag;
  const GridSearchResult c = grid_search(
      7, 1, [](std::size_t p) { return std::vector<double>{double(p)}; }, o);
  CHECK(c.run.termination == sampo::Termination::user_stopped);
  CHECK(!c.best);
}

#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/riemann/evaluation.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"
#include "thread_count.hpp"

using namespace sampo::riemann;
using namespace sampo::test;
using sampo::invalid_argument;

namespace {
PipelineOptions of(PipelineKind k) {
  PipelineOptions o;
  o.kind = k;
  return o;
}
CrossValidationOptions cv(int folds, std::uint64_t seed) {
  CrossValidationOptions o;
  o.folds = folds;
  o.seed = seed;
  return o;
}
}  // namespace

TEST_CASE("stratified folds are balanced and seeded", "[riemann][evaluation]") {
  // Properties only (the shuffle itself is whatever the seeded stream gives): every trial in
  // exactly one fold, the counts of each class in two folds differ by at most 1, the same
  // seed gives the same folds, another seed other folds.
  std::vector<int> two;
  for (int i = 0; i < 23; ++i) two.push_back(i < 13 ? 1 : 2);
  std::vector<int> three;  // interleaved, unsorted labels of unequal class sizes
  for (int i = 0; i < 31; ++i) three.push_back(i % 3 == 0 ? 7 : (i % 2 == 0 ? -4 : 5));
  for (const std::vector<int>& y : {two, three})
    for (int k : {2, 3, 5})
      for (std::uint64_t seed : {0u, 1u, 42u, 12345u}) {
        INFO("classes " << (y == two ? 2 : 3) << ", folds " << k << ", seed " << seed);
        const std::vector<int> f = stratified_folds(y, k, seed);
        REQUIRE(f.size() == y.size());
        CHECK(std::all_of(f.begin(), f.end(), [k](int v) { return v >= 0 && v < k; }));
        for (int c : {1, 2, 7, -4, 5}) {
          std::vector<int> count(static_cast<std::size_t>(k), 0);
          for (std::size_t i = 0; i < y.size(); ++i)
            if (y[i] == c) ++count[static_cast<std::size_t>(f[i])];
          CHECK(*std::max_element(count.begin(), count.end()) -
                    *std::min_element(count.begin(), count.end()) <=
                1);
        }
        CHECK(f == stratified_folds(y, k, seed));
        // Independent shuffles give the same folds with probability 1 / (number of distinct
        // fold assignments), at most 1 / (C(13, 6) C(10, 5)) = 2.3e-6 here (two classes, 2 folds).
        CHECK(f != stratified_folds(y, k, seed + 1));
      }
  // A shuffle, not a fixed order: with 4 classes of 5 trials in 5 folds, a uniform shuffle
  // puts each trial in each fold with probability 1/5. Over 500 seeds a count is
  // Binomial(500, 1/5): mean 100, sd 8.9; 5 sd is 45 (an unshuffled deal gives 0 or 500).
  std::vector<int> even;
  for (int i = 0; i < 20; ++i) even.push_back(i / 5);
  std::vector<std::vector<int>> hits(20, std::vector<int>(5, 0));
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    const std::vector<int> f = stratified_folds(even, 5, seed);
    for (std::size_t i = 0; i < 20; ++i) ++hits[i][static_cast<std::size_t>(f[i])];
  }
  for (std::size_t i = 0; i < 20; ++i)
    for (int h : hits[i]) {
      INFO("trial " << i);
      CHECK(std::abs(h - 100) <= 45);
    }
  SAMPO_REQUIRE_THROWS_WITH(stratified_folds({1, 1, 2, 2, 2}, 3, 1), invalid_argument,
                            "class has 2 trials");
  SAMPO_REQUIRE_THROWS_WITH(stratified_folds(two, 1, 1), invalid_argument, "'folds' = 1");
}

TEST_CASE("ROC-AUC and accuracy", "[riemann][evaluation]") {
  // scikit-learn's roc_auc_score documentation example: 0.75.
  CHECK(roc_auc(Eigen::Vector4d(0.1, 0.4, 0.35, 0.8), {0, 0, 1, 1}, 1) == 0.75);
  CHECK(roc_auc(Eigen::Vector4d(1, 2, 3, 4), {0, 0, 1, 1}, 1) == 1.0);
  CHECK(roc_auc(Eigen::Vector4d(1, 2, 3, 4), {0, 0, 1, 1}, 0) == 0.0);
  CHECK(roc_auc(Eigen::Vector4d(1, 1, 1, 1), {0, 1, 0, 1}, 1) == 0.5);   // ties count 1/2
  CHECK(roc_auc(Eigen::Vector3d(0.2, 0.2, 0.9), {5, 9, 9}, 9) == 0.75);  // one tie: (0.5 + 1) / 2
  SAMPO_REQUIRE_THROWS_WITH(roc_auc(Eigen::Vector2d(1, 2), {1, 1}, 1), invalid_argument, "both");
  SAMPO_REQUIRE_THROWS_WITH(roc_auc(Eigen::Vector2d(1, 2), {1}, 1), invalid_argument,
                            "1 entries for 2");
  CHECK(accuracy({1, 2, 3, 4}, {1, 2, 0, 4}) == 0.75);
  SAMPO_REQUIRE_THROWS_WITH(accuracy({1}, {1, 2}), invalid_argument, "1 entries for 2");
}

TEST_CASE("cross-validation and the nested ACM grid search", "[riemann][evaluation]") {
  const Trials two = make_trials(15, 2, 4, 120, 120, 0.6);
  for (PipelineKind k : {PipelineKind::mdm, PipelineKind::ts_lr, PipelineKind::ts_svm}) {
    PipelineOptions o;
    o.kind = k;
    const CrossValidationResult r = cross_validate(two.x, two.y, o);
    INFO(to_string(k));
    CHECK(r.metric == "roc_auc");
    REQUIRE(r.fold_scores.size() == 5);
    CHECK(r.mean >= 0.85);  // separable classes (a 1.6x source), 24 training trials per fold
    CHECK(r.mean <= 1.0);
    // Seeded: the same folds, the same scores.
    CHECK(cross_validate(two.x, two.y, o).fold_scores == r.fold_scores);
  }
  const Trials three = make_trials(10, 3, 4, 120, 121);
  const CrossValidationResult r3 = cross_validate(three.x, three.y, of(PipelineKind::mdm));
  CHECK(r3.metric == "accuracy");
  CHECK(r3.mean >= 0.8);

  GridOptions g;
  g.orders = {1, 2};
  g.lags = {1, 3};
  g.cs = {1.0};
  g.kernels = {Kernel::linear};
  PipelineOptions acm;
  acm.kind = PipelineKind::acm_ts_svm;
  const CrossValidationResult gs = grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 7));
  REQUIRE(gs.fold_scores.size() == 3);
  REQUIRE(gs.chosen.size() == 3);
  for (const auto& c : gs.chosen) {
    CHECK((c.order == 1 || c.order == 2));
    CHECK((c.lag == 1 || c.lag == 3));
  }
  CHECK(gs.mean >= 0.8);
  acm.kind = PipelineKind::acm_mdm;
  CHECK(grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 7)).mean >= 0.8);
  g.orders = {40};  // 40 * 4 channels > T': no usable point
  SAMPO_REQUIRE_THROWS_WITH(grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 7)),
                            invalid_argument, "no (order, lag)");
  SAMPO_REQUIRE_THROWS_WITH(grid_search_cross_validate(two.x, two.y, of(PipelineKind::mdm), {}, {}),
                            invalid_argument, "acm-ts-svm and acm-mdm");
}

TEST_CASE("ACM grid search: same scores with 1 and 2 threads; real errors are not skipped",
          "[riemann][evaluation]") {
  const Trials two = make_trials(12, 2, 3, 100, 130, 0.6);
  GridOptions g;
  g.orders = {1, 2, 30};  // order 30: 90 x 90 ACMs from 70 samples (lag 1) are not SPD, and
  g.lags = {1, 2};        // lag 2 leaves 100 - 60 = 40 samples: both skipped
  g.cs = {0.5, 1.0};
  g.kernels = {Kernel::linear};
  PipelineOptions acm;
  acm.kind = PipelineKind::acm_ts_svm;
  for (PipelineKind k : {PipelineKind::acm_ts_svm, PipelineKind::acm_mdm}) {
    INFO(to_string(k));
    acm.kind = k;
    const CrossValidationResult one =
        with_threads(1, [&] { return grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 5)); });
    const CrossValidationResult par =
        with_threads(2, [&] { return grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 5)); });
    CHECK(one.fold_scores == par.fold_scores);  // == on every score
    REQUIRE(one.chosen.size() == par.chosen.size());
    for (std::size_t f = 0; f < one.chosen.size(); ++f) {
      CHECK(one.chosen[f].order == par.chosen[f].order);
      CHECK(one.chosen[f].lag == par.chosen[f].lag);
      CHECK(one.chosen[f].order != 30);
      CHECK(one.chosen[f].svm.c == par.chosen[f].svm.c);
    }
  }
  // A NaN in a trial is bad input, not a grid point to skip: the error names it, with any
  // thread count (every point used to swallow it, and the search ended with the misleading
  // "no (order, lag) gives SPD ...").
  Trials bad = two;
  for (auto& x : bad.x) x(1, 17) = std::numeric_limits<double>::quiet_NaN();
  acm.kind = PipelineKind::acm_ts_svm;
  for (int threads : {1, 2})
    for (int repeat = 0; repeat < 3; ++repeat) {
      INFO("threads " << threads);
      with_threads(threads, [&] {
        try {
          (void)grid_search_cross_validate(bad.x, bad.y, acm, g, cv(3, 5));
          FAIL("no exception");
        } catch (const invalid_argument& e) {
          const std::string what = e.what();
          INFO(what);
          CHECK(what.find("no (order, lag)") == std::string::npos);
          CHECK(what.find("augmented_covariance") != std::string::npos);
          CHECK(what.find("is nan") != std::string::npos);
        }
      });
    }
}

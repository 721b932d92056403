#include <Eigen/Dense>
#include <algorithm>

#include "sampo/core/error.hpp"
#include "sampo/riemann/evaluation.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"

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
  std::vector<int> y;
  for (int i = 0; i < 23; ++i) y.push_back(i < 13 ? 1 : 2);
  const auto f = stratified_folds(y, 5, 42);
  CHECK(f == stratified_folds(y, 5, 42));
  CHECK(f != stratified_folds(y, 5, 43));
  for (int fold = 0; fold < 5; ++fold) {
    int n1 = 0, n2 = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (f[i] == fold) (y[i] == 1 ? n1 : n2)++;
    CHECK(n1 >= 2);  // 13 over 5 folds: 2 or 3
    CHECK(n1 <= 3);
    CHECK(n2 == 2);  // 10 over 5 folds
  }
  SAMPO_REQUIRE_THROWS_WITH(stratified_folds({1, 1, 2, 2, 2}, 3, 1), invalid_argument,
                            "class has 2 trials");
  SAMPO_REQUIRE_THROWS_WITH(stratified_folds(y, 1, 1), invalid_argument, "'folds' = 1");
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

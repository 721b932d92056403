#include <Eigen/Dense>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/learn/metrics.hpp"
#include "sampo_test.hpp"

using namespace sampo::learn;
using sampo::invalid_argument;

TEST_CASE("ROC-AUC and accuracy", "[learn][metrics]") {
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

TEST_CASE("classification_score: ROC-AUC for two classes, accuracy otherwise", "[learn][metrics]") {
  CHECK(classification_metric(2) == "roc_auc");
  CHECK(classification_metric(3) == "accuracy");
  Eigen::MatrixXd two(4, 2);
  two << -0.1, 0.1, -0.4, 0.4, -0.35, 0.35, -0.8, 0.8;  // column 1 = the roc_auc example above
  CHECK(classification_score({0, 1}, two, {0, 0, 1, 1}) == 0.75);
  Eigen::MatrixXd three(3, 3);
  three << 1, 0, 0, 0, 2, 1, 0, 0, 3;  // argmax: classes 5, 6, 9
  CHECK(classification_score({5, 6, 9}, three, {5, 9, 9}) == Approx(2.0 / 3.0).epsilon(0));
}

#include <Eigen/Dense>
#include <cmath>

#include "sampo/core/error.hpp"
#include "sampo/riemann/linear_classifier.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"

using namespace sampo::riemann;
using namespace sampo::test;
using sampo::invalid_argument;

TEST_CASE("SVM: the hard-margin closed form and label orientation",
          "[riemann][linear_classifier]") {
  // Two points per class at x1 = -1 (class 7) and x1 = +1 (class 3); with a large C the
  // maximum-margin separator is x1 = 0 with w = (1, 0), b = 0, so f(x) = x1 for class 7
  // (classes() = {3, 7}: positive scores mean 7).
  Eigen::MatrixXd x(4, 2);
  x << -1, 0.5, -1, -0.5, 1, 0.5, 1, -0.5;
  const std::vector<int> y{3, 3, 7, 7};
  SvmOptions o;
  o.c = 1e3;
  o.tolerance = 1e-8;
  Svm svm(o);
  svm.fit(x, y);
  REQUIRE(svm.classes() == std::vector<int>{3, 7});
  Eigen::MatrixXd q(3, 2);
  q << 0.5, 0, -0.25, 3, 2, -1;
  const Eigen::MatrixXd f = svm.decision_function(q);
  REQUIRE(f.cols() == 1);
  // LIBSVM's SMO stops at tolerance 1e-8 on the dual: |f - x1| ~ 1e-8.
  CHECK(f(0, 0) == Approx(0.5).margin(1e-6));
  CHECK(f(1, 0) == Approx(-0.25).margin(1e-6));
  CHECK(f(2, 0) == Approx(2.0).margin(1e-6));
  CHECK(svm.predict(q) == std::vector<int>{7, 3, 7});
  // All four points lie on the margin; the dual may put weight on two or on all four.
  CHECK(svm.support_vector_count() >= 2);
  CHECK(svm.support_vector_count() <= 4);
  // Same data, labels listed in the other order: same orientation.
  Svm svm2(o);
  svm2.fit(x.colwise().reverse(), {7, 7, 3, 3});
  CHECK(svm2.decision_function(Eigen::RowVector2d(0.5, 0))(0, 0) == Approx(0.5).margin(1e-6));
}

TEST_CASE("logistic regression and RBF SVM on separable data; multiclass",
          "[riemann][linear_classifier]") {
  const Eigen::MatrixXd z = normal_matrix(60, 3, 100);
  Eigen::MatrixXd x = z;
  std::vector<int> y(60);
  for (int i = 0; i < 60; ++i) {
    y[std::size_t(i)] = i % 3;
    x(i, i % 3) += 6.0;  // class k shifted by 6 along axis k: linearly separable
  }
  LogisticRegression lr;
  lr.fit(x, y);
  CHECK(lr.predict(x) == y);
  const Eigen::MatrixXd d = lr.decision_function(x);
  REQUIRE(d.cols() == 3);
  const Eigen::MatrixXd w = lr.coefficients();
  REQUIRE(w.rows() == 3);
  REQUIRE(w.cols() == 4);      // 3 weights + intercept
  for (int i = 0; i < 5; ++i)  // the decision is w . [x, 1]
    CHECK(d(i, 0) == Approx(w.row(0).head(3).dot(x.row(i)) + w(0, 3)).epsilon(1e-12));
  Svm rbf({Kernel::rbf});
  rbf.fit(x, y);
  CHECK(rbf.predict(x) == y);
  const double mean = x.mean();
  CHECK(rbf.gamma() == Approx(1.0 / (3.0 * (x.array() - mean).square().mean())).epsilon(1e-14));
  const Eigen::MatrixXd dv = rbf.decision_function(x);
  for (Eigen::Index i = 0; i < dv.rows(); ++i) {
    Eigen::Index k;
    dv.row(i).maxCoeff(&k);
    CHECK(int(k) == y[std::size_t(i)]);
  }
  // Two classes: one column, positive for classes()[1].
  std::vector<int> y2(60);
  for (int i = 0; i < 60; ++i) y2[std::size_t(i)] = (i % 3 == 1) ? 4 : -1;
  LogisticRegression lr2;
  lr2.fit(x, y2);
  const Eigen::MatrixXd d2 = lr2.decision_function(x);
  REQUIRE(d2.cols() == 1);
  for (int i = 0; i < 60; ++i) CHECK((d2(i, 0) > 0) == (y2[std::size_t(i)] == 4));

  SAMPO_REQUIRE_THROWS_WITH(LogisticRegression({-1.0}), invalid_argument, "'c' = -1");
  SAMPO_REQUIRE_THROWS_WITH(Svm({Kernel::linear, 0.0}), invalid_argument, "'c' = 0");
  SAMPO_REQUIRE_THROWS_WITH(lr.decision_function(Eigen::MatrixXd::Ones(2, 5)), invalid_argument,
                            "shape 2x5");
  SAMPO_REQUIRE_THROWS_WITH(LogisticRegression().predict(x), invalid_argument, "not fitted");
  SAMPO_REQUIRE_THROWS_WITH(Svm().fit(x, std::vector<int>(60, 1)), invalid_argument,
                            "single class");
  Eigen::MatrixXd bad = x;
  bad(3, 1) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(Svm().fit(bad, y), invalid_argument, "(3, 1)");
}

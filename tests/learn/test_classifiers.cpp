#include <Eigen/Dense>
#include <cmath>
#include <string>
#include <vector>

#include "engine.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/log.hpp"
#include "sampo/learn/logistic_regression.hpp"
#include "sampo/learn/svm.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"

using namespace sampo::learn;
using sampo::invalid_argument;
using sampo::testing::fixture_seed;

TEST_CASE("SVM: the hard-margin closed form and label orientation", "[learn][classifiers]") {
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

TEST_CASE("logistic regression and RBF SVM on separable data; multiclass", "[learn][classifiers]") {
  const Eigen::MatrixXd z = sampo::testing::normal_matrix(60, 3, fixture_seed(), 100);
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

TEST_CASE("fit reports how the engine trained", "[learn][classifiers]") {
  Eigen::MatrixXd x(4, 2);
  x << -1, 0.5, -1, -0.5, 1, 0.5, 1, -0.5;
  const std::vector<int> y{3, 3, 7, 7};
  // LIBSVM prints "optimization finished, #iter = N" once per binary problem: one here.
  const ClassifierFitResult svm = Svm().fit(x, y);
  CHECK(svm.run.converged());
  CHECK(svm.run.iterations >= 1);
  CHECK(svm.run.seconds >= 0.0);
  const ClassifierFitResult lr = LogisticRegression().fit(x, y);
  CHECK(lr.run.converged());
  CHECK(lr.run.message.find("LIBLINEAR") != std::string::npos);
  // The engine's other lines go to sampo::log at debug level, prefixed with its name.
  std::vector<std::string> lines;
  const sampo::LogLevel level = sampo::log_level();
  sampo::set_log_level(sampo::LogLevel::debug);
  const sampo::LogSink previous =
      sampo::set_log_sink([&](sampo::LogLevel, std::string_view m) { lines.emplace_back(m); });
  (void)Svm().fit(x, y);
  sampo::set_log_sink(previous);
  sampo::set_log_level(level);
  bool seen = false;
  for (const auto& l : lines) seen = seen || l.rfind("LIBSVM: optimization finished", 0) == 0;
  CHECK(seen);
}

TEST_CASE("engine output: the iteration-limit warning becomes max_iterations",
          "[learn][classifiers]") {
  // The engines' limits (LIBSVM 10^7 iterations, LIBLINEAR 1000 Newton steps) are not
  // reachable in a unit test's time: the parser is fed their exact text instead.
  sampo::learn::detail::EngineOutput out("LIBSVM");
  out.append("*\noptimization finished, #iter = 12\n");
  out.append("\nWARNING: reaching max number of iterations\n");
  out.append("optimization finished, #iter = 30\nnu = 0.5\n");
  const sampo::Run run = out.finish(0.25);
  CHECK(run.termination == sampo::Termination::max_iterations);
  CHECK(run.message == "LIBSVM: WARNING: reaching max number of iterations");
  CHECK(run.iterations == 42);
  CHECK(run.seconds == 0.25);
  sampo::learn::detail::EngineOutput lin("LIBLINEAR");
  lin.append("iter  1 act 1.0e+00 pre 1.0e+00\niter  2 act 1.0e-01 pre 1.0e-01\n");
  const sampo::Run ok = lin.finish(0.0);
  CHECK(ok.converged());
  CHECK(ok.iterations == 2);
}

TEST_CASE("kernel names", "[learn][classifiers]") {
  CHECK(kernel_from_string("linear") == Kernel::linear);
  CHECK(kernel_from_string("rbf") == Kernel::rbf);
  CHECK(kernel_from_string(to_string(Kernel::rbf)) == Kernel::rbf);
  CHECK(to_string(Kernel::linear) == "linear");
  SAMPO_REQUIRE_THROWS_WITH(kernel_from_string("poly"), invalid_argument,
                            "sampo::learn::kernel_from_string", "'kernel' = poly", "linear, rbf");
}

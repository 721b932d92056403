#include "sampo/sketch/regression.hpp"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo_test.hpp"
#include "sketch_test_util.hpp"

using namespace sampo;
using namespace sampo::sketch;

TEST_CASE("lp regression: p = 2 is least squares; an exact fit is found", "[sketch][regression]") {
  const Eigen::MatrixXd a = sampo::testing::normal_matrix(100, 4, sampo::testing::fixture_seed(14), 0);
  const Eigen::VectorXd b = sampo::testing::normal_matrix(100, 1, sampo::testing::fixture_seed(14), 1);
  const LpRegressionResult r = lp_regression(a, b, 2.0);
  const Eigen::VectorXd ls = a.colPivHouseholderQr().solve(b);
  // κ(A) ≈ 1.5: both solutions are accurate to a few hundred eps.
  CHECK((r.x - ls).norm() <= 1e-12 * ls.norm());
  CHECK(r.run.converged());
  Eigen::Vector4d x0(1, -2, 0.5, 3);
  const LpRegressionResult e = lp_regression(a, a * x0, 1.0);
  CHECK((e.x - x0).norm() <= 1e-12 * x0.norm());
  CHECK(e.run.converged());
}

TEST_CASE("lp regression: p = 1 intercept is the median", "[sketch][regression]") {
  Eigen::VectorXd b(7);
  b << 3, -1, 8, 2, 100, 0.5, 4;  // median 3
  const LpRegressionResult r = lp_regression(Eigen::VectorXd::Ones(7), b, 1.0);
  CHECK(r.run.converged());
  // ‖1x − b‖₁ has slope >= 1 away from the median, so |x − 3| <= objective gap <= 1e-8·objective.
  CHECK(std::abs(r.x(0) - 3.0) <= 1e-8 * r.objective + 1e-12);
  CHECK(r.objective == Approx(110.5).epsilon(1e-8));  // 0+4+5+1+97+2.5+1
}

TEST_CASE("lp regression: certified optimum for p in {1, 1.5, 3, 6}", "[sketch][regression]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(150, 3, sampo::testing::fixture_seed(15));
  const Eigen::VectorXd b = sampo::testing::normal_matrix(150, 1, sampo::testing::fixture_seed(15), 5);
  for (double p : {1.0, 1.5, 3.0, 6.0}) {
    CAPTURE(p);
    const LpRegressionResult r = lp_regression(a, b, p);
    CHECK(r.run.converged());
    CHECK(r.relative_gap <= 1e-8);
    CHECK(r.lower_bound <= r.objective * (1 + 1e-12));  // two evaluations of one residual
    // No coordinate perturbation improves the objective by more than the certified gap.
    for (Eigen::Index j = 0; j < 3; ++j)
      for (double h : {1e-3, -1e-3}) {
        Eigen::VectorXd x = r.x;
        x(j) += h;
        const double v = std::pow((a * x - b).array().abs().pow(p).sum(), 1.0 / p);
        CHECK(v >= r.lower_bound * (1 - 1e-12));
      }
  }
}

TEST_CASE("lp regression: bad input names the argument", "[sketch][regression]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Ones(5, 1);
  SAMPO_REQUIRE_THROWS_WITH(lp_regression(a, Eigen::VectorXd::Ones(4), 1.0),
                            sampo::invalid_argument, "b.size()", "4");
  Eigen::VectorXd b = Eigen::VectorXd::Ones(5);
  b(2) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(lp_regression(a, b, 1.0), sampo::invalid_argument, "'b'");
  SAMPO_REQUIRE_THROWS_WITH(lp_regression(a, Eigen::VectorXd::Ones(5), 0.0),
                            sampo::invalid_argument, "'p'");
}

TEST_CASE("regression error ratio of a sample", "[sketch][regression]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(120, 3, sampo::testing::fixture_seed(19));
  const Eigen::VectorXd b = sampo::testing::normal_matrix(120, 1, sampo::testing::fixture_seed(19), 7);
  // Every row with weight 1: the sampled problem is the full one, ratio 1 (two identical solves).
  std::vector<Eigen::Index> all(120);
  for (Eigen::Index i = 0; i < 120; ++i) all[static_cast<std::size_t>(i)] = i;
  const RegressionRatioResult same = regression_error_ratio(a, b, all, Eigen::VectorXd::Ones(120), 1.5);
  CHECK(same.ratio == Approx(1.0).epsilon(1e-12));
  // Half the rows: x̃ is feasible for the full problem, so the ratio is >= 1 − the certified gap.
  std::vector<Eigen::Index> half;
  for (Eigen::Index i = 0; i < 120; i += 2) half.push_back(i);
  const RegressionRatioResult r =
      regression_error_ratio(a, b, half, Eigen::VectorXd::Constant(60, std::pow(2.0, 1 / 1.5)), 1.5);
  CHECK(r.ratio >= 1.0 - 1e-8);
  CHECK(r.full.run.converged());
  CHECK(r.sampled.run.converged());
  CHECK(r.run.converged());
  SAMPO_REQUIRE_THROWS_WITH(regression_error_ratio(a, b, {0, 1, 500}, Eigen::VectorXd::Ones(3), 1.0),
                            sampo::invalid_argument, "indices[2]", "500");
  SAMPO_REQUIRE_THROWS_WITH(regression_error_ratio(a, b, {0, 1}, Eigen::VectorXd::Ones(2), 1.0),
                            sampo::invalid_argument, "indices.size()", "2");
  SAMPO_REQUIRE_THROWS_WITH(regression_error_ratio(a, b, {0, 1, 2}, Eigen::VectorXd::Ones(2), 1.0),
                            sampo::invalid_argument, "weights.size()", "2");
}

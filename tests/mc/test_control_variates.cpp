#include "sampo/mc/control_variates.hpp"

#include <cmath>

#include "sampo/core/error.hpp"
#include "sampo/linalg/normal.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::mc;

TEST_CASE("control variates: an exactly linear result gives the intercept with zero residual",
          "[mc][control_variates]") {
  // y = 3 + 2 h1 − h2 exactly: every fold's slope is (2, −1) up to rounding, so each adjusted
  // value is 3 up to a few ulps of |y| (≈ 10), and the standard error is rounding noise.
  const Eigen::MatrixXd h = sampo::testing::normal_matrix(200, 2, sampo::testing::fixture_seed(), 1);
  const Eigen::VectorXd y = (3.0 + (2.0 * h.col(0) - h.col(1)).array()).matrix();
  const ControlVariateResult r = control_variates(y, h);
  CHECK(r.estimate == Approx(3.0).epsilon(1e-13));
  CHECK(r.standard_error < 1e-13);
  CHECK(r.coefficients(0) == Approx(2.0).epsilon(1e-12));
  CHECK(r.coefficients(1) == Approx(-1.0).epsilon(1e-12));
  CHECK(r.rank == 2);
  CHECK_FALSE(r.collinear);
  CHECK(r.fold_coefficients.rows() == 5);
  CHECK(r.r_squared == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("control variates: constant and collinear controls are reported, not fatal",
          "[mc][control_variates]") {
  const std::uint64_t seed = sampo::testing::fixture_seed();
  const Eigen::MatrixXd g = sampo::testing::normal_matrix(300, 2, seed, 2);
  Eigen::MatrixXd h(300, 4);
  h.col(0) = g.col(0);
  h.col(1) = Eigen::VectorXd::Zero(300);  // constant
  h.col(2) = 2.0 * g.col(0);              // collinear with column 0
  h.col(3) = g.col(1);
  const Eigen::VectorXd y = (0.5 + g.col(0).array() + 0.1 * g.col(1).array()).matrix();
  const ControlVariateResult r = control_variates(y, h);
  REQUIRE(r.constant_controls.size() == 1);
  CHECK(r.constant_controls[0] == "h1");
  CHECK(r.rank == 2);
  CHECK(r.collinear);
  // The minimum-norm slope still reproduces y exactly: the estimate is the intercept.
  CHECK(r.estimate == Approx(0.5).epsilon(1e-12));
}

TEST_CASE("control variates: bad input names the argument", "[mc][control_variates]") {
  Eigen::VectorXd y = Eigen::VectorXd::Ones(20);
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(20, 1);
  h(7, 0) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(control_variates(y, h), sampo::invalid_argument, "row 7");
  SAMPO_REQUIRE_THROWS_WITH(control_variates(y, Eigen::MatrixXd::Zero(19, 1)),
                            sampo::invalid_argument, "'h'");
  ControlVariateOptions opt;
  opt.folds = 11;  // 20 tests < 2·11
  SAMPO_REQUIRE_THROWS_WITH(control_variates(y, Eigen::MatrixXd::Zero(20, 1), opt),
                            sampo::invalid_argument, "20 tests", "11 folds");
  opt.folds = 0;
  SAMPO_REQUIRE_THROWS_WITH(control_variates(y, Eigen::MatrixXd::Zero(20, 1), opt),
                            sampo::invalid_argument, "options.folds");
  SAMPO_REQUIRE_THROWS_WITH(control_variates(TestLog{}), sampo::invalid_argument, "no tests");
}

TEST_CASE("cross-fitting removes the bias of in-sample coefficients", "[mc][control_variates]") {
  // h ~ N(0, 1), y = h²: E[y] = 1. The in-sample estimator ȳ − β̂h̄ is biased by −E[β̂h̄] =
  // O(1/n) (β̂ and h̄ have the same sign more often than not); the cross-fitted one is exactly
  // unbiased. Over R = 4000 replications of n = 12 the mean of the estimates has standard error
  // sd/√R; 4 of those is the tolerance (a false alarm with probability 6e-5).
  const std::uint64_t seed = sampo::testing::fixture_seed();
  const int reps = 4000;
  const Eigen::Index n = 12;
  ControlVariateOptions cross, inside;
  cross.folds = 3;
  inside.folds = 1;
  double sum_c = 0, sum2_c = 0, sum_i = 0, sum2_i = 0;
  for (int r = 0; r < reps; ++r) {
    const Eigen::MatrixXd h = sampo::testing::normal_matrix(n, 1, seed, 3, std::uint64_t(r));
    const Eigen::VectorXd y = h.col(0).array().square().matrix();
    cross.seed = std::uint64_t(r);
    const double c = control_variates(y, h, cross).estimate;
    const double i = control_variates(y, h, inside).estimate;
    sum_c += c;
    sum2_c += c * c;
    sum_i += i;
    sum2_i += i * i;
  }
  const double mean_c = sum_c / reps, mean_i = sum_i / reps;
  const double se_c = std::sqrt((sum2_c / reps - mean_c * mean_c) / reps);
  const double se_i = std::sqrt((sum2_i / reps - mean_i * mean_i) / reps);
  INFO("cross-fitted " << mean_c << " ± " << se_c << ", in-sample " << mean_i << " ± " << se_i);
  CHECK(std::abs(mean_c - 1.0) < 4 * se_c);
  CHECK(1.0 - mean_i > 4 * se_i);  // the in-sample bias is visible
}

TEST_CASE("control variates: the same bits for 1 and 2 threads", "[mc][control_variates]") {
  const Eigen::MatrixXd h = sampo::testing::normal_matrix(5000, 3, sampo::testing::fixture_seed(), 4);
  const Eigen::VectorXd y = (h.col(0).array().exp() + h.col(1).array()).matrix();
  ControlVariateOptions opt;
  opt.chunk = 300;
  const auto one = sampo::test::with_threads(1, [&] { return control_variates(y, h, opt); });
  const auto two = sampo::test::with_threads(2, [&] { return control_variates(y, h, opt); });
  CHECK(one.estimate == two.estimate);
  CHECK(one.standard_error == two.standard_error);
  CHECK(sampo::test::same_entries(one.fold_coefficients, two.fold_coefficients));
}

TEST_CASE("defensive mixture (Owen–Zhou) on a Gaussian tail", "[mc][control_variates]") {
  // P(X >= 3), X ~ N(0, 1), from q = 0.1 φ(x) + 0.9 φ(x − 3) with the control φ(x)/q − 1.
  const double beta = 3.0, mu = linalg::normal_cdf(-beta);
  const Eigen::Index n = 20000;
  const std::uint64_t seed = sampo::testing::fixture_seed();
  Eigen::VectorXd fp(n);
  Eigen::MatrixXd comp(n, 2);
  const double c = 1.0 / std::sqrt(2.0 * M_PI);
  for (Eigen::Index i = 0; i < n; ++i) {
    parallel::RandomStream rs(seed, 5, std::uint64_t(i));
    const double x = rs.uniform() < 0.1 ? rs.normal() : beta + rs.normal();
    comp(i, 0) = c * std::exp(-0.5 * x * x);
    comp(i, 1) = c * std::exp(-0.5 * (x - beta) * (x - beta));
    fp(i) = (x >= beta ? 1.0 : 0.0) * comp(i, 0);
  }
  DefensiveMixtureOptions opt;
  opt.alpha = Eigen::Vector2d(0.1, 0.9);
  const DefensiveMixtureResult r = defensive_mixture(fp, comp, opt);
  // 4 standard errors: a false alarm with probability 6e-5.
  CHECK(std::abs(r.estimate - mu) < 4 * r.standard_error);
  // Relative variance (exact, by 1-D quadrature): 3.8706 for plain mixture IS, 3.7178 with the
  // optimal control, below Owen–Zhou's bound σ²_shift/α_shift = 3.3872/0.9 = 3.7636. The
  // sample value has a relative spread of roughly sqrt(kurtosis/n) ≈ 5 % at n = 20000, so the
  // check allows 1.15× the bound.
  CHECK(r.variance / (mu * mu) < 1.15 * 3.3872 / 0.9);
  DefensiveMixtureOptions bad;
  bad.alpha = Eigen::Vector2d(0.5, 0.6);
  SAMPO_REQUIRE_THROWS_WITH(defensive_mixture(fp, comp, bad), sampo::invalid_argument,
                            "options.alpha", "sum to 1");
}

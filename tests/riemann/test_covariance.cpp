#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/riemann/covariance.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"
#include "thread_count.hpp"

using namespace sampo::riemann;
using sampo::invalid_argument;
using sampo::test::normal_matrix;

TEST_CASE("shrinkage makes rank-deficient data SPD", "[riemann][covariance]") {
  // T < C: the sample estimate is singular; the shrunk ones pass the SPD rule.
  const Eigen::MatrixXd few = normal_matrix(8, 5, 4);
  CHECK_NOTHROW(covariance(few, {Estimator::ledoit_wolf}));
  CHECK_NOTHROW(covariance(few, {Estimator::oas}));
}

TEST_CASE("regularized covariance and the non-SPD error", "[riemann][covariance]") {
  const Eigen::MatrixXd d = normal_matrix(4, 30, 5);
  const Eigen::MatrixXd r = regularized_covariance(d, 0.5);
  // One addition of 0.5 per diagonal entry: at most 1 ulp of the diagonal.
  CHECK((r - sample_covariance(d) - 0.5 * Eigen::MatrixXd::Identity(4, 4)).norm() <=
        4e-16 * r.norm());
  SAMPO_REQUIRE_THROWS_WITH(regularized_covariance(d, -1), invalid_argument, "'lambda' = -1");
  CovarianceOptions bad_opt;
  bad_opt.regularization = -0.1;
  SAMPO_REQUIRE_THROWS_WITH(bad_opt.validate(), invalid_argument, "regularization");

  // Fewer samples than channels.
  SAMPO_REQUIRE_THROWS_WITH(covariance(normal_matrix(8, 5, 6)), invalid_argument,
                            "sampo::riemann::covariance", "smallest eigenvalue", "shrinkage");
  // A flat channel.
  Eigen::MatrixXd flat = normal_matrix(4, 100, 7);
  flat.row(2).setConstant(3.0);
  SAMPO_REQUIRE_THROWS_WITH(covariance(flat), invalid_argument, "smallest eigenvalue",
                            "ledoit_wolf");
  // Average reference: the rows sum to zero.
  Eigen::MatrixXd car = normal_matrix(5, 200, 8);
  car = (car.rowwise() - car.colwise().mean()).eval();
  CHECK_THROWS_AS(covariance(car), invalid_argument);
  CovarianceOptions reg{Estimator::regularized, 1e-3};
  CHECK_NOTHROW(covariance(car, reg));
  CovarianceOptions unchecked;
  unchecked.require_spd = false;
  CHECK_NOTHROW(covariance(car, unchecked));
  CHECK(estimator_from_string("lwf") == Estimator::ledoit_wolf);
  CHECK(estimator_from_string("cov") == Estimator::sample);
  CHECK(to_string(Estimator::oas) == "oas");
  SAMPO_REQUIRE_THROWS_WITH(estimator_from_string("mcd"), invalid_argument, "'name' = mcd");
}

TEST_CASE("batch covariances match per-trial and name the bad trial", "[riemann][covariance]") {
  std::vector<Eigen::MatrixXd> trials;
  for (unsigned k = 0; k < 9; ++k) trials.push_back(normal_matrix(5, 40 + k, 20 + k));
  const auto cs = covariances(trials);
  REQUIRE(cs.size() == trials.size());
  for (std::size_t k = 0; k < trials.size(); ++k) CHECK(cs[k] == covariance(trials[k]));
  trials[6] = normal_matrix(5, 3, 1);  // T < C: not SPD
  SAMPO_REQUIRE_THROWS_WITH(covariances(trials), invalid_argument, "trial 6",
                            "smallest eigenvalue");
  trials[6] = normal_matrix(4, 40, 1);
  SAMPO_REQUIRE_THROWS_WITH(covariances(trials), invalid_argument, "trial 6", "4 channels");
  SAMPO_REQUIRE_THROWS_WITH(covariances({}), invalid_argument, "'trials'", "empty");
}

TEST_CASE("batch covariances: same bits and the same error with 1 and 2 threads",
          "[riemann][covariance]") {
  // Each estimate is computed alone, so the batch is bit-identical for any thread count
  // (compared with ==), and of several bad trials the lowest is named whatever the count.
  std::vector<Eigen::MatrixXd> trials;
  for (unsigned k = 0; k < 12; ++k) trials.push_back(normal_matrix(5, 60 + 3 * k, 40 + k));
  for (Estimator e : {Estimator::sample, Estimator::ledoit_wolf, Estimator::oas}) {
    INFO(to_string(e));
    const CovarianceOptions o{e};
    const auto one = sampo::test::with_threads(1, [&] { return covariances(trials, o); });
    const auto two = sampo::test::with_threads(2, [&] { return covariances(trials, o); });
    const auto aug1 =
        sampo::test::with_threads(1, [&] { return augmented_covariances(trials, 3, 2, o); });
    const auto aug2 =
        sampo::test::with_threads(2, [&] { return augmented_covariances(trials, 3, 2, o); });
    for (std::size_t k = 0; k < trials.size(); ++k) {
      CHECK(sampo::test::same_entries(one[k], two[k]));
      CHECK(sampo::test::same_entries(aug1[k], aug2[k]));
    }
  }
  auto bad = trials;
  for (std::size_t k : {9u, 4u, 11u}) bad[k] = normal_matrix(5, 3, 70 + k);  // T < C
  for (int threads : {1, 2})
    for (int repeat = 0; repeat < 5; ++repeat) {
      INFO("threads " << threads);
      sampo::test::with_threads(threads, [&] {
        SAMPO_REQUIRE_THROWS_WITH(covariances(bad), invalid_argument, "trial 4:");
      });
    }
}

TEST_CASE("a not-SPD estimate is a not_spd_error, through every wrapper",
          "[riemann][covariance]") {
  // Callers that skip non-SPD matrices (the ACM grid search) catch sampo::not_spd_error
  // only; the context added by augmented_covariance(s) and covariances keeps that type, and
  // other bad input is a plain invalid_argument.
  const Eigen::MatrixXd short_trial = normal_matrix(4, 3, 80);  // T < C: rank-deficient
  CHECK_THROWS_AS(covariance(short_trial), sampo::not_spd_error);
  CHECK_THROWS_AS(covariances({short_trial}), sampo::not_spd_error);
  const Eigen::MatrixXd trial = normal_matrix(3, 40, 81);  // 9 x 9 ACM from 31 samples: SPD
  CHECK_NOTHROW(augmented_covariance(trial, 3, 3));
  SAMPO_REQUIRE_THROWS_WITH(augmented_covariance(trial, 6, 5), sampo::not_spd_error,
                            "(order 6, lag 5)", "smallest eigenvalue");  // 18 x 18 from 10
  SAMPO_REQUIRE_THROWS_WITH(augmented_covariances({trial, trial}, 6, 5), sampo::not_spd_error,
                            "trial 0", "(order 6, lag 5)");
  Eigen::MatrixXd nan_trial = trial;
  nan_trial(1, 7) = std::numeric_limits<double>::quiet_NaN();
  try {
    (void)augmented_covariances({trial, nan_trial}, 3, 3);
    FAIL("no exception");
  } catch (const sampo::not_spd_error&) {
    FAIL("a NaN is bad input, not a not-SPD estimate");
  } catch (const invalid_argument& e) {
    CHECK(std::string(e.what()).find("trial 1") != std::string::npos);
  }
}

TEST_CASE("augment stacks MOABB's delayed blocks", "[riemann][covariance]") {
  // x(c, t) = 100 c + t makes every entry identify its channel and sample.
  Eigen::MatrixXd x(2, 10);
  for (int c = 0; c < 2; ++c)
    for (int t = 0; t < 10; ++t) x(c, t) = 100 * c + t;
  CHECK(augment(x, 1, 3) == x);                // order 1: the trial itself, lag ignored (MOABB)
  const Eigen::MatrixXd a = augment(x, 3, 2);  // T' = 10 - 6 = 4
  REQUIRE(a.rows() == 6);
  REQUIRE(a.cols() == 4);
  for (int k = 0; k < 3; ++k)
    for (int c = 0; c < 2; ++c)
      for (int t = 0; t < 4; ++t) CHECK(a(2 * k + c, t) == 100 * c + (t + 2 * k));
  // The last lag samples are never used: max sample index is (p-1) lag + T' - 1 = 7 < 9.
  CHECK(a.maxCoeff() == 107);
  SAMPO_REQUIRE_THROWS_WITH(augment(x, 5, 2), invalid_argument, "T = 10", "order * lag = 10");
  SAMPO_REQUIRE_THROWS_WITH(augment(x, 0, 2), invalid_argument, "'order' = 0");
  SAMPO_REQUIRE_THROWS_WITH(augment(x, 2, 0), invalid_argument, "'lag' = 0");

  const Eigen::MatrixXd trial = normal_matrix(3, 200, 11);
  const Eigen::MatrixXd acm = augmented_covariance(trial, 4, 5);
  REQUIRE(acm.rows() == 12);
  CHECK(acm == covariance(augment(trial, 4, 5)));
  // Diagonal block k is the covariance of samples [k lag, k lag + T').
  const Eigen::MatrixXd block = sample_covariance(trial.middleCols(2 * 5, 200 - 20));
  CHECK((acm.block(6, 6, 3, 3) - block).norm() <= 1e-14 * block.norm());  // same sums, reordered
  std::vector<Eigen::MatrixXd> trials{trial, normal_matrix(3, 25, 12)};
  SAMPO_REQUIRE_THROWS_WITH(augmented_covariances(trials, 5, 5), invalid_argument, "trial 1",
                            "T = 25");
  trials[1] = normal_matrix(3, 60, 12);
  const auto acms = augmented_covariances(trials, 2, 3);
  CHECK(acms[1] == augmented_covariance(trials[1], 2, 3));
  // Order too high for the trial length: pC = 32 = T' (40 - 4 x 2) samples, and centring
  // leaves rank <= T' - 1 = 31 < pC: an exactly rank-deficient ACM, to be caught.
  SAMPO_REQUIRE_THROWS_WITH(augmented_covariance(normal_matrix(8, 40, 3), 4, 2), invalid_argument,
                            "order 4, lag 2", "smallest eigenvalue");
}

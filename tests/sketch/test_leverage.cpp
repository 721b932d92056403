#include "sampo/sketch/leverage.hpp"

#include <algorithm>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo_test.hpp"
#include "sketch_test_util.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::sketch;
using sampo::test::kEps;

TEST_CASE("root leverage scores: closed forms", "[sketch][leverage]") {
  Eigen::VectorXd tau(4);
  tau << 0.04, 0.25, 0.36, 1.0;
  // p = 1: τ^{1/2}; p = 2: τ; p = 4 (n = 4): min{1, n·τ²}. Each is one pow: a few ulps.
  Eigen::VectorXd e1(4), e4(4);
  e1 << 0.2, 0.5, 0.6, 1.0;
  e4 << 4 * 0.04 * 0.04, 4 * 0.25 * 0.25, 4 * 0.36 * 0.36, 1.0;
  CHECK(sampo::test::max_rel_diff(root_leverage_scores(tau, 1.0), e1) <= 4 * kEps);
  CHECK(sampo::test::max_rel_diff(root_leverage_scores(tau, 2.0), tau) <= 4 * kEps);
  CHECK(sampo::test::max_rel_diff(root_leverage_scores(tau, 4.0), e4) <= 8 * kEps);
}

TEST_CASE("root leverage scores: bad input names the argument", "[sketch][leverage]") {
  Eigen::VectorXd tau(2);
  tau << 0.5, 1.5;
  SAMPO_REQUIRE_THROWS_WITH(root_leverage_scores(tau, 1.0), sampo::invalid_argument, "tau(1)",
                            "1.5");
  SAMPO_REQUIRE_THROWS_WITH(root_leverage_scores(Eigen::VectorXd::Constant(2, 0.5), 0.5),
                            sampo::invalid_argument, "'p'", "0.5");
  SAMPO_REQUIRE_THROWS_WITH(root_leverage_scores(Eigen::VectorXd(), 1.0), sampo::invalid_argument,
                            "tau");
}

TEST_CASE("approximate leverage: within the stated bounds, reproducible, thread-independent",
          "[sketch][leverage]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(4000, 5, sampo::testing::fixture_seed(3));
  const Eigen::VectorXd exact = linalg::leverage_scores(a).scores;
  ApproxLeverageOptions o;
  o.sketch_rows = 1000;
  o.seed = 11;
  const ApproxLeverageResult r = approximate_leverage_scores(a, o);
  REQUIRE(r.scores.size() == 4000);
  CHECK(r.rank == 5);
  CHECK(r.sketch_rows == 1000);
  CHECK(r.run.converged());
  // The stated bound holds with probability >= 1 - 2δ = 0.8 (a fixed seed: a failure here is
  // reproducible, not flaky).
  REQUIRE(r.ratio_lower > 0.0);
  REQUIRE(std::isfinite(r.ratio_upper));
  const Eigen::ArrayXd ratio = r.scores.array() / exact.array();
  CHECK(ratio.minCoeff() >= r.ratio_lower);
  CHECK(ratio.maxCoeff() <= r.ratio_upper);
  // Same seed, same bits; 1 and 2 threads give the same bits (serial CountSketch scatter).
  const ApproxLeverageResult again =
      sampo::test::with_threads(2, [&] { return approximate_leverage_scores(a, o); });
  const ApproxLeverageResult one =
      sampo::test::with_threads(1, [&] { return approximate_leverage_scores(a, o); });
  CHECK(sampo::test::same_entries(again.scores, r.scores));
  CHECK(sampo::test::same_entries(one.scores, r.scores));
  // Sparse storage: the same sketch (same streams, same summation order per bucket); only the
  // final product A·(TG) may round differently: a few ulps times k terms.
  const Eigen::SparseMatrix<double> sparse = a.sparseView();
  const ApproxLeverageResult rs = approximate_leverage_scores(sparse, o);
  CHECK(sampo::test::max_rel_diff(rs.scores, r.scores) <= 1e-10);
}

TEST_CASE("approximate leverage without a sketch: only the JL error is left",
          "[sketch][leverage]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(500, 4, sampo::testing::fixture_seed(4));
  const ApproxLeverageResult r = approximate_leverage_scores(a);  // automatic: m >= n
  CHECK(r.sketch_rows == 500);
  // ε_J = ε/4 = 0.125 by the automatic JL dimension; the bound [1 - ε_J, 1 + ε_J] holds with
  // probability >= 0.9.
  CHECK(r.ratio_lower == Approx(0.875).epsilon(1e-2));
  const Eigen::ArrayXd ratio = r.scores.array() / linalg::leverage_scores(a).scores.array();
  CHECK(ratio.minCoeff() >= r.ratio_lower);
  CHECK(ratio.maxCoeff() <= r.ratio_upper);
}

TEST_CASE("approximate leverage: bad input names the argument", "[sketch][leverage]") {
  Eigen::MatrixXd a = Eigen::MatrixXd::Ones(10, 2);
  ApproxLeverageOptions o;
  o.epsilon = 1.5;
  SAMPO_REQUIRE_THROWS_WITH(approximate_leverage_scores(a, o), sampo::invalid_argument, "epsilon",
                            "1.5");
  a(3, 1) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(approximate_leverage_scores(a), sampo::invalid_argument, "'a'");
  SAMPO_REQUIRE_THROWS_WITH(approximate_leverage_scores(Eigen::MatrixXd::Ones(2, 3)),
                            sampo::invalid_argument, "'a'", "2 x 3");
}

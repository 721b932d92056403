#include "sampo/linalg/cholesky.hpp"

#include <Eigen/Dense>
#include <limits>
#include <type_traits>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::linalg;
using sampo::test::kEps;

namespace {
Eigen::MatrixXd hilbert(Eigen::Index n) {
  Eigen::MatrixXd h(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) h(i, j) = 1.0 / static_cast<double>(i + j + 1);
  return h;
}
}  // namespace

TEST_CASE("cholesky_solve solves a small system exactly", "[linalg][cholesky]") {
  Eigen::Matrix2d a;
  a << 4, 2, 2, 3;  // L = [2 0; 1 √2]
  Eigen::Vector2d b(2, 5);  // solution (-0.5, 2): 4·(-0.5) + 2·2 = 2, 2·(-0.5) + 3·2 = 5
  const CholeskyResult s = cholesky_solve(a, b);
  REQUIRE(s.ok());
  CHECK(s.run.converged());
  CHECK(s.run.message.find("<= max_condition") != std::string::npos);
  // κ₁(A) = 4.5: error O(κ·eps).
  CHECK(std::abs(s.solution(0, 0) + 0.5) <= 10 * kEps);
  CHECK(std::abs(s.solution(1, 0) - 2.0) <= 10 * kEps);
  CHECK(s.factor(0, 0) == 2.0);
  CHECK(s.factor(0, 1) == 0.0);
  CHECK(std::abs(s.factor(1, 1) - std::sqrt(2.0)) <= 2 * kEps);
  // rcond estimates 1/(‖A‖₁‖A⁻¹‖₁) = 1/(6 · 6/8) = 2/9, A⁻¹ = [3 -2; -2 4]/8 (the estimator
  // is exact for this 2x2).
  CHECK(s.rcond == Approx(2.0 / 9.0).epsilon(1e-12));
}

TEST_CASE("cholesky_solve: residuals of several right-hand sides", "[linalg][cholesky]") {
  const Eigen::Index n = 30;
  const Eigen::MatrixXd q = sampo::test::orthogonal_matrix(n, 21);
  const Eigen::MatrixXd a = sampo::test::with_spectrum(q, sampo::test::log_spaced(n, 1e4));
  const Eigen::MatrixXd b = sampo::test::gaussian_matrix(n, 3, 22);
  const CholeskyResult s = cholesky_solve(a, b);
  REQUIRE(s.ok());
  REQUIRE(s.solution.cols() == 3);
  // Backward stable: ‖A X - B‖ <= c·n·eps·‖A‖‖X‖.
  CHECK((a * s.solution - b).norm() <= 10 * n * kEps * a.norm() * s.solution.norm());
  CHECK((s.factor * s.factor.transpose() - a).norm() <= 10 * n * kEps * a.norm());
  // The 1-norm estimate is within a factor n of the 2-norm condition number 1e4.
  CHECK(s.condition_estimate >= 1e4 / n);
  CHECK(s.condition_estimate <= 1e4 * n);
}

TEST_CASE("cholesky_solve flags ill-conditioning instead of throwing", "[linalg][cholesky]") {
  // Hilbert 10: κ₂ ≈ 1.6e13, positive definite in floating point.
  const Eigen::MatrixXd h = hilbert(10);
  const Eigen::VectorXd b = h * Eigen::VectorXd::Ones(10);
  const CholeskyResult s = cholesky_solve(h, b);
  CHECK_FALSE(s.ok());
  CHECK(s.condition_estimate > 1e12);
  CHECK(s.run.termination == sampo::Termination::numerical_failure);
  CHECK(s.run.message.find("ill-conditioned") != std::string::npos);
  REQUIRE(s.solution.rows() == 10);  // still computed: the caller decides
  // Hilbert 6 (κ ≈ 1.5e7) passes the default guard but not a stricter one.
  const Eigen::MatrixXd h6 = hilbert(6);
  CHECK(cholesky_solve(h6, Eigen::VectorXd::Ones(6)).ok());
  CHECK_FALSE(cholesky_solve(h6, Eigen::VectorXd::Ones(6), CholeskyOptions{1e6}).ok());
}

TEST_CASE("cholesky_solve rejects bad input", "[linalg][cholesky]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Identity(3, 3);
  SAMPO_REQUIRE_THROWS_WITH(cholesky_solve(a, Eigen::VectorXd::Ones(2)), invalid_argument,
                            "sampo::linalg::cholesky_solve", "'b'", "expected 3xany");
  SAMPO_REQUIRE_THROWS_WITH(cholesky_solve(Eigen::MatrixXd::Ones(3, 2), Eigen::VectorXd::Ones(3)),
                            invalid_argument, "'a'", "square");
  Eigen::VectorXd bn = Eigen::VectorXd::Ones(3);
  bn(1) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(cholesky_solve(a, bn), invalid_argument, "'b'", "nan");
  SAMPO_REQUIRE_THROWS_WITH(cholesky_solve(a, Eigen::VectorXd()), invalid_argument, "is empty");
  Eigen::Matrix2d indef;
  indef << 1, 0, 0, -2;
  SAMPO_REQUIRE_THROWS_WITH(cholesky_solve(indef, Eigen::Vector2d::Ones()), invalid_argument,
                            "not symmetric positive definite", "smallest eigenvalue -2");
  Eigen::Matrix2d ns;
  ns << 2, 1, 0, 2;
  SAMPO_REQUIRE_THROWS_WITH(cholesky_solve(ns, Eigen::Vector2d::Ones()), invalid_argument,
                            "not symmetric");
  SAMPO_REQUIRE_THROWS_WITH(cholesky_solve(a, Eigen::VectorXd::Ones(3), CholeskyOptions{0.5}),
                            invalid_argument, "max_condition", "0.5", ">= 1");
  SAMPO_REQUIRE_THROWS_WITH(
      CholeskyOptions{std::numeric_limits<double>::infinity()}.validate(), invalid_argument,
      "max_condition");
}

// The name before the Options -> Result rule still compiles (deprecated, removed in 0.2).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static_assert(std::is_same_v<sampo::linalg::CholeskySolve, sampo::linalg::CholeskyResult>);
#pragma GCC diagnostic pop

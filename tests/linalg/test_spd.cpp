#include "sampo/linalg/spd.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <string>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::linalg;
using sampo::test::kEps;
using sampo::test::max_abs_diff;

namespace {
Eigen::MatrixXd diag(std::initializer_list<double> v) {
  Eigen::VectorXd d(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) d(i++) = x;
  return d.asDiagonal();
}
}  // namespace

TEST_CASE("SPD functions of diagonal matrices are the scalar functions", "[linalg][spd]") {
  const double e = std::exp(1.0);
  const Eigen::MatrixXd a = diag({1.0, e, e * e, 4.0});
  // Diagonal input: the eigensolver returns the diagonal and unit vectors exactly, so the only
  // errors are those of the scalar functions (<= 1 ulp) and of exp(1) itself.
  CHECK(max_abs_diff(spd_log(a), diag({0.0, 1.0, 2.0, std::log(4.0)})) <= 4 * kEps);
  CHECK(max_abs_diff(spd_sqrt(a), diag({1.0, std::sqrt(e), e, 2.0})) <= 4 * kEps * e);
  CHECK(max_abs_diff(spd_invsqrt(a), diag({1.0, 1 / std::sqrt(e), 1 / e, 0.5})) <= 4 * kEps);
  CHECK(max_abs_diff(spd_power(a, 3.0), diag({1.0, e * e * e, std::pow(e, 6), 64.0})) <=
        8 * kEps * std::pow(e, 6));
  CHECK(max_abs_diff(spd_exp(diag({0.0, 1.0, -2.0})), diag({1.0, e, std::exp(-2.0)})) <=
        4 * kEps * e);
  CHECK(spd_power(a, 0.0) == Eigen::MatrixXd::Identity(4, 4));
}

TEST_CASE("SPD functions of rotated diagonal matrices", "[linalg][spd]") {
  const Eigen::Index n = 6;
  const Eigen::MatrixXd q = sampo::test::orthogonal_matrix(n, 11);
  Eigen::VectorXd lam(n);
  lam << 0.5, 0.9, 1.3, 2.0, 3.1, 4.0;
  const Eigen::MatrixXd a = sampo::test::with_spectrum(q, lam);
  auto expect = [&](const Eigen::VectorXd& f) { return sampo::test::with_spectrum(q, f); };
  // Error model: A is formed with error O(n·eps·‖A‖); the eigensolver adds O(n·eps·‖A‖); a
  // perturbation E of A moves f(A) by at most max|f'| on [λmin, λmax] times ‖E‖ (divided
  // differences of f on the spectrum). With κ = 8 and ‖A‖ = 4: tolerance 50·n·eps·‖A‖·max|f'|.
  const double tol = 50 * n * kEps * 4.0;
  CHECK(max_abs_diff(spd_log(a), expect(lam.array().log())) <= tol * 2.0);  // log' <= 1/0.5
  CHECK(max_abs_diff(spd_sqrt(a), expect(lam.cwiseSqrt())) <= tol * 0.71);  // sqrt' <= 0.71
  CHECK(max_abs_diff(spd_invsqrt(a), expect(lam.cwiseSqrt().cwiseInverse())) <= tol * 1.42);
  CHECK(max_abs_diff(spd_power(a, -1.0), expect(lam.cwiseInverse())) <= tol * 4.0);
  CHECK(max_abs_diff(spd_exp(a), expect(lam.array().exp())) <= tol * std::exp(4.0));
  // exp of an indefinite symmetric matrix.
  Eigen::VectorXd mixed = lam.array() - 2.0;
  const Eigen::MatrixXd s = sampo::test::with_spectrum(q, mixed);
  CHECK(max_abs_diff(spd_exp(s), expect(mixed.array().exp())) <= tol * std::exp(2.0));
}

TEST_CASE("SPD functions satisfy their algebraic identities", "[linalg][spd]") {
  const Eigen::Index n = 8;
  const Eigen::MatrixXd q = sampo::test::orthogonal_matrix(n, 12);
  const Eigen::MatrixXd a = sampo::test::with_spectrum(q, Eigen::VectorXd::LinSpaced(n, 0.25, 5));
  const double tol = 100 * n * kEps * 20;  // κ = 20, ‖A‖ = 5: O(n·eps·κ·‖A‖) relative terms
  const Eigen::MatrixXd r = spd_sqrt(a);
  CHECK(max_abs_diff(r * r, a) <= tol);
  const Eigen::MatrixXd ri = spd_invsqrt(a);
  CHECK(max_abs_diff(ri * a * ri, Eigen::MatrixXd::Identity(n, n)) <= tol);
  CHECK(max_abs_diff(spd_power(a, 0.5), r) <= tol);
  CHECK(max_abs_diff(spd_power(a, 0.3) * spd_power(a, 0.7), a) <= tol);
  CHECK(max_abs_diff(spd_power(a, -1.0) * a, Eigen::MatrixXd::Identity(n, n)) <= tol);
  CHECK(max_abs_diff(spd_exp(spd_log(a)), a) <= tol);
  CHECK(max_abs_diff(spd_log(spd_power(a, 2.0)), 2.0 * spd_log(a)) <= tol);
  // Results are exactly symmetric.
  for (const auto& m : {r, ri, spd_log(a), spd_exp(a), spd_power(a, 1.7)})
    CHECK(sampo::test::exactly_symmetric(m));
}

TEST_CASE("exp(log A) round trip: error grows with the condition number", "[linalg][spd]") {
  const Eigen::Index n = 10;
  const Eigen::MatrixXd q = sampo::test::orthogonal_matrix(n, 13);
  for (double cond : {1e2, 1e4, 1e6, 1e8, 1e10, 1e12}) {
    CAPTURE(cond);
    const Eigen::VectorXd lam = sampo::test::log_spaced(n, cond);
    const Eigen::MatrixXd a = sampo::test::with_spectrum(q, lam);
    const Eigen::MatrixXd b = spd_exp(spd_log(a));
    // Normwise: the eigensolver's backward error O(n·eps·‖A‖) in A, then O(n·eps·‖log A‖) in
    // log A, which exp maps to a relative error ‖log A‖·n·eps; ‖log A‖ = ln κ here.
    const double rel = (b - a).norm() / a.norm();
    CHECK(rel <= 2 * n * kEps * (1 + std::log(cond)));  // measured: <= 0.15 of this
    // The smallest eigenvalue is only known to absolute accuracy ~ that normwise error,
    // i.e. relative accuracy κ times worse: tolerance n·eps·κ·(1 + ln κ).
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(b, Eigen::EigenvaluesOnly);
    const double lam_err = std::abs(es.eigenvalues()(0) - lam(n - 1)) / lam(n - 1);
    CHECK(lam_err <= n * kEps * cond * (1 + std::log(cond)));
  }
}

TEST_CASE("a decomposition is reused and gives identical results", "[linalg][spd]") {
  const Eigen::MatrixXd q = sampo::test::orthogonal_matrix(5, 14);
  const Eigen::MatrixXd a = sampo::test::with_spectrum(q, Eigen::VectorXd::LinSpaced(5, 1, 9));
  const SymmetricEigen e = spd_eigen(a);
  REQUIRE(e.size() == 5);
  CHECK(e.min_eigenvalue() == Approx(1.0).epsilon(1e-13));  // κ = 9: O(n·eps·κ)
  CHECK(e.max_eigenvalue() == Approx(9.0).epsilon(1e-13));
  CHECK(e.condition_number() == Approx(9.0).epsilon(1e-13));
  CHECK(spd_sqrt(e) == spd_sqrt(a));  // same decomposition, same arithmetic
  CHECK(spd_invsqrt(e) == spd_invsqrt(a));
  CHECK(spd_log(e) == spd_log(a));
  CHECK(spd_exp(e) == spd_exp(a));
  CHECK(spd_power(e, 0.25) == spd_power(a, 0.25));
  CHECK(reconstruct(e, e.values) == symmetric_function(e, [](double x) { return x; }));
  CHECK(max_abs_diff(reconstruct(e, e.values), a) <= 50 * 5 * kEps * 9);  // backward error
  const SymmetricEigen s = symmetric_eigen(-a);
  CHECK(s.min_eigenvalue() == Approx(-9.0).epsilon(1e-13));
  CHECK(std::isinf(s.condition_number()));
}

TEST_CASE("symmetric_function applies any scalar function", "[linalg][spd]") {
  const Eigen::MatrixXd q = sampo::test::orthogonal_matrix(4, 15);
  Eigen::Vector4d lam(-2, -0.5, 1, 3);
  const Eigen::MatrixXd s = sampo::test::with_spectrum(q, lam);
  const double tol = 100 * 4 * kEps * 9;  // backward error O(n·eps·‖S‖) times max|f'| = 6
  CHECK(max_abs_diff(symmetric_function(s, [](double x) { return x * x; }), s * s) <= tol);
  CHECK(max_abs_diff(symmetric_function(s, [](double) { return 1.0; }),
                     Eigen::MatrixXd::Identity(4, 4)) <= tol);
  CHECK(max_abs_diff(symmetric_function(s, [](double x) { return std::abs(x); }),
                     sampo::test::with_spectrum(q, lam.cwiseAbs())) <= tol);
  SAMPO_REQUIRE_THROWS_WITH(symmetric_function(s, [](double x) { return std::log(x); }),
                            numerical_error, "sampo::linalg::symmetric_function", "f(-",
                            "is not finite");
  // The message names the first offending eigenvalue, -2 as computed (within the backward error;
  // its last digits depend on the draw of q).
  try {
    (void)symmetric_function(s, [](double x) { return std::log(x); });
  } catch (const numerical_error& e) {
    const std::string msg = e.what();
    const auto at = msg.find("f(");
    REQUIRE(at != std::string::npos);
    CHECK(std::abs(std::stod(msg.substr(at + 2)) - (-2.0)) <= tol);
  }
}

TEST_CASE("SPD functions reject bad input", "[linalg][spd]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(3, 3);
  a(1, 2) = nan;
  SAMPO_REQUIRE_THROWS_WITH(spd_log(a), invalid_argument, "sampo::linalg::spd_log", "nan");
  SAMPO_REQUIRE_THROWS_WITH(spd_sqrt(Eigen::MatrixXd::Ones(2, 3)), invalid_argument,
                            "sampo::linalg::spd_sqrt", "square");
  SAMPO_REQUIRE_THROWS_WITH(spd_invsqrt(Eigen::MatrixXd()), invalid_argument, "is empty");
  Eigen::Matrix2d ns;
  ns << 2, 1, 0, 2;
  SAMPO_REQUIRE_THROWS_WITH(spd_exp(ns), invalid_argument, "sampo::linalg::spd_exp",
                            "not symmetric");
  Eigen::Matrix2d indef;
  indef << -1, 0, 0, 3;  // eigenvalues -1 and 3, found exactly
  SAMPO_REQUIRE_THROWS_WITH(spd_log(indef), invalid_argument, "sampo::linalg::spd_log",
                            "not symmetric positive definite", "smallest eigenvalue -1");
  SAMPO_REQUIRE_THROWS_WITH(spd_eigen(Eigen::MatrixXd::Zero(2, 2)), invalid_argument,
                            "sampo::linalg::spd_eigen", "smallest eigenvalue 0");
  SAMPO_REQUIRE_THROWS_WITH(spd_power(Eigen::MatrixXd::Identity(2, 2), nan), invalid_argument,
                            "sampo::linalg::spd_power", "'p' = nan");
  // A decomposition that is not SPD is refused by the SPD functions.
  const SymmetricEigen e = symmetric_eigen(indef);
  SAMPO_REQUIRE_THROWS_WITH(spd_sqrt(e), invalid_argument, "sampo::linalg::spd_sqrt",
                            "smallest eigenvalue -1");
  CHECK_NOTHROW(spd_exp(e));
  SAMPO_REQUIRE_THROWS_WITH(reconstruct(e, Eigen::VectorXd::Ones(3)), invalid_argument,
                            "sampo::linalg::reconstruct", "f_values", "expected 2x1");
  // Overflow and underflow are numerical errors, not silent infinities or singular results.
  SAMPO_REQUIRE_THROWS_WITH(spd_exp(Eigen::MatrixXd::Identity(2, 2) * 800.0), numerical_error,
                            "sampo::linalg::spd_exp", "overflow");
  SAMPO_REQUIRE_THROWS_WITH(spd_exp(Eigen::MatrixXd::Identity(2, 2) * -800.0), numerical_error,
                            "underflow");
  SAMPO_REQUIRE_THROWS_WITH(spd_power(Eigen::MatrixXd::Identity(2, 2) * 1e300, 2.0),
                            numerical_error, "sampo::linalg::spd_power");
}

TEST_CASE("SPD functions apply sampo's one SPD rule: lambda_min > n eps lambda_max",
          "[linalg][spd]") {
  // Diagonal matrices: the eigensolver returns the diagonal exactly, so the rule is tested at
  // its threshold 3·eps·1 ≈ 6.7e-16 without rounding in the way.
  const double at = 3 * kEps;
  // Positive but within rounding of 0: refused (accepted before the one rule, as λ_min > 0).
  SAMPO_REQUIRE_THROWS_WITH(spd_log(diag({1.0, at, 0.5})), not_spd_error,
                            "sampo::linalg::spd_log", "'a'", "smallest eigenvalue 6.66");
  SAMPO_REQUIRE_THROWS_WITH(spd_eigen(diag({1.0, 1e-300, 0.5})), not_spd_error,
                            "smallest eigenvalue 1e-300");
  // Just above the threshold: accepted, and log is the scalar log (to the few ulps of the
  // reconstruction V diag(log λ) Vᵀ with V a signed permutation).
  const double above = 2 * at;
  CHECK(std::abs(spd_log(diag({1.0, above, 0.5}))(1, 1) - std::log(above)) <=
        4 * kEps * std::abs(std::log(above)));
  // A decomposition given by the caller is judged by the same rule.
  const SymmetricEigen e = symmetric_eigen(diag({1.0, at, 0.5}));
  SAMPO_REQUIRE_THROWS_WITH(spd_invsqrt(e), not_spd_error, "sampo::linalg::spd_invsqrt", "'e'");
  CHECK_NOTHROW(spd_exp(e));  // any symmetric matrix has an exponential
}

// Validation of sampo::linalg's SPD matrix functions against closed forms: functions of
// diagonal and rotated-diagonal matrices, and the exp(log A) round trip at condition numbers
// 1e2 ... 1e12.
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

#include "registry.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/testing/fixtures.hpp"

namespace {
using sampo::validation::bound;
constexpr double kEps = std::numeric_limits<double>::epsilon();

using sampo::testing::log_spaced;
using sampo::testing::with_spectrum;

/// A fixed n x n orthogonal matrix: the fixture kit's random_orthogonal (seed 2024, stream 0),
/// the same numbers on every platform.
constexpr std::uint64_t kSeed = 2024;
Eigen::MatrixXd fixed_rotation(Eigen::Index n) {
  return sampo::testing::random_orthogonal(n, kSeed, 0);
}

double max_abs(const Eigen::MatrixXd& m) { return m.cwiseAbs().maxCoeff(); }

const double kE = std::exp(1.0);
Eigen::VectorXd diagonal_spectrum() {
  Eigen::VectorXd d(4);
  d << 1.0, kE, kE * kE, 4.0;
  return d;
}
}  // namespace

SAMPO_VALIDATION_CASE("linalg", "spd_log/diagonal") {
  const Eigen::VectorXd d = diagonal_spectrum();
  Eigen::VectorXd ref(4);
  ref << 0.0, 1.0, 2.0, std::log(4.0);
  const double err = max_abs(sampo::linalg::spd_log(Eigen::MatrixXd(d.asDiagonal())) -
                             Eigen::MatrixXd(ref.asDiagonal()));
  return bound(err, 4 * kEps,
               "log diag(1, e, e², 4) = diag(0, 1, 2, ln 4); max abs entry error. A diagonal "
               "matrix is its own eigendecomposition, so only the scalar log's ulp remains");
}

SAMPO_VALIDATION_CASE("linalg", "spd_exp/diagonal") {
  Eigen::VectorXd s(4);
  s << 0.0, 1.0, -2.0, 0.5;
  const Eigen::VectorXd ref = s.array().exp();
  const double err = max_abs(sampo::linalg::spd_exp(Eigen::MatrixXd(s.asDiagonal())) -
                             Eigen::MatrixXd(ref.asDiagonal()));
  return bound(err, 4 * kEps * kE,
               "exp diag(0, 1, -2, 0.5) = diag(exp); max abs entry error within a few ulps of e");
}

SAMPO_VALIDATION_CASE("linalg", "spd_sqrt/diagonal") {
  const Eigen::VectorXd d = diagonal_spectrum();
  const double err = max_abs(sampo::linalg::spd_sqrt(Eigen::MatrixXd(d.asDiagonal())) -
                             Eigen::MatrixXd(d.cwiseSqrt().asDiagonal()));
  return bound(err, 4 * kEps * kE, "sqrt diag(1, e, e², 4) = diag(1, √e, e, 2); a few ulps");
}

namespace {
/// Rotated diagonal: A = Q diag(λ) Qᵀ with λ in [0.5, 4] (κ = 8), f(A) = Q diag(f(λ)) Qᵀ.
/// Error model: forming A and decomposing it each cost O(n·eps·‖A‖); f maps a perturbation E
/// to at most max|f'|·‖E‖ on the spectrum. Tolerance 50·n·eps·‖A‖·max|f'|.
template <class F>
sampo::validation::Outcome rotated(F&& apply, double (*f)(double), double max_fprime,
                                   const char* what) {
  const Eigen::Index n = 6;
  const Eigen::MatrixXd q = fixed_rotation(n);
  Eigen::VectorXd lam(n);
  lam << 0.5, 0.9, 1.3, 2.0, 3.1, 4.0;
  const Eigen::MatrixXd a = with_spectrum(q, lam);
  const Eigen::MatrixXd ref = with_spectrum(q, lam.unaryExpr(f));
  const double err = max_abs(apply(a) - ref);
  return bound(err, 50.0 * n * kEps * 4.0 * max_fprime,
               std::string(what) +
                   " of Q diag(0.5 … 4) Qᵀ (n = 6, κ = 8) vs Q diag(f(λ)) Qᵀ; max abs entry "
                   "error; tolerance 50·n·eps·‖A‖·max|f'| (backward error of forming and "
                   "decomposing A, propagated by f's divided differences)");
}
double log_fn(double x) { return std::log(x); }
double exp_fn(double x) { return std::exp(x); }
double sqrt_fn(double x) { return std::sqrt(x); }
}  // namespace

SAMPO_VALIDATION_CASE("linalg", "spd_log/rotated_diagonal") {
  return rotated([](const Eigen::MatrixXd& a) { return sampo::linalg::spd_log(a); }, log_fn, 2.0,
                 "log");
}
SAMPO_VALIDATION_CASE("linalg", "spd_exp/rotated_diagonal") {
  return rotated([](const Eigen::MatrixXd& a) { return sampo::linalg::spd_exp(a); }, exp_fn,
                 std::exp(4.0), "exp");
}
SAMPO_VALIDATION_CASE("linalg", "spd_sqrt/rotated_diagonal") {
  return rotated([](const Eigen::MatrixXd& a) { return sampo::linalg::spd_sqrt(a); }, sqrt_fn, 0.71,
                 "sqrt");
}

SAMPO_VALIDATION_GROUP(spd_round_trip) {
  for (double cond : {1e2, 1e4, 1e6, 1e8, 1e10, 1e12}) {
    char tag[32];
    std::snprintf(tag, sizeof tag, "cond=%.0e", cond);
    // Normwise error: grows only like ln κ (= ‖log A‖ for λ in [1/κ, 1]).
    sampo::validation::register_case(
        {"linalg", std::string("spd_exp_log_round_trip/normwise/") + tag, [cond] {
           const Eigen::Index n = 10;
           const Eigen::MatrixXd a =
               sampo::testing::spd_with_spectrum(log_spaced(n, cond), kSeed, 0);
           const Eigen::MatrixXd b = sampo::linalg::spd_exp(sampo::linalg::spd_log(a));
           return bound((b - a).norm() / a.norm(), 2.0 * n * kEps * (1.0 + std::log(cond)),
                        "‖exp(log A) - A‖_F/‖A‖_F, A = Q diag(λ) Qᵀ with λ log-spaced in "
                        "[1/κ, 1], n = 10. The eigensolver's backward error O(n·eps·‖A‖) and "
                        "then O(n·eps·‖log A‖) in log A, which exp turns into a relative "
                        "error ‖log A‖·n·eps; ‖log A‖ = ln κ: tolerance 2·n·eps·(1 + ln κ)");
         }});
    // The smallest eigenvalue: absolute error ~ the normwise error, so relative error ~ κ times.
    sampo::validation::register_case(
        {"linalg", std::string("spd_exp_log_round_trip/smallest_eigenvalue/") + tag, [cond] {
           const Eigen::Index n = 10;
           const Eigen::VectorXd lam = log_spaced(n, cond);
           const Eigen::MatrixXd a = sampo::testing::spd_with_spectrum(lam, kSeed, 0);
           const Eigen::MatrixXd b = sampo::linalg::spd_exp(sampo::linalg::spd_log(a));
           Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(b, Eigen::EigenvaluesOnly);
           return sampo::validation::compare_relative(
               lam(n - 1), es.eigenvalues()(0), n * kEps * cond * (1.0 + std::log(cond)),
               "λ_min(exp(log A)) vs λ_min(A) = 1/κ. Eigenvalues are known to absolute "
               "accuracy O(n·eps·‖A‖·(1 + ln κ)) (see the normwise case), so the smallest "
               "one only to relative accuracy κ times that: tolerance n·eps·κ·(1 + ln κ)");
         }});
  }
}

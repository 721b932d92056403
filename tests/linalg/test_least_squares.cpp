#include "sampo/linalg/least_squares.hpp"

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

namespace {
// NIST Statistical Reference Datasets, linear regression, "Longley" (higher difficulty):
// data from J. W. Longley, JASA 62 (1967) 819-841, and NIST's certified values (15 digits),
// https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml (also data/longley/).
// Columns: TOTEMP (y), GNPDEFL, GNP, UNEMP, ARMED, POP, YEAR.
const double kLongley[16][7] = {
    {60323, 83.0, 234289, 2356, 1590, 107608, 1947},  {61122, 88.5, 259426, 2325, 1456, 108632, 1948},
    {60171, 88.2, 258054, 3682, 1616, 109773, 1949},  {61187, 89.5, 284599, 3351, 1650, 110929, 1950},
    {63221, 96.2, 328975, 2099, 3099, 112075, 1951},  {63639, 98.1, 346999, 1932, 3594, 113270, 1952},
    {64989, 99.0, 365385, 1870, 3547, 115094, 1953},  {63761, 100.0, 363112, 3578, 3350, 116219, 1954},
    {66019, 101.2, 397469, 2904, 3048, 117388, 1955}, {67857, 104.6, 419180, 2822, 2857, 118734, 1956},
    {68169, 108.4, 442769, 2936, 2798, 120445, 1957}, {66513, 110.8, 444546, 4681, 2637, 121950, 1958},
    {68655, 112.6, 482704, 3813, 2552, 123366, 1959}, {69564, 114.2, 502601, 3931, 2514, 125368, 1960},
    {69331, 115.7, 518173, 4806, 2572, 127852, 1961}, {70551, 116.9, 554894, 4007, 2827, 130081, 1962}};
const double kCertifiedBeta[7] = {-3482258.63459582, 15.0618722713733,  -0.358191792925910e-01,
                                  -2.02022980381683, -1.03322686717359, -0.511041056535807e-01,
                                  1829.15146461355};
const double kCertifiedSd[7] = {890420.383607373,  84.9149257747669,  0.334910077722432e-01,
                                0.488399681651699, 0.214274163161675, 0.226073200069370,
                                455.478499142212};
const double kCertifiedResidualSd = 304.854073561965;
const double kCertifiedRSquared = 0.995479004577296;

double lre(double value, double certified) {  // log relative error = correct digits
  const double rel = std::abs(value - certified) / std::abs(certified);
  return rel == 0 ? 15.0 : std::min(15.0, -std::log10(rel));
}
}  // namespace

TEST_CASE("ols reproduces the NIST StRD Longley certified values", "[linalg][least_squares]") {
  Eigen::MatrixXd data(16, 7);
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 7; ++j) data(i, j) = kLongley[i][j];
  const OlsResult r = ols(data.rightCols(6), data.col(0));
  REQUIRE(r.rank == 7);
  CHECK_FALSE(r.rank_deficient);
  CHECK(r.run.converged());
  CHECK(r.run.message == "rank 7 of 7 coefficients");
  CHECK(r.degrees_of_freedom == 9);
  // Tolerance: the first-order bound for QR least squares is
  //   c·eps·(κ + κ²‖r‖/(‖D S‖‖z‖)) ≈ 3e-11·c  (normwise, in the equilibrated variables z)
  // with κ = κ₂(D S) ≈ 5.4e4 after power-of-two column equilibration (κ₂(D) ≈ 4.86e9
  // unscaled). The smallest scaled coefficients (GNP, POP) are ~350x below ‖z‖, so we ask
  // componentwise for 9 correct digits (LRE >= 9). Measured LRE: coefficients >= 11.7,
  // standard deviations >= 12.5, residual SD 13.8.
  const double tol = 1e-9;
  for (int j = 0; j < 7; ++j) {
    CAPTURE(j, lre(r.coefficients(j), kCertifiedBeta[j]), lre(r.standard_errors(j), kCertifiedSd[j]));
    CHECK(std::abs(r.coefficients(j) - kCertifiedBeta[j]) <= tol * std::abs(kCertifiedBeta[j]));
    CHECK(std::abs(r.standard_errors(j) - kCertifiedSd[j]) <= tol * kCertifiedSd[j]);
    CHECK(r.covariance(j, j) == Approx(r.standard_errors(j) * r.standard_errors(j)).epsilon(4 * kEps));
  }
  CAPTURE(lre(r.residual_std, kCertifiedResidualSd), lre(r.r_squared, kCertifiedRSquared));
  CHECK(std::abs(r.residual_std - kCertifiedResidualSd) <= tol * kCertifiedResidualSd);
  CHECK(std::abs(r.r_squared - kCertifiedRSquared) <= tol);
  CHECK(sampo::test::exactly_symmetric(r.covariance));
  CHECK(r.residuals.squaredNorm() == Approx(9 * r.residual_variance).epsilon(4 * kEps));
}

TEST_CASE("ols simple regression matches the closed form", "[linalg][least_squares]") {
  Eigen::VectorXd x(5), y(5);
  x << 1, 2, 3, 4, 5;
  y << 1, 3, 2, 5, 4;
  // By hand: x̄ = ȳ = 3, Sxx = 10, Sxy = 8: slope 0.8, intercept 0.6, RSS = 3.6, s² = 1.2,
  // SE(slope) = √(s²/Sxx), SE(intercept) = √(s²(1/n + x̄²/Sxx)), cov = -s² x̄/Sxx, R² = 0.64.
  const OlsResult r = ols(x, y);
  const double tol = 50 * kEps;  // κ(D) ≈ 8: a few ulps times κ
  CHECK(std::abs(r.coefficients(0) - 0.6) <= tol);
  CHECK(std::abs(r.coefficients(1) - 0.8) <= tol);
  CHECK(r.residual_variance == Approx(1.2).epsilon(tol));
  CHECK(r.standard_errors(1) == Approx(std::sqrt(0.12)).epsilon(tol));
  CHECK(r.standard_errors(0) == Approx(std::sqrt(1.32)).epsilon(tol));
  CHECK(r.covariance(0, 1) == Approx(-0.36).epsilon(tol));
  CHECK(r.r_squared == Approx(0.64).epsilon(tol));
  Eigen::VectorXd res(5);
  res << -0.4, 0.8, -1.0, 1.2, -0.6;
  CHECK((r.residuals - res).cwiseAbs().maxCoeff() <= tol * 5);
  CHECK(r.aliased.empty());
}

TEST_CASE("ols intercept-only and no-intercept models", "[linalg][least_squares]") {
  Eigen::VectorXd y(4);
  y << 2, 4, 4, 6;  // mean 4, sample variance 8/3
  const OlsResult m = ols(Eigen::MatrixXd(4, 0), y);
  CHECK(m.coefficients(0) == Approx(4.0).epsilon(4 * kEps));
  CHECK(m.standard_errors(0) == Approx(std::sqrt(8.0 / 3.0 / 4.0)).epsilon(8 * kEps));
  CHECK(m.r_squared == Approx(0.0).margin(8 * kEps));

  Eigen::VectorXd x(3);
  x << 1, 2, 3;
  OlsOptions no_intercept;
  no_intercept.add_intercept = false;
  const OlsResult t = ols(x, 2.0 * x, no_intercept);  // exact fit through the origin
  CHECK(t.coefficients.size() == 1);
  CHECK(t.coefficients(0) == Approx(2.0).epsilon(4 * kEps));
  CHECK(t.r_squared == Approx(1.0).epsilon(4 * kEps));  // uncentred R²
  CHECK(t.residual_variance <= 16 * kEps * kEps * 56);  // RSS = O((eps·‖y‖)²)
}

TEST_CASE("ols reports rank deficiency instead of throwing", "[linalg][least_squares]") {
  Eigen::MatrixXd x(5, 2);
  x.col(0) << 1, 2, 3, 4, 5;
  x.col(1) = 2.0 * x.col(0);
  Eigen::VectorXd y(5);
  y << 1, 3, 2, 5, 4;
  const OlsResult r = ols(x, y);
  CHECK(r.rank == 2);
  CHECK(r.rank_deficient);
  CHECK(r.run.converged());  // rank deficiency is an outcome, said in the message
  REQUIRE(r.aliased.size() == 1);
  CHECK(r.run.message == "rank 2 of 3 coefficients; aliased (left out): " +
                             std::to_string(r.aliased[0]));
  const Eigen::Index gone = r.aliased[0], kept = 3 - gone;
  REQUIRE((gone == 1 || gone == 2));
  CHECK(r.coefficients(gone) == 0.0);
  CHECK(std::isnan(r.standard_errors(gone)));
  CHECK(std::isnan(r.covariance(gone, 0)));
  CHECK(r.degrees_of_freedom == 3);
  // The fit is the simple regression's: slope 0.8 carried by the kept column.
  CHECK(r.coefficients(kept) * (kept == 1 ? 1.0 : 2.0) == Approx(0.8).epsilon(1e-13));
  CHECK(r.residual_variance == Approx(1.2).epsilon(1e-13));
  CHECK(std::isfinite(r.standard_errors(kept)));

  // Zero degrees of freedom: an exact fit with n = rank has no variance estimate.
  Eigen::VectorXd x2(2), y2(2);
  x2 << 1, 2;
  y2 << 3, 5;
  const OlsResult e = ols(x2, y2);
  CHECK(e.degrees_of_freedom == 0);
  CHECK(std::isnan(e.residual_variance));
  CHECK(std::isnan(e.standard_errors(1)));
  CHECK(e.coefficients(1) == Approx(2.0).epsilon(16 * kEps));
}

TEST_CASE("ols rejects bad input", "[linalg][least_squares]") {
  const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(4, 2);
  SAMPO_REQUIRE_THROWS_WITH(ols(x, Eigen::VectorXd::Ones(3)), invalid_argument,
                            "sampo::linalg::ols", "4 rows but y has 3");
  SAMPO_REQUIRE_THROWS_WITH(ols(Eigen::MatrixXd(0, 1), Eigen::VectorXd()), invalid_argument,
                            "'y'", "is empty");
  Eigen::VectorXd y = Eigen::VectorXd::Ones(4);
  y(2) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(ols(x, y), invalid_argument, "'y'", "nan");
  OlsOptions o;
  o.add_intercept = false;
  SAMPO_REQUIRE_THROWS_WITH(ols(Eigen::MatrixXd(4, 0), Eigen::VectorXd::Ones(4), o),
                            invalid_argument, "no columns");
  o = {};
  o.rank_tolerance = -1;
  SAMPO_REQUIRE_THROWS_WITH(ols(x, Eigen::VectorXd::Ones(4), o), invalid_argument,
                            "rank_tolerance", "[0, 1)");
}

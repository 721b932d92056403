// The plain covariance estimators against independent transcriptions of numpy.cov and
// scikit-learn's ledoit_wolf / oas.
#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/learn/covariance.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"

using namespace sampo::learn;
using sampo::invalid_argument;

namespace {
Eigen::MatrixXd normal_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  return sampo::testing::normal_matrix(rows, cols, sampo::testing::fixture_seed(), seed);
}
}  // namespace

namespace {
// Independent, loop-based transcriptions of numpy.cov and of scikit-learn's (unblocked)
// ledoit_wolf / oas, with the data in scikit-learn's T x C layout.
Eigen::MatrixXd naive_cov(const Eigen::MatrixXd& x, double divisor) {
  const Eigen::Index c = x.rows(), t = x.cols();
  Eigen::MatrixXd out(c, c);
  for (Eigen::Index i = 0; i < c; ++i)
    for (Eigen::Index j = 0; j < c; ++j) {
      double mi = 0, mj = 0, s = 0;
      for (Eigen::Index k = 0; k < t; ++k) mi += x(i, k), mj += x(j, k);
      mi /= double(t), mj /= double(t);
      for (Eigen::Index k = 0; k < t; ++k) s += (x(i, k) - mi) * (x(j, k) - mj);
      out(i, j) = s / divisor;
    }
  return out;
}
double naive_lw_shrinkage(const Eigen::MatrixXd& data) {
  const Eigen::MatrixXd X = (data.colwise() - data.rowwise().mean()).transpose();  // T x C, centred
  const double n = double(X.rows()), p = double(X.cols());
  const Eigen::MatrixXd X2 = X.array().square().matrix();
  const double tr = X2.sum() / n, mu = tr / p;
  const double beta_ = (X2.transpose() * X2).sum();
  const double delta_ = (X.transpose() * X).array().square().sum() / (n * n);
  double beta = 1.0 / (p * n) * (beta_ / n - delta_);
  double delta = (delta_ - 2.0 * mu * tr + p * mu * mu) / p;
  beta = std::min(beta, delta);
  return beta == 0 ? 0 : beta / delta;
}
double naive_oas_shrinkage(const Eigen::MatrixXd& data) {
  const Eigen::MatrixXd S = naive_cov(data, double(data.cols()));
  const double p = double(S.rows()), n = double(data.cols());
  const double mu = S.trace() / p, alpha = S.array().square().mean();
  const double num = alpha + mu * mu, den = (n + 1.0) * (alpha - mu * mu / p);
  return den == 0 ? 1.0 : std::min(num / den, 1.0);
}
}  // namespace

TEST_CASE("sample_covariance is numpy.cov (centred, T - 1)", "[learn][covariance]") {
  // Closed form: two channels, x = (1, 2, 3, 4), y = (2, 4, 6, 9):
  // var x = 5/3, cov = (sum dx dy)/3 = 11/3... computed below exactly.
  Eigen::MatrixXd x(2, 4);
  x << 1, 2, 3, 4, 2, 4, 6, 9;
  const Eigen::MatrixXd c = sample_covariance(x);
  // mean x = 2.5, mean y = 5.25; dx = (-1.5,-.5,.5,1.5), dy = (-3.25,-1.25,.75,3.75)
  // sum dx^2 = 5, sum dx dy = 4.875+.625+.375+5.625 = 11.5, sum dy^2 = 10.5625+1.5625+.5625+14.0625
  // = 26.75 Tolerance: a few ulps of values O(10) (sums of 4 exact-ish terms).
  CHECK(c(0, 0) == Approx(5.0 / 3.0).epsilon(1e-15));
  CHECK(c(0, 1) == Approx(11.5 / 3.0).epsilon(1e-15));
  CHECK(c(1, 0) == c(0, 1));
  CHECK(c(1, 1) == Approx(26.75 / 3.0).epsilon(1e-15));
  const Eigen::MatrixXd d = normal_matrix(7, 50, 1);
  // Different summation orders: rounding ~ T * eps relative.
  CHECK((sample_covariance(d) - naive_cov(d, 49.0)).norm() <= 1e-13 * naive_cov(d, 49).norm());
  SAMPO_REQUIRE_THROWS_WITH(sample_covariance(Eigen::MatrixXd::Ones(3, 1)), invalid_argument,
                            "sampo::learn::sample_covariance", "'x'", "1 samples");
  Eigen::MatrixXd bad = d;
  bad(2, 5) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(sample_covariance(bad), invalid_argument, "(2, 5)", "nan");
}

TEST_CASE("ledoit_wolf and oas follow scikit-learn's formulas", "[learn][covariance]") {
  for (unsigned seed : {2u, 3u}) {
    for (Eigen::Index t : {10, 40, 400}) {
      const Eigen::MatrixXd d = normal_matrix(6, t, seed) + 3.0 * Eigen::MatrixXd::Ones(6, t);
      const ShrunkCovariance lw = ledoit_wolf(d), o = oas(d);
      // The shrinkage is a ratio of sums of O(T C^2) products: ~1e-12 relative rounding.
      CHECK(lw.shrinkage == Approx(naive_lw_shrinkage(d)).epsilon(1e-11));
      CHECK(o.shrinkage == Approx(naive_oas_shrinkage(d)).epsilon(1e-11));
      CHECK(lw.shrinkage >= 0.0);
      CHECK(lw.shrinkage <= 1.0);
      CHECK(o.shrinkage >= 0.0);
      CHECK(o.shrinkage <= 1.0);
      const Eigen::MatrixXd s = naive_cov(d, double(t));
      const double mu = s.trace() / 6.0;
      const Eigen::MatrixXd lw_ref =
          (1 - lw.shrinkage) * s + lw.shrinkage * mu * Eigen::MatrixXd::Identity(6, 6);
      CHECK((lw.covariance - lw_ref).norm() <= 1e-12 * lw_ref.norm());
      const Eigen::MatrixXd oas_ref =
          (1 - o.shrinkage) * s + o.shrinkage * mu * Eigen::MatrixXd::Identity(6, 6);
      CHECK((o.covariance - oas_ref).norm() <= 1e-12 * oas_ref.norm());
    }
  }
  // The shrinkage vanishes like 1/T with a known constant (for one data draw "fewer samples,
  // more shrinkage" is not a theorem; this limit is). For x ~ N(0, Sigma), LW's
  // beta -> (E||x||^4 - ||Sigma||^2) / (C T) = ((tr Sigma)^2 + tr Sigma^2) / (C T) (Gaussian
  // fourth moments: E||x||^4 = (tr Sigma)^2 + 2 tr Sigma^2) and delta -> ||Sigma - mu I||^2 / C,
  // so T s -> ((tr Sigma)^2 + tr Sigma^2) / ||Sigma - mu I||^2; OAS's
  // (||S||^2 + (tr S)^2) / ((T + 1) ||S - mu I||^2) has the same limit. Sigma = diag(1..6):
  // (441 + 91) / 17.5 = 30.4. At T = 2000, E||S - Sigma||^2 = 30.4 x 17.5 / T inflates delta
  // by at most 30.4 / T, a bias below 30.4^2 / T = 0.46 in T s; the mean of R = 40
  // independent draws is within 5 standard errors (estimated from the draws) plus that bias.
  Eigen::VectorXd sd(6);
  for (int i = 0; i < 6; ++i) sd(i) = std::sqrt(i + 1.0);
  const double limit = (21.0 * 21.0 + 91.0) / 17.5, T = 2000, R = 40;
  for (bool use_oas : {false, true}) {
    double sum = 0, sum2 = 0;
    for (unsigned r = 0; r < R; ++r) {
      const Eigen::MatrixXd x = sd.asDiagonal() * normal_matrix(6, Eigen::Index(T), 900 + r);
      const double ts = T * (use_oas ? oas(x) : ledoit_wolf(x)).shrinkage;
      sum += ts, sum2 += ts * ts;
    }
    const double mean = sum / R, se = std::sqrt((sum2 / R - mean * mean) / (R - 1));
    INFO((use_oas ? "oas" : "ledoit_wolf") << ": T s = " << mean << " +- " << se);
    CHECK(std::abs(mean - limit) <= 5 * se + limit * limit / T);
  }
  // One channel: scikit-learn returns the variance (divided by T) and shrinkage 0.
  Eigen::MatrixXd one(1, 4);
  one << 1, 2, 3, 6;
  CHECK(ledoit_wolf(one).covariance(0, 0) == Approx(14.0 / 4.0).epsilon(1e-15));
  CHECK(ledoit_wolf(one).shrinkage == 0.0);
  CHECK(oas(one).shrinkage == 0.0);
}

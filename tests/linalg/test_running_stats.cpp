#include "sampo/linalg/running_stats.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <vector>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::linalg;
using sampo::test::kEps;

TEST_CASE("RunningStats: closed form on a small sample", "[linalg][running_stats]") {
  RunningStats s;
  CHECK(s.count() == 0);
  CHECK(std::isnan(s.mean()));
  CHECK(std::isnan(s.variance()));
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) s.push(x);
  // Mean 5, Σ(x - 5)² = 32, sample variance 32/7, standard error √(32/7/8).
  CHECK(s.count() == 8);
  CHECK(s.mean() == 5.0);  // every partial mean is a short binary fraction here
  CHECK(s.sum_squared_deviations() == Approx(32.0).epsilon(4 * kEps));
  CHECK(s.variance() == Approx(32.0 / 7).epsilon(4 * kEps));
  CHECK(s.std_dev() == Approx(std::sqrt(32.0 / 7)).epsilon(4 * kEps));
  CHECK(s.std_error() == Approx(std::sqrt(32.0 / 7 / 8)).epsilon(4 * kEps));
  RunningStats one;
  one.push(3.0);
  CHECK(one.mean() == 3.0);
  CHECK(std::isnan(one.variance()));
  CHECK(std::isnan(one.std_error()));
}

TEST_CASE("RunningStats is stable where the textbook formula cancels", "[linalg][running_stats]") {
  // 1e9 + {4, 7, 13, 16}: variance exactly 30. Σx² - n·x̄² loses everything (eps·4e18 ≫ 90);
  // Welford's error is O(n·eps·|x̄|/s) ≈ 4·2.2e-16·1e9/5.5 ≈ 2e-7 relative.
  RunningStats s;
  for (double x : {4.0, 7.0, 13.0, 16.0}) s.push(1e9 + x);
  CHECK(s.variance() == Approx(30.0).epsilon(1e-6));
  CHECK(s.mean() == 1e9 + 10);
}

TEST_CASE("RunningStats::merge equals the one-pass result (Chan)", "[linalg][running_stats]") {
  const Eigen::MatrixXd data = sampo::test::gaussian_matrix(1000, 1, 91).array() * 3.0 + 7.0;
  RunningStats all;
  for (Eigen::Index i = 0; i < data.rows(); ++i) all.push(data(i, 0));
  for (Eigen::Index split : {Eigen::Index{0}, Eigen::Index{1}, Eigen::Index{333}, Eigen::Index{999},
                             Eigen::Index{1000}}) {
    CAPTURE(split);
    RunningStats a, b;
    for (Eigen::Index i = 0; i < split; ++i) a.push(data(i, 0));
    for (Eigen::Index i = split; i < data.rows(); ++i) b.push(data(i, 0));
    a.merge(b);
    CHECK(a.count() == all.count());
    // Both are O(n·eps) accurate (relative, κ = |x̄|/s ≈ 2): agree to 1e-13.
    CHECK(a.mean() == Approx(all.mean()).epsilon(1e-13));
    CHECK(a.variance() == Approx(all.variance()).epsilon(1e-13));
  }
  // Merging four chunks in a fixed order is reproducible.
  auto chunked = [&] {
    RunningStats total;
    for (int c = 0; c < 4; ++c) {
      RunningStats part;
      for (Eigen::Index i = c * 250; i < (c + 1) * 250; ++i) part.push(data(i, 0));
      total.merge(part);
    }
    return total;
  };
  CHECK(chunked().variance() == chunked().variance());
  // Against the two-pass formula.
  const double mean = data.mean();
  const double var = (data.array() - mean).square().sum() / 999.0;
  CHECK(all.variance() == Approx(var).epsilon(1e-13));
}

TEST_CASE("RunningStats rejects non-finite observations", "[linalg][running_stats]") {
  RunningStats s;
  SAMPO_REQUIRE_THROWS_WITH(s.push(std::numeric_limits<double>::quiet_NaN()), invalid_argument,
                            "sampo::linalg::RunningStats::push", "'x' = nan");
  SAMPO_REQUIRE_THROWS_WITH(s.push(std::numeric_limits<double>::infinity()), invalid_argument,
                            "= inf");
  CHECK(s.count() == 0);  // nothing was added
}

TEST_CASE("RunningCovariance: mean, covariance and merge", "[linalg][running_stats]") {
  const Eigen::Index d = 4, n = 500;
  Eigen::MatrixXd mix = sampo::test::gaussian_matrix(d, d, 92);
  const Eigen::MatrixXd data =
      (sampo::test::gaussian_matrix(n, d, 93) * mix).rowwise() + Eigen::RowVector4d(1, -2, 3, 10);
  RunningCovariance all(d);
  CHECK(all.dimension() == d);
  CHECK(std::isnan(all.mean()(0)));
  for (Eigen::Index i = 0; i < n; ++i) all.push(data.row(i).transpose());
  CHECK(std::isnan(RunningCovariance(2).covariance()(0, 0)));
  // Two-pass reference.
  const Eigen::VectorXd mean = data.colwise().mean().transpose();
  const Eigen::MatrixXd centered = data.rowwise() - mean.transpose();
  const Eigen::MatrixXd cov = centered.transpose() * centered / static_cast<double>(n - 1);
  // O(n·eps·κ) with κ ≈ ‖x̄‖/s ≈ 10: 1e-12 relative to the scale of the covariance.
  CHECK((all.mean() - mean).cwiseAbs().maxCoeff() <= 1e-12 * mean.norm());
  CHECK((all.covariance() - cov).cwiseAbs().maxCoeff() <= 1e-12 * cov.norm());
  CHECK(sampo::test::exactly_symmetric(all.covariance()));
  CHECK((all.sum_squared_deviations() - cov * (n - 1)).cwiseAbs().maxCoeff() <=
        1e-12 * cov.norm() * (n - 1));
  // Diagonal = scalar RunningStats of each coordinate.
  RunningStats c2;
  for (Eigen::Index i = 0; i < n; ++i) c2.push(data(i, 2));
  CHECK(all.covariance()(2, 2) == Approx(c2.variance()).epsilon(1e-13));
  // Merge of uneven parts = one pass.
  RunningCovariance a(d), b(d), empty(d);
  for (Eigen::Index i = 0; i < 123; ++i) a.push(data.row(i).transpose());
  for (Eigen::Index i = 123; i < n; ++i) b.push(data.row(i).transpose());
  a.merge(b);
  a.merge(empty);
  CHECK(a.count() == static_cast<std::size_t>(n));
  CHECK((a.mean() - all.mean()).cwiseAbs().maxCoeff() <= 1e-12 * mean.norm());
  CHECK((a.covariance() - all.covariance()).cwiseAbs().maxCoeff() <= 1e-12 * cov.norm());
  empty.merge(all);
  CHECK(empty.covariance() == all.covariance());
}

TEST_CASE("RunningCovariance rejects bad input", "[linalg][running_stats]") {
  SAMPO_REQUIRE_THROWS_WITH(RunningCovariance(0), invalid_argument,
                            "sampo::linalg::RunningCovariance", "'dimension' = 0");
  RunningCovariance c(3);
  SAMPO_REQUIRE_THROWS_WITH(c.push(Eigen::Vector2d(1, 2)), invalid_argument, "push",
                            "expected 3x1");
  SAMPO_REQUIRE_THROWS_WITH(c.push(Eigen::Vector3d(1, std::numeric_limits<double>::quiet_NaN(), 2)),
                            invalid_argument, "entry (1, 0) is nan");
  SAMPO_REQUIRE_THROWS_WITH(c.merge(RunningCovariance(2)), invalid_argument, "merge",
                            "dimension 2, expected 3");
}

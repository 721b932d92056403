#include "sampo/sketch/distortion.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>

#include "sampo/core/error.hpp"
#include "sampo/sketch/lewis.hpp"
#include "sampo/sketch/sampling.hpp"
#include "sampo/sketch/sensitivity.hpp"
#include "sampo_test.hpp"
#include "sketch_test_util.hpp"

using namespace sampo;
using namespace sampo::sketch;

TEST_CASE("distortion: SA = cA has f = c^p everywhere", "[sketch][distortion]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(100, 3, sampo::testing::fixture_seed(16));
  for (double p : {1.0, 2.0, 3.0}) {
    CAPTURE(p);
    const DistortionResult same = distortion(a, a, p);
    CHECK(same.distortion <= 1e-12);  // f ≡ 1 up to rounding of two p-norms
    const DistortionResult r = distortion(a, 1.1 * a, p);
    CHECK(r.exact == (p == 2.0));
    CHECK(r.distortion == Approx(std::pow(1.1, p) - 1).epsilon(1e-12));
  }
}

TEST_CASE("distortion: p = 2 is exact (generalized eigenvalues)", "[sketch][distortion]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(200, 3, sampo::testing::fixture_seed(17));
  SampleOptions o;
  o.expected_rows = 40;
  o.seed = 1;
  const SampleResult s = sample_rows(a, lewis_weights(a, 2.0).weights, o);
  const DistortionResult r = distortion(a, s.rows, 2.0);
  Eigen::GeneralizedSelfAdjointEigenSolver<Eigen::MatrixXd> ges(s.rows.transpose() * s.rows,
                                                                a.transpose() * a);
  // The Gram route squares κ(A) (heavy tails: κ ~ 10): 1e-10 relative.
  CHECK(r.f_min == Approx(ges.eigenvalues()(0)).epsilon(1e-10));
  CHECK(r.f_max == Approx(ges.eigenvalues()(2)).epsilon(1e-10));
}

TEST_CASE("distortion: d = 1 has a constant f", "[sketch][distortion]") {
  Eigen::VectorXd a(6);
  a << 1, -2, 0.5, 3, 1, -1;
  Eigen::MatrixXd sa(2, 1);
  sa << 2.0, 3.0;  // rows 1 and 3, weights 1 and 1
  const double p = 1.5;
  const double expected = (std::pow(2.0, p) + std::pow(3.0, p)) / a.array().abs().pow(p).sum();
  const DistortionResult r = distortion(a, sa, p);
  CHECK(r.f_min == Approx(expected).epsilon(1e-12));
  CHECK(r.f_max == Approx(expected).epsilon(1e-12));
}

TEST_CASE("distortion: an empty sample has f = 0 and distortion 1 exactly", "[sketch][distortion]") {
  // A Bernoulli sample can keep no row (small expected size); SAx = 0 for every x. This used to
  // crash in the SVD of the 0 x d matrix SA·T.
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(50, 3, sampo::testing::fixture_seed(16));
  const Eigen::MatrixXd sa(0, 3);
  for (double p : {1.0, 1.5, 2.0, 3.0}) {
    CAPTURE(p);
    const DistortionResult r = distortion(a, sa, p);
    CHECK(r.exact);
    CHECK(r.f_min == 0.0);
    CHECK(r.f_max == 0.0);
    CHECK(r.distortion == 1.0);
  }
}

TEST_CASE("distortion: dropping a high-sensitivity row is found", "[sketch][distortion]") {
  Eigen::MatrixXd a = 0.05 * sampo::testing::normal_matrix(60, 3, sampo::testing::fixture_seed(18), 0);
  a.row(0) << 3.0, 0.0, 0.0;  // σ_0 close to 1
  const double p = 1.5;
  const double sigma0 = lp_sensitivities(a, p).sensitivities(0);
  const Eigen::MatrixXd sa = a.bottomRows(59);
  const DistortionResult r = distortion(a, sa, p);
  // The maximizer x* of row 0's sensitivity gives f(x*) = 1 − σ_0: the descent from row 0's
  // leverage direction must reach it (to 1e-6: the smoothed Newton optimum vs the ascent's).
  CHECK(r.distortion >= sigma0 * (1 - 1e-6));
  CHECK(!r.exact);
}

TEST_CASE("distortion: a sample of rank below d is found to distort by at least 1", "[sketch][distortion]") {
  // With fewer rows than d (or rows spanning less than range(A)) some x has SAx = 0, f(x) = 0
  // exactly: distortion >= 1 for every p, whatever the random starts (seeded sweep).
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const Eigen::MatrixXd a = sampo::test::heavy_tailed(80, 6, sampo::testing::fixture_seed(30 + seed));
    for (double p : {1.0, 1.5, 3.0}) {
      CAPTURE(seed, p);
      DistortionOptions o;
      o.random_starts = 0;
      o.row_starts = 0;  // only the basis and singular-vector starts
      const Eigen::MatrixXd few = 5.0 * a.topRows(4);  // 4 rows < d = 6
      CHECK(distortion(a, few, p, o).f_min <= 1e-12);
      CHECK(distortion(a, few, p, o).distortion >= 1.0 - 1e-12);
      Eigen::MatrixXd dependent(8, 6);  // 8 rows spanning only 3 dimensions
      dependent << a.topRows(3), 2.0 * a.topRows(3), a.row(0) - a.row(1), a.row(2) + a.row(1);
      CHECK(distortion(a, dependent, p, o).f_min <= 1e-12);
    }
  }
}

TEST_CASE("distortion: bad input names the argument", "[sketch][distortion]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Ones(5, 2);
  SAMPO_REQUIRE_THROWS_WITH(distortion(a, Eigen::MatrixXd::Ones(3, 3), 1.0),
                            sampo::invalid_argument, "sa.cols()", "3");
  SAMPO_REQUIRE_THROWS_WITH(distortion(a, a, 0.5), sampo::invalid_argument, "'p'");
}

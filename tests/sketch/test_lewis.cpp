#include "sampo/sketch/lewis.hpp"

#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo/parallel/random_stream.hpp"
#include "sampo/sketch/leverage.hpp"
#include "sampo_test.hpp"
#include "sketch_test_util.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::sketch;

// Tolerances: the iteration stops when the fixed-point residual max |log T(w) − log w| is
// <= 1e-10, so weights are accurate to about that relative error (1e-8 leaves room for the
// contraction factor of the last step and the leverage routine's own O(κ²·eps) error).

TEST_CASE("Lewis weights: p = 2 gives the leverage scores", "[sketch][lewis]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(300, 4, sampo::testing::fixture_seed(1));
  const LewisResult r = lewis_weights(a, 2.0);
  CHECK(r.run.converged());
  CHECK(sampo::test::max_rel_diff(r.weights, linalg::leverage_scores(a).scores) <= 1e-8);
}

TEST_CASE("Lewis weights: one column and stacked identities", "[sketch][lewis]") {
  Eigen::VectorXd a(5);
  a << 1, -2, 0.5, 3, 1;
  for (double p : {1.0, 1.5, 3.0, 6.0}) {
    CAPTURE(p);
    // d = 1: w_i = |a_i|^p / Σ_j |a_j|^p.
    const Eigen::VectorXd expected = a.array().abs().pow(p) / a.array().abs().pow(p).sum();
    const LewisResult r = lewis_weights(a, p);
    CHECK(r.run.converged());
    CHECK(sampo::test::max_rel_diff(r.weights, expected) <= 1e-8);
    // I_3 stacked 4 times: w = 1/4.
    const LewisResult s = lewis_weights(sampo::test::stacked_identity(3, 4), p);
    CHECK((s.weights.array() - 0.25).abs().maxCoeff() <= 1e-8);
  }
}

TEST_CASE("Lewis weights: Σw = d, fixed point, flattening, zero rows", "[sketch][lewis]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(200, 4, sampo::testing::fixture_seed(2));
  for (double p : {1.0, 1.5, 3.0, 6.0}) {
    CAPTURE(p);
    const LewisResult r = lewis_weights(a, p);
    CHECK(r.run.converged());
    CHECK(r.rank == 4);
    CHECK(r.residual <= 1e-10);
    CHECK(r.sum_error <= 1e-8);
    CHECK(r.damping == (p < 4 ? 1.0 : 4.0 / (p + 2.0)));
    // Flattening row 7 into 3 copies a_7/3^{1/p}: each copy gets w_7/3, the rest unchanged.
    const LewisResult f = lewis_weights(sampo::test::flatten_row(a, 7, 3, p), p);
    CHECK(f.weights(7) == Approx(r.weights(7) / 3).epsilon(1e-8));
    CHECK(f.weights(200) == Approx(r.weights(7) / 3).epsilon(1e-8));
    CHECK(f.weights(201) == Approx(r.weights(7) / 3).epsilon(1e-8));
    CHECK(f.weights(0) == Approx(r.weights(0)).epsilon(1e-8));
    // Zero rows get 0 and leave the others unchanged.
    Eigen::MatrixXd z(202, 4);
    z << a, Eigen::MatrixXd::Zero(2, 4);
    const LewisResult rz = lewis_weights(z, p);
    CHECK(rz.weights(200) == 0.0);
    CHECK(rz.weights(201) == 0.0);
    CHECK(sampo::test::max_rel_diff(rz.weights.head(200), r.weights) <= 1e-8);
  }
}

TEST_CASE("Lewis weights: thread-independent bits", "[sketch][lewis]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(20000, 3, sampo::testing::fixture_seed(5));
  const auto one = sampo::test::with_threads(1, [&] { return lewis_weights(a, 1.0); });
  const auto two = sampo::test::with_threads(2, [&] { return lewis_weights(a, 1.0); });
  CHECK(sampo::test::same_entries(one.weights, two.weights));
}

TEST_CASE("Lewis weights: bad input names the argument", "[sketch][lewis]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Ones(6, 2);
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(a, 0.5), sampo::invalid_argument, "'p'", "0.5");
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(Eigen::MatrixXd::Ones(2, 3), 1.0),
                            sampo::invalid_argument, "'a'", "2 x 3");
  Eigen::MatrixXd b = a;
  b(2, 0) = std::numeric_limits<double>::infinity();
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(b, 1.0), sampo::invalid_argument, "'a'");
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(Eigen::MatrixXd::Zero(4, 2), 1.0),
                            sampo::invalid_argument, "'a'", "rank 0");
  LewisOptions o;
  o.tolerance = -1;
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(a, 1.0, o), sampo::invalid_argument, "tolerance");
}

// Approximate Lewis weights: the stated bound E on max |log(w̃/w)| is the test's tolerance (it
// holds with probability >= 1 − failure_probability; fixed seeds).
TEST_CASE("approximate Lewis weights: within the stated error on GA and T3", "[sketch][lewis]") {
  for (const int nu : {0, 3}) {
    const Eigen::MatrixXd a =
        sampo::testing::mmy_matrix(4000, 10, nu, sampo::testing::fixture_seed(31));
    for (const double p : {1.0, 1.5, 3.0}) {
      CAPTURE(nu, p);
      const LewisResult exact = lewis_weights(a, p);
      REQUIRE(exact.run.converged());
      ApproxLewisOptions o;
      o.leverage.jl_dimension = 2000;  // no CountSketch (m >= n automatically), ε_J ≈ 0.23
      o.leverage.seed = 8;
      const ApproxLewisResult r = approximate_lewis_weights(a, p, o);
      CHECK(r.run.converged());
      CHECK(r.rank == 10);
      CHECK(r.failure_probability < 0.5);
      CHECK(std::isfinite(r.error_bound));
      const double err =
          (r.weights.array() / exact.weights.array()).log().abs().maxCoeff();
      CHECK(err <= r.error_bound);
      // E = (γΔ + (p/2)L)/(1 − γ) with γ = |1 − p/2|, as documented.
      const double gamma = std::abs(1.0 - p / 2);
      CHECK(r.error_bound == Approx((gamma * r.last_change + p / 2 * r.leverage_log_error) /
                                    (1.0 - gamma))
                                 .epsilon(1e-14));
    }
  }
}

TEST_CASE("approximate Lewis weights: p = 2, sparse = dense, threads, bad input",
          "[sketch][lewis]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(600, 4, sampo::testing::fixture_seed(32));
  ApproxLewisOptions o;
  o.leverage.sketch_rows = 300;
  o.leverage.jl_dimension = 200;
  o.leverage.seed = 3;
  // p = 2: one step, w̃ = that step's approximate leverage scores (exp(log τ̃): a few ulps).
  const ApproxLewisResult r2 = approximate_lewis_weights(a, 2.0, o);
  CHECK(r2.run.evaluations == 1);
  ApproxLeverageOptions lo = o.leverage;
  lo.seed = parallel::RandomStream(3, 2, 0).next_u64();
  CHECK(sampo::test::max_rel_diff(r2.weights, approximate_leverage_scores(a, lo).scores) <=
        8 * sampo::test::kEps);
  // A zero row keeps w = 0; the sparse overload gives the dense one's weights (the same
  // streams; sums in another order: 1e-10 relative).
  Eigen::MatrixXd az = a;
  az.row(5).setZero();
  const ApproxLewisResult dense = approximate_lewis_weights(az, 1.5, o);
  const ApproxLewisResult sparse = approximate_lewis_weights(az.sparseView().eval(), 1.5, o);
  CHECK(dense.weights(5) == 0.0);
  CHECK(sparse.weights(5) == 0.0);
  CHECK(sparse.run.evaluations == dense.run.evaluations);
  CHECK(sampo::test::max_rel_diff(sparse.weights, dense.weights) <= 1e-10);
  // The same bits with 1 and 2 threads.
  const auto w1 = sampo::test::with_threads(1, [&] { return approximate_lewis_weights(a, 1.0, o).weights; });
  const auto w2 = sampo::test::with_threads(2, [&] { return approximate_lewis_weights(a, 1.0, o).weights; });
  CHECK(sampo::test::same_entries(w1, w2));
  // Bad input names the argument.
  SAMPO_REQUIRE_THROWS_WITH(approximate_lewis_weights(a, 4.0, o), sampo::invalid_argument, "'p'", "4");
  SAMPO_REQUIRE_THROWS_WITH(approximate_lewis_weights(a, 0.5, o), sampo::invalid_argument, "'p'", "0.5");
  SAMPO_REQUIRE_THROWS_WITH(approximate_lewis_weights(Eigen::MatrixXd::Zero(10, 2), 1.0, o),
                            sampo::invalid_argument, "zero matrix");
  SAMPO_REQUIRE_THROWS_WITH(approximate_lewis_weights(Eigen::MatrixXd::Ones(2, 3), 1.0, o),
                            sampo::invalid_argument, "'a'");
  Eigen::SparseMatrix<double> wide(2, 3);
  SAMPO_REQUIRE_THROWS_WITH(approximate_lewis_weights(wide, 1.0, o), sampo::invalid_argument,
                            "2 x 3");
  ApproxLewisOptions bad = o;
  bad.max_iterations = 0;
  SAMPO_REQUIRE_THROWS_WITH(approximate_lewis_weights(a, 1.0, bad), sampo::invalid_argument,
                            "max_iterations");
  bad = o;
  bad.leverage.delta = 2;
  SAMPO_REQUIRE_THROWS_WITH(approximate_lewis_weights(a, 1.0, bad), sampo::invalid_argument,
                            "delta");
}

// Exact Lewis weights of a sparse A (never densified): the dense overload's weights to the
// iteration's tolerance (both stop at a log residual of 1e-10; the leverage routes differ in
// summation order only, O(κ²·eps)), hence 1e-8 relative as above.
TEST_CASE("Lewis weights of a sparse matrix: the dense weights, zero rows, rank, threads",
          "[sketch][lewis]") {
  // ~30 % non-zeros, some rows entirely zero
  Eigen::MatrixXd a =
      sampo::test::sparse_heavy_tailed(1500, 5, sampo::testing::fixture_seed(33), 0.3);
  const Eigen::SparseMatrix<double> s = a.sparseView();
  for (const double p : {1.0, 1.5, 3.0, 6.0}) {
    CAPTURE(p);
    const LewisResult dense = lewis_weights(a, p);
    const LewisResult sparse = lewis_weights(s, p);
    REQUIRE(sparse.run.converged());
    CHECK(sparse.rank == 5);
    CHECK(sparse.weights(9) == 0.0);
    CHECK(sparse.sum_error <= 1e-8);
    CHECK(sparse.run.message.find("sparse") != std::string::npos);
    CHECK(sampo::test::max_rel_diff(sparse.weights, dense.weights) <= 1e-8);
  }
  // A dependent column (rank 4): the sparse leverage's QR fallback, Σw = rank, the dense
  // overload's weights (whose leverage also falls back to QR).
  Eigen::MatrixXd b = a;
  b.col(4) = b.col(0) - 2.0 * b.col(3);
  const LewisResult rd = lewis_weights(Eigen::SparseMatrix<double>(b.sparseView()), 1.0);
  REQUIRE(rd.run.converged());
  CHECK(rd.rank == 4);
  CHECK(rd.weights.sum() == Approx(4.0).epsilon(1e-8));
  CHECK(sampo::test::max_rel_diff(rd.weights, lewis_weights(b, 1.0).weights) <= 1e-8);
  // The same bits with 1 and 2 threads.
  const auto w1 = sampo::test::with_threads(1, [&] { return lewis_weights(s, 1.0).weights; });
  const auto w2 = sampo::test::with_threads(2, [&] { return lewis_weights(s, 1.0).weights; });
  CHECK(sampo::test::same_entries(w1, w2));
  // Bad input names the argument.
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(s, 0.5), sampo::invalid_argument, "'p'", "0.5");
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(Eigen::SparseMatrix<double>(10, 2), 1.0),
                            sampo::invalid_argument, "zero matrix");
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(Eigen::SparseMatrix<double>(2, 3), 1.0),
                            sampo::invalid_argument, "2 x 3");
  Eigen::SparseMatrix<double> bad = s;
  bad.coeffRef(3, 1) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(bad, 1.0), sampo::invalid_argument, "a(3, 1)", "nan");
  LewisOptions o;
  o.max_iterations = 0;
  SAMPO_REQUIRE_THROWS_WITH(lewis_weights(s, 1.0, o), sampo::invalid_argument, "max_iterations");
}

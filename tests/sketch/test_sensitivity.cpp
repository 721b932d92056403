#include "sampo/sketch/sensitivity.hpp"

#include <cmath>

#include "sampo/core/error.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo/sketch/lewis.hpp"
#include "sampo_test.hpp"
#include "sketch_test_util.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::sketch;

// Tolerances: each row is solved to a certified relative gap of 1e-8 on its minimum norm
// ‖Ax*‖_p, so σ = 1/‖Ax*‖_p^p carries a relative error of at most about p·1e-8; 1e-6 leaves
// room for that and for the bounds' own rounding.

namespace {
/// 1/σ_i for p = 1 and d = 2 by enumeration: the minimum of the piecewise-linear convex
/// ‖Ax‖₁ on the line a_iᵀx = 1 is at a breakpoint, where a_jᵀx = 0 for some row j.
double inverse_l1_sensitivity_2d(const Eigen::MatrixXd& a, Eigen::Index i) {
  double best = std::numeric_limits<double>::infinity();
  for (Eigen::Index j = 0; j < a.rows(); ++j) {
    Eigen::Matrix2d m;
    m.row(0) = a.row(i);
    m.row(1) = a.row(j);
    if (std::abs(m.determinant()) < 1e-12 * m.norm() * m.norm()) continue;
    const Eigen::Vector2d x = m.partialPivLu().solve(Eigen::Vector2d(1.0, 0.0));
    best = std::min(best, (a * x).lpNorm<1>());
  }
  return best;
}
}  // namespace

TEST_CASE("sensitivities: one column, σ_i = |a_i|^p / Σ|a_j|^p", "[sketch][sensitivity]") {
  Eigen::VectorXd a(5);
  a << 1, -2, 0.5, 3, 1;
  for (double p : {1.0, 1.5, 2.0, 3.0}) {
    CAPTURE(p);
    const Eigen::VectorXd expected = a.array().abs().pow(p) / a.array().abs().pow(p).sum();
    const SensitivityResult r = lp_sensitivities(a, p);
    CHECK(r.run.converged());
    CHECK(sampo::test::max_rel_diff(r.sensitivities, expected) <= 1e-6);
    CHECK(r.total == Approx(1.0).epsilon(1e-6));
  }
}

TEST_CASE("sensitivities: p = 2 gives leverage; stacked identity gives 1/k",
          "[sketch][sensitivity]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(80, 3, sampo::testing::fixture_seed(6));
  const SensitivityResult r = lp_sensitivities(a, 2.0);
  CHECK(sampo::test::max_rel_diff(r.sensitivities, linalg::leverage_scores(a).scores) <= 1e-6);
  CHECK(r.total == Approx(3.0).epsilon(1e-6));
  for (double p : {1.0, 1.5, 4.0}) {
    CAPTURE(p);
    const SensitivityResult s = lp_sensitivities(sampo::test::stacked_identity(3, 5), p);
    CHECK(s.run.converged());
    CHECK((s.sensitivities.array() - 0.2).abs().maxCoeff() <= 1e-6 * 0.2);
  }
}

TEST_CASE("sensitivities: p = 1 against enumeration of breakpoints (d = 2)",
          "[sketch][sensitivity]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(40, 2, sampo::testing::fixture_seed(7));
  const SensitivityResult r = lp_sensitivities(a, 1.0);
  CHECK(r.run.converged());
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    CAPTURE(i);
    CHECK(r.sensitivities(i) == Approx(1.0 / inverse_l1_sensitivity_2d(a, i)).epsilon(1e-6));
    // The certificate brackets the value.
    CHECK(r.sensitivities(i) <= r.upper_bounds(i) * (1 + 1e-12));
  }
}

TEST_CASE("sensitivities: bounds against Lewis weights and leverage scores",
          "[sketch][sensitivity]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(60, 3, sampo::testing::fixture_seed(8));
  const double d = 3.0;
  const Eigen::VectorXd tau = linalg::leverage_scores(a).scores;
  for (double p : {1.0, 1.5, 3.0}) {
    CAPTURE(p);
    const SensitivityResult r = lp_sensitivities(a, p);
    CHECK(r.run.converged());
    CHECK(r.max_relative_gap <= 1e-8);
    const Eigen::VectorXd w = lewis_weights(a, p).weights;
    const double c = std::pow(d, p / 2 - 1);  // d^{p/2 − 1}
    const double slack = 1e-6;
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      CAPTURE(i);
      const double s = r.sensitivities(i);
      if (p < 2) {
        CHECK(c * w(i) <= s * (1 + slack));
        CHECK(s <= w(i) * (1 + slack));
        CHECK(s <= std::pow(tau(i), p / 2) * (1 + slack));
      } else {
        CHECK(w(i) <= s * (1 + slack));
        CHECK(s <= c * w(i) * (1 + slack));
      }
    }
    // Total sensitivity: d^{p/2} <= 𝔖 <= d (p < 2), d <= 𝔖 <= d^{p/2} (p > 2).
    const double lo = std::min(d, std::pow(d, p / 2)), hi = std::max(d, std::pow(d, p / 2));
    CHECK(r.total >= lo * (1 - slack));
    CHECK(r.total <= hi * (1 + slack));
  }
}

TEST_CASE("sensitivities: flattening, zero rows, thread-independent bits",
          "[sketch][sensitivity]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(50, 3, sampo::testing::fixture_seed(9));
  const double p = 1.5;
  const SensitivityResult r = lp_sensitivities(a, p);
  // Row 4 split into 3 copies a_4/3^{1/p}: each copy gets σ_4/3, the others are unchanged.
  const SensitivityResult f = lp_sensitivities(sampo::test::flatten_row(a, 4, 3, p), p);
  CHECK(f.sensitivities(4) == Approx(r.sensitivities(4) / 3).epsilon(1e-6));
  CHECK(f.sensitivities(51) == Approx(r.sensitivities(4) / 3).epsilon(1e-6));
  CHECK(f.sensitivities(0) == Approx(r.sensitivities(0)).epsilon(1e-6));
  CHECK(f.total == Approx(r.total).epsilon(1e-6));
  Eigen::MatrixXd z(52, 3);
  z << a, Eigen::MatrixXd::Zero(2, 3);
  const SensitivityResult rz = lp_sensitivities(z, p);
  CHECK(rz.sensitivities(50) == 0.0);
  CHECK(rz.sensitivities(51) == 0.0);
  CHECK(sampo::test::max_rel_diff(rz.sensitivities.head(50), r.sensitivities) <= 1e-6);
  const auto one = sampo::test::with_threads(1, [&] { return lp_sensitivities(a, p); });
  const auto two = sampo::test::with_threads(2, [&] { return lp_sensitivities(a, p); });
  CHECK(sampo::test::same_entries(one.sensitivities, two.sensitivities));
  CHECK(sampo::test::same_entries(one.upper_bounds, two.upper_bounds));
}

TEST_CASE("sensitivities: rank-deficient A is scored on its range", "[sketch][sensitivity]") {
  Eigen::MatrixXd a = sampo::test::heavy_tailed(40, 3, sampo::testing::fixture_seed(10));
  Eigen::MatrixXd b(40, 4);
  b << a, a.col(0) + a.col(1);  // rank 3, same range as a
  const SensitivityResult ra = lp_sensitivities(a, 1.5), rb = lp_sensitivities(b, 1.5);
  CHECK(rb.rank == 3);
  CHECK(sampo::test::max_rel_diff(rb.sensitivities, ra.sensitivities) <= 1e-6);
}

TEST_CASE("sensitivities against an embedding", "[sketch][sensitivity]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(400, 3, sampo::testing::fixture_seed(11));
  const SensitivityResult exact = lp_sensitivities(a, 1.5);
  SensitivityOptions o;
  o.embedding_rows = 200;
  o.seed = 3;
  const SensitivityResult approx = lp_sensitivities(a, 1.5, o);
  CHECK(approx.approximate);
  REQUIRE(approx.run.converged());
  // σ̂/σ ∈ [1/(1+ε), 1/(1−ε)] for a sample of distortion ε; a Lewis sample of half the rows of
  // a 3-column matrix has ε well below 1/2 (fixed seed): ratios within [2/3, 2].
  const Eigen::ArrayXd ratio = approx.sensitivities.array() / exact.sensitivities.array();
  CHECK(ratio.minCoeff() >= 2.0 / 3.0);
  CHECK(ratio.maxCoeff() <= 2.0);
}

TEST_CASE("sensitivities: p = 1 by GLPK's simplex agrees with the Newton path",
          "[sketch][sensitivity]") {
  // Both paths certify each row to a relative gap of 1e-8 on ‖Ax*‖₁ (σ = 1/‖Ax*‖₁), so the
  // two σ agree to about 2e-8; 1e-6 leaves room for the bounds' rounding. d = 2 is also
  // checked against exact enumeration, d = 5 (no enumeration) between the two paths only.
  SensitivityOptions lp;
  lp.use_glpk = true;
  const Eigen::MatrixXd a2 = sampo::test::heavy_tailed(40, 2, sampo::testing::fixture_seed(7));
  const SensitivityResult g2 = lp_sensitivities(a2, 1.0, lp);
  CHECK(g2.run.converged());
  for (Eigen::Index i = 0; i < a2.rows(); ++i)
    CHECK(g2.sensitivities(i) == Approx(1.0 / inverse_l1_sensitivity_2d(a2, i)).epsilon(1e-6));
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(120, 5, sampo::testing::fixture_seed(12));
  const SensitivityResult g = lp_sensitivities(a, 1.0, lp);
  const SensitivityResult n = lp_sensitivities(a, 1.0);
  CHECK(g.run.converged());
  CHECK(n.run.converged());
  CHECK(sampo::test::max_rel_diff(g.sensitivities, n.sensitivities) <= 1e-6);
  CHECK(g.total == Approx(n.total).epsilon(1e-6));
  // Each path's value lies within the other's certified bracket (up to the 1e-6 above).
  CHECK((g.sensitivities.array() <= n.upper_bounds.array() * (1 + 1e-6)).all());
  CHECK((n.sensitivities.array() <= g.upper_bounds.array() * (1 + 1e-6)).all());
  // Rows are independent LPs: the same bits for 1 and 2 threads.
  const SensitivityResult g1 =
      sampo::test::with_threads(1, [&] { return lp_sensitivities(a, 1.0, lp); });
  const SensitivityResult g2t =
      sampo::test::with_threads(2, [&] { return lp_sensitivities(a, 1.0, lp); });
  CHECK(sampo::test::same_entries(g1.sensitivities, g2t.sensitivities));
}

TEST_CASE("sensitivities: bad input names the argument", "[sketch][sensitivity]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Ones(6, 2);
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(a, 0.9), sampo::invalid_argument, "'p'", "0.9");
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(a, std::nan("")), sampo::invalid_argument, "'p'");
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(Eigen::MatrixXd::Ones(2, 3), 1.0),
                            sampo::invalid_argument, "'a'", "2 x 3");
  Eigen::MatrixXd b = a;
  b(1, 1) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(b, 1.0), sampo::invalid_argument, "'a'");
  SensitivityOptions o;
  o.embedding_rows = 7;
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(a, 1.0, o), sampo::invalid_argument,
                            "embedding_rows", "7");
  SensitivityOptions g;
  g.use_glpk = true;
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(a, 1.5, g), sampo::invalid_argument, "use_glpk",
                            "p = 1.5");
}

// The sparse overload (never densified) against the dense one. Both certify each row: σ lies in
// [1/U^p, 1/L^p] with U − L <= tolerance·U (+ a rounding allowance of 64·eps·n^{1/p} on the
// unit problem), so the two attained σ both lie in an interval of relative width at most
// about p·tolerance: 2p·tolerance + 1e-10 (for that rounding allowance and the sparse basis's
// κ_r·eps orthonormality, κ_r < 1e3 here) bounds their difference.
TEST_CASE("sensitivities of a sparse matrix: the dense ones, zero rows, rank, threads",
          "[sketch][sensitivity]") {
  // ~50 % non-zeros, some rows entirely zero
  const Eigen::MatrixXd a =
      sampo::test::sparse_heavy_tailed(60, 4, sampo::testing::fixture_seed(34), 0.5);
  const Eigen::SparseMatrix<double> s = a.sparseView();
  const SensitivityOptions o;
  for (const double p : {1.0, 1.5, 3.0}) {
    CAPTURE(p);
    const double tol = 2.0 * p * o.tolerance + 1e-10;
    const SensitivityResult dense = lp_sensitivities(a, p);
    const SensitivityResult sparse = lp_sensitivities(s, p);
    REQUIRE(dense.run.converged());
    REQUIRE(sparse.run.converged());
    CHECK(sparse.rank == 4);
    CHECK(sparse.sensitivities(9) == 0.0);
    CHECK(sparse.upper_bounds(9) == 0.0);
    CHECK(sparse.run.message.find("sparse") != std::string::npos);
    CHECK(sparse.max_relative_gap <= o.tolerance + 1e-10);
    CHECK(sampo::test::max_rel_diff(sparse.sensitivities, dense.sensitivities) <= tol);
    CHECK(sparse.total == Approx(dense.total).epsilon(tol));
    // Each overload's value lies within the other's certified bracket.
    CHECK((sparse.sensitivities.array() <= dense.upper_bounds.array() * (1 + tol)).all());
    CHECK((dense.sensitivities.array() <= sparse.upper_bounds.array() * (1 + tol)).all());
  }
  // A dependent column (rank 3 of 4): scored on the range, as the dense overload. (For p = 1
  // this zero pattern makes some rows' LPs degenerate, several optimal vertices: the vertex
  // polish then takes independent rows and the smoothed dual on the zero residuals.)
  Eigen::MatrixXd b = a;
  b.col(3) = b.col(0) - 2.0 * b.col(2);
  for (const double p : {1.0, 1.5, 3.0}) {
    CAPTURE(p);
    const double tol = 2.0 * p * o.tolerance + 1e-10;
    const SensitivityResult dense = lp_sensitivities(b, p);
    const SensitivityResult sparse = lp_sensitivities(Eigen::SparseMatrix<double>(b.sparseView()), p);
    INFO(dense.run.message << " | " << sparse.run.message);
    REQUIRE(dense.run.converged());
    REQUIRE(sparse.run.converged());
    CHECK(sparse.rank == 3);
    CHECK(dense.rank == 3);
    CHECK(sampo::test::max_rel_diff(sparse.sensitivities, dense.sensitivities) <= tol);
    CHECK((sparse.sensitivities.array() <= dense.upper_bounds.array() * (1 + tol)).all());
    CHECK((dense.sensitivities.array() <= sparse.upper_bounds.array() * (1 + tol)).all());
  }
  // The same bits with 1 and 2 threads (rows are independent and each is serial).
  const auto one = sampo::test::with_threads(1, [&] { return lp_sensitivities(s, 1.0); });
  const auto two = sampo::test::with_threads(2, [&] { return lp_sensitivities(s, 1.0); });
  CHECK(sampo::test::same_entries(one.sensitivities, two.sensitivities));
  CHECK(sampo::test::same_entries(one.upper_bounds, two.upper_bounds));
}

TEST_CASE("sensitivities of a sparse matrix against an embedding", "[sketch][sensitivity]") {
  // The same Lewis sample as the dense overload (fixed seed; the sparse Lewis weights agree with
  // the dense ones to 1e-8, test_lewis.cpp, far from any row's keep/drop threshold here), so the
  // same embedding and σ̂ to the solver's tolerance as above.
  Eigen::MatrixXd a = sampo::test::heavy_tailed(400, 3, sampo::testing::fixture_seed(11));
  a.row(7).setZero();
  SensitivityOptions o;
  o.embedding_rows = 200;
  o.seed = 3;
  const double tol = 2.0 * 1.5 * o.tolerance + 1e-10;
  const SensitivityResult dense = lp_sensitivities(a, 1.5, o);
  const SensitivityResult sparse = lp_sensitivities(Eigen::SparseMatrix<double>(a.sparseView()), 1.5, o);
  REQUIRE(sparse.run.converged());
  CHECK(sparse.approximate);
  CHECK(sparse.embedding_rows == dense.embedding_rows);
  CHECK(sparse.sensitivities(7) == 0.0);
  CHECK(sampo::test::max_rel_diff(sparse.sensitivities, dense.sensitivities) <= tol);
  const auto one = sampo::test::with_threads(
      1, [&] { return lp_sensitivities(Eigen::SparseMatrix<double>(a.sparseView()), 1.5, o); });
  const auto two = sampo::test::with_threads(
      2, [&] { return lp_sensitivities(Eigen::SparseMatrix<double>(a.sparseView()), 1.5, o); });
  CHECK(sampo::test::same_entries(one.sensitivities, two.sensitivities));
}

TEST_CASE("sensitivities of a sparse matrix: bad input names the argument",
          "[sketch][sensitivity]") {
  const Eigen::SparseMatrix<double> s = Eigen::MatrixXd::Ones(6, 2).sparseView();
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(s, 0.9), sampo::invalid_argument, "'p'", "0.9");
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(Eigen::SparseMatrix<double>(2, 3), 1.0),
                            sampo::invalid_argument, "'a'", "2 x 3");
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(Eigen::SparseMatrix<double>(10, 2), 1.0),
                            sampo::invalid_argument, "zero matrix");
  Eigen::SparseMatrix<double> bad = s;
  bad.coeffRef(3, 1) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(bad, 1.0), sampo::invalid_argument, "a(3, 1)", "nan");
  SensitivityOptions o;
  o.embedding_rows = 7;
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(s, 1.0, o), sampo::invalid_argument,
                            "embedding_rows", "7");
  SensitivityOptions g;
  g.use_glpk = true;
  SAMPO_REQUIRE_THROWS_WITH(lp_sensitivities(s, 1.0, g), sampo::invalid_argument, "use_glpk",
                            "sparse");
}

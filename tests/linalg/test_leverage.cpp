#include "sampo/linalg/leverage.hpp"

#include <Eigen/Dense>
#include <limits>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::linalg;
using sampo::test::kEps;

namespace {
LeverageOptions with(LeverageMethod m) {
  LeverageOptions o;
  o.method = m;
  return o;
}
const LeverageMethod kRoutes[] = {LeverageMethod::qr, LeverageMethod::gram,
                                  LeverageMethod::automatic};

/// n x p matrix U diag(sigma) Vᵀ with prescribed singular values.
Eigen::MatrixXd with_singular_values(Eigen::Index n, const Eigen::VectorXd& sigma,
                                     std::uint64_t seed) {
  const Eigen::Index p = sigma.size();
  const Eigen::MatrixXd u = sampo::test::orthogonal_matrix(n, seed).leftCols(p);
  const Eigen::MatrixXd v = sampo::test::orthogonal_matrix(p, seed + 1);
  return u * sigma.asDiagonal() * v.transpose();
}
}  // namespace

TEST_CASE("leverage of orthonormal columns embedded in zero rows", "[linalg][leverage]") {
  // A = [0; U; 0] with U (8 x 3) orthonormal: h = squared row norms of U, 0 on the zero rows.
  const Eigen::MatrixXd u = sampo::test::orthogonal_matrix(8, 41).leftCols(3);
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(20, 3);
  a.middleRows(5, 8) = u;
  const Eigen::VectorXd expected_u = u.rowwise().squaredNorm();
  for (auto m : kRoutes) {
    CAPTURE(to_string(m));
    const LeverageResult r = leverage_scores(a, with(m));
    REQUIRE(r.scores.size() == 20);
    CHECK(r.rank == 3);
    // κ(A) = 1: both routes are accurate to O(p·eps) per score.
    CHECK((r.scores.segment(5, 8) - expected_u).cwiseAbs().maxCoeff() <= 20 * kEps);
    // Zero rows: exactly 0 on the Gram route (L⁻¹·0); on the QR route the reflectors mix
    // the zero rows with the others, leaving rows of Q of size O(eps), scores O(eps²).
    const double zero_tol = r.method_used == LeverageMethod::gram ? 0.0 : 100 * kEps * kEps;
    CHECK(r.scores.head(5).cwiseAbs().maxCoeff() <= zero_tol);
    CHECK(r.scores.tail(7).cwiseAbs().maxCoeff() <= zero_tol);
    CHECK(r.scores.sum() == Approx(3.0).epsilon(20 * kEps));
    CHECK(r.condition_estimate == Approx(1.0).epsilon(1e-12));
  }
  // A square orthogonal block: every nonzero row has leverage exactly 1 (up to rounding).
  Eigen::MatrixXd b = Eigen::MatrixXd::Zero(10, 4);
  b.topRows(4) = sampo::test::orthogonal_matrix(4, 42);
  const LeverageResult rb = leverage_scores(b);
  CHECK((rb.scores.head(4).array() - 1.0).abs().maxCoeff() <= 20 * kEps);
}

TEST_CASE("leverage closed forms: one column, intercept only", "[linalg][leverage]") {
  Eigen::VectorXd a(4);
  a << 1, 2, 2, 4;  // ‖a‖² = 25: h_i = a_i² / 25
  Eigen::VectorXd expected(4);
  expected << 1.0 / 25, 4.0 / 25, 4.0 / 25, 16.0 / 25;
  for (auto m : kRoutes)
    CHECK((leverage_scores(a, with(m)).scores - expected).cwiseAbs().maxCoeff() <= 8 * kEps);
  const LeverageResult ones = leverage_scores(Eigen::MatrixXd::Ones(50, 1));
  CHECK((ones.scores.array() - 1.0 / 50).abs().maxCoeff() <= 8 * kEps);
}

TEST_CASE("leverage invariants: bounds, sum = rank, range invariance, routes agree",
          "[linalg][leverage]") {
  // 6000 rows: the Gram route processes 3 row blocks.
  const Eigen::MatrixXd a = sampo::test::gaussian_matrix(6000, 12, 43);
  const LeverageResult q = leverage_scores(a, with(LeverageMethod::qr));
  const LeverageResult g = leverage_scores(a, with(LeverageMethod::gram));
  const LeverageResult au = leverage_scores(a);
  CHECK(au.method_used == LeverageMethod::gram);  // κ ≈ 1.1: the Gram route is safe
  CHECK(q.method_used == LeverageMethod::qr);
  CHECK(q.scores.minCoeff() >= 0);
  CHECK(q.scores.maxCoeff() <= 1);
  CHECK(q.scores.sum() == Approx(12.0).epsilon(1e-12));  // Σh = rank to O(n·eps) rounding
  CHECK(g.scores.sum() == Approx(12.0).epsilon(1e-12));
  // Well-conditioned: the routes agree to O(κ²·p·eps) relative to the scores' scale p/n.
  CHECK((q.scores - g.scores).cwiseAbs().maxCoeff() <= 1e3 * kEps * 12.0 / 6000 * 12);
  CHECK(au.scores == g.scores);
  // Leverage depends only on range(A): A M for invertible M gives the same scores.
  const Eigen::MatrixXd m = sampo::test::gaussian_matrix(12, 12, 44) +
                            5.0 * Eigen::MatrixXd::Identity(12, 12);
  const LeverageResult qm = leverage_scores(a * m, with(LeverageMethod::qr));
  CHECK((qm.scores - q.scores).cwiseAbs().maxCoeff() <= 1e-13);  // κ(M) ≈ 10: O(κ·n·p·eps)·p/n
}

TEST_CASE("automatic route falls back to QR when the Gram route is unsafe", "[linalg][leverage]") {
  Eigen::VectorXd sigma = sampo::test::log_spaced(6, 1e6);  // κ(A) = 1e6: κ²·eps ≈ 2e-4
  const Eigen::MatrixXd a = with_singular_values(300, sigma, 45);
  const LeverageResult au = leverage_scores(a);
  CHECK(au.method_used == LeverageMethod::qr);
  CHECK(au.condition_estimate == Approx(1e6).epsilon(1e-6));  // σ(R) = σ(A) to O(κ·eps)
  CHECK(au.run.converged());  // a direct method: the route is the outcome, said in words
  CHECK(au.run.message.find("automatic") != std::string::npos);
  CHECK(au.run.message.find("> max_gram_error, so qr route, rank 6 of 6") != std::string::npos);
  CHECK(au.scores.sum() == Approx(6.0).epsilon(1e-10));
  // The forced Gram route still runs (G is positive definite) but is less accurate:
  // its error is O(κ²·eps) ≈ 2e-4 relative; the QR route's is O(κ·eps) at worst.
  const LeverageResult g = leverage_scores(a, with(LeverageMethod::gram));
  CHECK(g.method_used == LeverageMethod::gram);
  CHECK(g.run.message.rfind("gram route, rank 6 of 6", 0) == 0);
  CHECK(g.condition_estimate > 1e5);
  CHECK((g.scores - au.scores).cwiseAbs().maxCoeff() <= 1e6 * 1e6 * kEps);
  // A stricter max_gram_error turns even a mildly conditioned matrix over to QR.
  const Eigen::MatrixXd b = with_singular_values(300, sampo::test::log_spaced(6, 1e3), 46);
  CHECK(leverage_scores(b).method_used == LeverageMethod::gram);  // 1e6·eps ≈ 2e-10 <= 1e-8
  LeverageOptions strict;
  strict.max_gram_error = 1e-12;
  CHECK(leverage_scores(b, strict).method_used == LeverageMethod::qr);
}

TEST_CASE("rank-deficient matrices: QR route handles them, Gram route refuses",
          "[linalg][leverage]") {
  Eigen::MatrixXd a = sampo::test::gaussian_matrix(40, 5, 47);
  a.col(4) = a.col(0) + a.col(3);  // rank 4
  for (auto m : {LeverageMethod::qr, LeverageMethod::automatic}) {
    const LeverageResult r = leverage_scores(a, with(m));
    CHECK(r.method_used == LeverageMethod::qr);
    CHECK(r.rank == 4);
    CHECK(std::isinf(r.condition_estimate));
    CHECK(r.scores.sum() == Approx(4.0).epsilon(1e-12));
    // Same as the leverage of the 4 independent columns (same range).
    const LeverageResult ref = leverage_scores(a.leftCols(4), with(LeverageMethod::qr));
    CHECK((r.scores - ref.scores).cwiseAbs().maxCoeff() <= 1e-13);
  }
  SAMPO_REQUIRE_THROWS_WITH(leverage_scores(a, with(LeverageMethod::gram)), numerical_error,
                            "sampo::linalg::leverage_scores", "not numerically positive definite");
  const LeverageResult z = leverage_scores(Eigen::MatrixXd::Zero(6, 2));
  CHECK(z.rank == 0);
  CHECK(z.scores.cwiseAbs().maxCoeff() == 0);
}

TEST_CASE("QR route over several row blocks (TSQR) matches the Gram route and handles rank",
          "[linalg][leverage]") {
  // 25000 rows: 3 blocks of >= 8192 rows, factored separately, then the stacked R's.
  Eigen::MatrixXd a = sampo::test::gaussian_matrix(25000, 6, 48);
  a.middleRows(9000, 4000).setZero();  // zero rows spanning a block boundary
  const LeverageResult q = leverage_scores(a, with(LeverageMethod::qr));
  const LeverageResult g = leverage_scores(a, with(LeverageMethod::gram));
  CHECK(q.rank == 6);
  CHECK(q.condition_estimate < 2.0);  // Gaussian 25000 x 6: κ ≈ 1 + 2√(p/n) ≈ 1.03
  // κ ≈ 1: both routes are accurate to O(p·eps) relative; scores are O(p/n).
  CHECK((q.scores - g.scores).cwiseAbs().maxCoeff() <= 100 * kEps * 6.0 / 25000);
  CHECK(q.scores.segment(9000, 4000).maxCoeff() <= 100 * kEps * kEps);
  CHECK(q.scores.sum() == Approx(6.0).epsilon(1e-12));
  // A dependent column: rank 5, same scores as the 5 independent columns.
  a.col(5) = a.col(1) - 0.5 * a.col(2);
  const LeverageResult d = leverage_scores(a);
  CHECK(d.method_used == LeverageMethod::qr);
  CHECK(d.rank == 5);
  const LeverageResult ref = leverage_scores(a.leftCols(5), with(LeverageMethod::gram));
  CHECK((d.scores - ref.scores).cwiseAbs().maxCoeff() <= 1e3 * kEps * 5.0 / 25000);
}

TEST_CASE("leverage scores give the same bits with 1 and 2 threads, on every route",
          "[linalg][leverage]") {
  // The header promises bit-identical scores for any thread count. 25000 rows: 3 TSQR blocks
  // on the QR route, 13 row blocks of the triangular solve (and 6 Gram blocks) on the Gram
  // route, so 2 threads do split the work; every score must be equal (==).
  const Eigen::MatrixXd a = sampo::test::gaussian_matrix(25000, 6, 49);
  for (LeverageMethod m : kRoutes) {
    INFO(to_string(m));
    const LeverageResult one =
        sampo::test::with_threads(1, [&] { return leverage_scores(a, with(m)); });
    const LeverageResult two =
        sampo::test::with_threads(2, [&] { return leverage_scores(a, with(m)); });
    CHECK(one.method_used == two.method_used);
    CHECK(sampo::test::same_entries(one.scores, two.scores));
  }
}

TEST_CASE("leverage_scores rejects bad input", "[linalg][leverage]") {
  SAMPO_REQUIRE_THROWS_WITH(leverage_scores(Eigen::MatrixXd::Ones(2, 3)), invalid_argument,
                            "sampo::linalg::leverage_scores", "2x3", "rows >= cols");
  SAMPO_REQUIRE_THROWS_WITH(leverage_scores(Eigen::MatrixXd()), invalid_argument, "is empty");
  Eigen::MatrixXd a = Eigen::MatrixXd::Ones(5, 2);
  a(4, 0) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(leverage_scores(a), invalid_argument, "entry (4, 0) is nan");
  LeverageOptions bad;
  bad.max_gram_error = 0;
  SAMPO_REQUIRE_THROWS_WITH(leverage_scores(Eigen::MatrixXd::Ones(5, 2), bad), invalid_argument,
                            "max_gram_error");
  bad = {};
  bad.rank_tolerance = 1.0;
  SAMPO_REQUIRE_THROWS_WITH(bad.validate(), invalid_argument, "rank_tolerance", "[0, 1)");
  CHECK(to_string(LeverageMethod::automatic) == "automatic");
  CHECK(to_string(LeverageMethod::gram) == "gram");
}

// ---- sparse A (Eigen::SparseMatrix): the same scores without densifying ----
namespace {
/// n x p with about `density` of its entries N(0, 1) (a Bernoulli mask from the kit's uniform
/// stream), one guaranteed non-zero per column so that it has full rank.
Eigen::SparseMatrix<double> random_sparse(Eigen::Index n, Eigen::Index p, double density,
                                          std::uint64_t stream) {
  const Eigen::MatrixXd g = sampo::test::gaussian_matrix(n, p, stream);
  const Eigen::MatrixXd u =
      sampo::testing::uniform_matrix(n, p, sampo::testing::fixture_seed(), stream + 1000);
  Eigen::MatrixXd a = (u.array() < density).select(g, 0.0);
  for (Eigen::Index j = 0; j < p; ++j) a(j, j) = 1.0 + std::abs(g(j, j));
  return a.sparseView();
}
}  // namespace

TEST_CASE("sparse leverage: the dense scores on every route, without densifying",
          "[linalg][leverage]") {
  // 3000 x 8 at 5 % density; the error model of both: Gram O(κ²·eps), sparse QR O(κ·eps),
  // dense QR O(eps); κ(A) is below ~10 here, so 1e4·eps relative covers them all.
  const Eigen::SparseMatrix<double> s = random_sparse(3000, 8, 0.05, 50);
  const Eigen::MatrixXd a(s);
  const LeverageResult ref = leverage_scores(a, with(LeverageMethod::qr));
  REQUIRE(ref.rank == 8);
  REQUIRE(ref.condition_estimate < 10.0);
  for (LeverageMethod m : kRoutes) {
    INFO(to_string(m));
    const LeverageResult r = leverage_scores(s, with(m));
    CHECK(r.method_used == (m == LeverageMethod::qr ? LeverageMethod::qr : LeverageMethod::gram));
    CHECK(r.rank == 8);
    CHECK(r.run.converged());
    CHECK(r.run.message.find("sparse") != std::string::npos);
    CHECK(r.condition_estimate < 10.0);
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      CHECK(std::abs(r.scores(i) - ref.scores(i)) <= 1e4 * kEps * ref.scores(i) + 1e-300);
    CHECK(r.scores.sum() == Approx(8.0).epsilon(1e-12));
  }
  // Zero rows get 0: row 17 with no stored entry, row 18 with an explicitly stored zero (both
  // rows emptied first, so that the insertion never meets an existing entry).
  Eigen::SparseMatrix<double> z = s;
  z.prune([](Eigen::Index i, Eigen::Index, double) { return i != 17 && i != 18; });
  z.insert(18, 0) = 0.0;
  z.makeCompressed();
  for (LeverageMethod m : kRoutes) {
    const LeverageResult r = leverage_scores(z, with(m));
    CHECK(r.scores(17) == 0.0);
    CHECK(r.scores(18) == 0.0);
  }
}

TEST_CASE("sparse leverage: rank deficient and ill-conditioned A, as the dense routes",
          "[linalg][leverage]") {
  // A dependent column: the Gram route refuses, automatic falls back to the sparse QR route,
  // rank 5, the scores of the range (= those of the 5 independent columns).
  Eigen::MatrixXd a = Eigen::MatrixXd(random_sparse(400, 6, 0.2, 51));
  a.col(5) = a.col(1) - 0.5 * a.col(2);
  const Eigen::SparseMatrix<double> s = a.sparseView();
  for (auto m : {LeverageMethod::qr, LeverageMethod::automatic}) {
    const LeverageResult r = leverage_scores(s, with(m));
    CHECK(r.method_used == LeverageMethod::qr);
    CHECK(r.rank == 5);
    CHECK(std::isinf(r.condition_estimate));
    CHECK(r.scores.sum() == Approx(5.0).epsilon(1e-12));
    const LeverageResult ref = leverage_scores(a.leftCols(5), with(LeverageMethod::qr));
    // κ of the 5 columns is small (< 100): O(κ·eps) relative, scores O(5/400).
    CHECK((r.scores - ref.scores).cwiseAbs().maxCoeff() <= 1e4 * kEps);
  }
  SAMPO_REQUIRE_THROWS_WITH(leverage_scores(s, with(LeverageMethod::gram)), numerical_error,
                            "sampo::linalg::leverage_scores", "not numerically positive definite");
  // κ(A) = 1e6 (κ²·eps ≈ 2e-4 > max_gram_error): automatic takes the sparse QR route, whose
  // error is O(κ·eps) ≈ 2e-10 relative, against the dense QR route's O(eps).
  const Eigen::MatrixXd c = with_singular_values(300, sampo::test::log_spaced(6, 1e6), 52);
  const LeverageResult rc = leverage_scores(Eigen::SparseMatrix<double>(c.sparseView()));
  CHECK(rc.method_used == LeverageMethod::qr);
  CHECK(rc.run.message.find("> max_gram_error, so sparse qr route") != std::string::npos);
  CHECK(rc.condition_estimate == Approx(1e6).epsilon(1e-6));
  const LeverageResult dc = leverage_scores(c, with(LeverageMethod::qr));
  CHECK(((rc.scores - dc.scores).array().abs() / dc.scores.array()).maxCoeff() <=
        100 * 1e6 * kEps);
  // The zero matrix: rank 0, all scores 0 (as the dense QR route).
  const LeverageResult z = leverage_scores(Eigen::SparseMatrix<double>(6, 2));
  CHECK(z.rank == 0);
  CHECK(z.scores.cwiseAbs().maxCoeff() == 0);
}

TEST_CASE("sparse leverage: several QR row blocks, same bits with 1 and 2 threads, bad input",
          "[linalg][leverage]") {
  // 20000 rows: 3 row blocks of the sparse QR route (8192 rows each).
  const Eigen::SparseMatrix<double> s = random_sparse(20000, 6, 0.02, 53);
  const LeverageResult q = leverage_scores(s, with(LeverageMethod::qr));
  const LeverageResult g = leverage_scores(s, with(LeverageMethod::gram));
  CHECK(q.rank == 6);
  for (Eigen::Index i = 0; i < s.rows(); ++i)
    CHECK(std::abs(q.scores(i) - g.scores(i)) <= 1e4 * kEps * g.scores(i) + 1e-300);
  for (LeverageMethod m : kRoutes) {
    INFO(to_string(m));
    const LeverageResult one =
        sampo::test::with_threads(1, [&] { return leverage_scores(s, with(m)); });
    const LeverageResult two =
        sampo::test::with_threads(2, [&] { return leverage_scores(s, with(m)); });
    CHECK(sampo::test::same_entries(one.scores, two.scores));
  }
  SAMPO_REQUIRE_THROWS_WITH(leverage_scores(Eigen::SparseMatrix<double>(2, 3)), invalid_argument,
                            "sampo::linalg::leverage_scores", "2x3", "rows >= cols");
  SAMPO_REQUIRE_THROWS_WITH(leverage_scores(Eigen::SparseMatrix<double>(0, 0)), invalid_argument,
                            "is empty");
  Eigen::SparseMatrix<double> bad = s;
  bad.coeffRef(4, 0) = std::numeric_limits<double>::infinity();
  SAMPO_REQUIRE_THROWS_WITH(leverage_scores(bad), invalid_argument, "entry (4, 0) is inf");
}

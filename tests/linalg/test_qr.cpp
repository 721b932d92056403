#include "sampo/linalg/qr.hpp"

#include <Eigen/Dense>
#include <limits>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::linalg;
using sampo::test::kEps;

TEST_CASE("thin_qr of a single column normalizes it", "[linalg][qr]") {
  Eigen::MatrixXd a(2, 1);
  a << 3, 4;
  const ThinQr f = thin_qr(a);
  CHECK(f.r(0, 0) == Approx(5.0).epsilon(2 * kEps));
  CHECK(f.q(0, 0) == Approx(0.6).epsilon(4 * kEps));
  CHECK(f.q(1, 0) == Approx(0.8).epsilon(4 * kEps));
}

TEST_CASE("thin_qr reproduces A with orthonormal Q and upper-triangular R", "[linalg][qr]") {
  for (auto [n, p] : {std::pair<Eigen::Index, Eigen::Index>{50, 7}, {200, 60}, {9, 9}}) {
    CAPTURE(n, p);
    const Eigen::MatrixXd a = sampo::test::gaussian_matrix(n, p, 31 + static_cast<unsigned>(p));
    const ThinQr f = thin_qr(a);
    REQUIRE(f.q.rows() == n);
    REQUIRE(f.q.cols() == p);
    REQUIRE(f.r.rows() == p);
    REQUIRE(f.r.cols() == p);
    // Householder QR is backward stable: ‖QR - A‖ <= c·n·p·eps·‖A‖, ‖QᵀQ - I‖ <= c·n·p·eps.
    const double np = static_cast<double>(n * p);
    CHECK((f.q * f.r - a).norm() <= np * kEps * a.norm());
    CHECK((f.q.transpose() * f.q - Eigen::MatrixXd::Identity(p, p)).norm() <= np * kEps);
    CHECK(f.r.triangularView<Eigen::StrictlyLower>().toDenseMatrix().cwiseAbs().maxCoeff() == 0);
    CHECK(f.r.diagonal().minCoeff() >= 0);
  }
}

TEST_CASE("thin_qr of orthonormal columns returns them (diag(R) >= 0 makes QR unique)",
          "[linalg][qr]") {
  const Eigen::MatrixXd u = sampo::test::orthogonal_matrix(12, 32).leftCols(4);
  const ThinQr f = thin_qr(u);
  CHECK((f.q - u).cwiseAbs().maxCoeff() <= 50 * kEps);
  CHECK((f.r - Eigen::MatrixXd::Identity(4, 4)).cwiseAbs().maxCoeff() <= 50 * kEps);
}

TEST_CASE("thin_qr of a rank-deficient matrix still has orthonormal Q", "[linalg][qr]") {
  Eigen::MatrixXd a = sampo::test::gaussian_matrix(20, 4, 33);
  a.col(2) = 2.0 * a.col(0) - a.col(1);  // rank 3
  const ThinQr f = thin_qr(a);
  CHECK((f.q * f.r - a).norm() <= 100 * kEps * a.norm());
  CHECK((f.q.transpose() * f.q - Eigen::MatrixXd::Identity(4, 4)).norm() <= 100 * kEps);
  // The dependent column leaves a numerically zero pivot: O(n·eps·‖A‖).
  CHECK(f.r(2, 2) <= 100 * kEps * a.norm());
}

TEST_CASE("thin_qr rejects bad input", "[linalg][qr]") {
  SAMPO_REQUIRE_THROWS_WITH(thin_qr(Eigen::MatrixXd::Ones(2, 3)), invalid_argument,
                            "sampo::linalg::thin_qr", "2x3", "rows >= cols");
  SAMPO_REQUIRE_THROWS_WITH(thin_qr(Eigen::MatrixXd()), invalid_argument, "is empty");
  Eigen::MatrixXd a = Eigen::MatrixXd::Ones(3, 2);
  a(0, 1) = -std::numeric_limits<double>::infinity();
  SAMPO_REQUIRE_THROWS_WITH(thin_qr(a), invalid_argument, "entry (0, 1) is -inf");
}

TEST_CASE("sparse_qr_r is thin_qr's R of the densified matrix, over several row blocks",
          "[linalg][qr]") {
  // 20000 rows: three row blocks of 8192. R is unique for full column rank with diag(R) >= 0;
  // both are backward stable, so they agree to O(n·p·eps·‖A‖) (the same bound as above).
  Eigen::MatrixXd a = sampo::test::gaussian_matrix(20000, 6, 35);
  for (Eigen::Index i = 0; i < a.rows(); ++i)
    for (Eigen::Index j = 0; j < a.cols(); ++j)
      if ((i + 3 * j) % 4 != 0) a(i, j) = 0.0;  // 25 % non-zeros
  a.row(5).setZero();
  const Eigen::SparseMatrix<double> s = a.sparseView();
  const Eigen::MatrixXd r = sparse_qr_r(s);
  REQUIRE(r.rows() == 6);
  REQUIRE(r.cols() == 6);
  const double np = static_cast<double>(a.rows() * a.cols());
  CHECK((r - thin_qr(a).r).norm() <= np * kEps * a.norm());
  CHECK((r.transpose() * r - a.transpose() * a).norm() <= np * kEps * a.squaredNorm());
  CHECK(r.triangularView<Eigen::StrictlyLower>().toDenseMatrix().cwiseAbs().maxCoeff() == 0);
  CHECK(r.diagonal().minCoeff() >= 0);
}

TEST_CASE("sparse_qr_r rejects bad input", "[linalg][qr]") {
  SAMPO_REQUIRE_THROWS_WITH(sparse_qr_r(Eigen::SparseMatrix<double>(2, 3)), invalid_argument,
                            "sampo::linalg::sparse_qr_r", "2x3", "rows >= cols");
  SAMPO_REQUIRE_THROWS_WITH(sparse_qr_r(Eigen::SparseMatrix<double>(0, 0)), invalid_argument,
                            "is empty");
  Eigen::SparseMatrix<double> a = Eigen::MatrixXd::Ones(3, 2).sparseView();
  a.coeffRef(0, 1) = -std::numeric_limits<double>::infinity();
  SAMPO_REQUIRE_THROWS_WITH(sparse_qr_r(a), invalid_argument, "entry (0, 1) is -inf");
}

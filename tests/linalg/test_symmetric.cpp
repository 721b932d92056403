#include "sampo/linalg/symmetric.hpp"

#include <Eigen/Dense>
#include <limits>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::linalg;
using sampo::test::kEps;

TEST_CASE("symmetrize takes the symmetric part", "[linalg][symmetric]") {
  Eigen::Matrix2d a;
  a << 1, 2, 4, 3;
  const Eigen::MatrixXd s = symmetrize(a);
  CHECK(s(0, 0) == 1);
  CHECK(s(1, 1) == 3);
  CHECK(s(0, 1) == 3);  // (2 + 4) / 2, exact in binary
  CHECK(s(1, 0) == 3);
  // Idempotent, and exactly symmetric for arbitrary input.
  const Eigen::MatrixXd g = sampo::test::gaussian_matrix(7, 7, 1);
  const Eigen::MatrixXd sg = symmetrize(g);
  CHECK(sampo::test::exactly_symmetric(sg));
  CHECK(symmetrize(sg) == sg);
  // The skew part is what was removed: g = sym + skew with skew antisymmetric.
  const Eigen::MatrixXd skew = g - sg;
  CHECK(sampo::test::max_abs_diff(skew, -skew.transpose()) <= 4 * kEps * g.cwiseAbs().maxCoeff());
}

TEST_CASE("symmetrize rejects bad input", "[linalg][symmetric]") {
  SAMPO_REQUIRE_THROWS_WITH(symmetrize(Eigen::MatrixXd(2, 3)), invalid_argument,
                            "sampo::linalg::symmetrize", "square");
  SAMPO_REQUIRE_THROWS_WITH(symmetrize(Eigen::MatrixXd()), invalid_argument, "is empty");
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(2, 2);
  a(1, 0) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(symmetrize(a), invalid_argument, "entry (1, 0) is nan");
  Eigen::MatrixXd b(2, 3);
  SAMPO_REQUIRE_THROWS_WITH(symmetrize_in_place(b), invalid_argument, "symmetrize_in_place",
                            "2x3");
}

TEST_CASE("congruence computes W A Wᵀ exactly symmetric", "[linalg][symmetric]") {
  Eigen::Matrix2d a;
  a << 2, 1, 1, 3;
  Eigen::Matrix2d w;
  w << 1, 2, 0, 1;
  // By hand: W A = [4 7; 1 3], (W A) Wᵀ = [18 7; 7 3].
  Eigen::Matrix2d expected;
  expected << 18, 7, 7, 3;
  CHECK(congruence(w, a) == Eigen::MatrixXd(expected));  // small integers: exact
  CHECK(congruence(Eigen::MatrixXd::Identity(2, 2), a) == Eigen::MatrixXd(a));

  // Rectangular W (m x n): the result is m x m.
  const Eigen::MatrixXd wr = sampo::test::gaussian_matrix(3, 5, 2);
  const Eigen::MatrixXd q = sampo::test::orthogonal_matrix(5, 3);
  const Eigen::VectorXd lam = Eigen::VectorXd::LinSpaced(5, 0.5, 4.0);
  const Eigen::MatrixXd s = sampo::test::with_spectrum(q, lam);
  const Eigen::MatrixXd c = congruence(wr, s);
  REQUIRE(c.rows() == 3);
  CHECK(sampo::test::exactly_symmetric(c));
  const Eigen::MatrixXd naive = wr * s * wr.transpose();
  // Two products of size 5: error <= 2·5·eps·‖W‖²‖A‖ entrywise (norms are O(10) here).
  CHECK(sampo::test::max_abs_diff(c, naive) <= 10 * kEps * wr.squaredNorm() * s.norm());

  // An orthogonal congruence keeps the spectrum.
  const Eigen::MatrixXd rot = congruence(sampo::test::orthogonal_matrix(5, 4), s);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(rot, Eigen::EigenvaluesOnly);
  // Eigenvalues are perturbed by at most the backward error O(n·eps·‖A‖) ≈ 5·eps·4.
  CHECK((es.eigenvalues() - lam).cwiseAbs().maxCoeff() <= 100 * kEps * 4.0);
}

TEST_CASE("congruence rejects bad input", "[linalg][symmetric]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Identity(3, 3);
  SAMPO_REQUIRE_THROWS_WITH(congruence(Eigen::MatrixXd::Ones(2, 2), a), invalid_argument,
                            "sampo::linalg::congruence", "'w'", "has shape 2x2, expected anyx3");
  Eigen::MatrixXd ns = a;
  ns(0, 2) = 1;
  SAMPO_REQUIRE_THROWS_WITH(congruence(a, ns), invalid_argument, "'a'", "not symmetric");
  Eigen::MatrixXd w = a;
  w(1, 1) = std::numeric_limits<double>::infinity();
  SAMPO_REQUIRE_THROWS_WITH(congruence(w, a), invalid_argument, "'w'", "is inf");
  SAMPO_REQUIRE_THROWS_WITH(congruence(Eigen::MatrixXd(0, 3), a), invalid_argument, "is empty");
}

TEST_CASE("gram equals AᵀA, exactly symmetric, in one block and in many", "[linalg][symmetric]") {
  Eigen::MatrixXd a(3, 2);
  a << 1, 2, 3, 4, 5, 6;
  Eigen::Matrix2d expected;  // by hand: [1+9+25, 2+12+30; ., 4+16+36]
  expected << 35, 44, 44, 56;
  CHECK(gram(a) == Eigen::MatrixXd(expected));

  // 20000 rows = 4 row blocks summed in order: compare with the direct product.
  const Eigen::MatrixXd big = sampo::test::gaussian_matrix(20000, 7, 5);
  const Eigen::MatrixXd g = gram(big);
  CHECK(sampo::test::exactly_symmetric(g));
  const Eigen::MatrixXd direct = big.transpose() * big;
  // Each entry is a sum of n products: |error| <= n·eps·Σ|a_ki a_kj| <= n·eps·‖a_i‖‖a_j‖.
  const double bound = 20000 * kEps * big.colwise().squaredNorm().maxCoeff();
  CHECK(sampo::test::max_abs_diff(g, direct) <= bound);
  // The same matrix twice gives bit-identical results (fixed blocks, fixed summation order).
  CHECK(gram(big) == g);
}

TEST_CASE("gram gives the same bits with 1 and 2 threads", "[linalg][symmetric]") {
  // The header promises bit-identical results for any thread count. 20000 x 7 is 4 row blocks
  // of >= 4096 rows, so 2 threads do split the work; every entry must be equal (==).
  const Eigen::MatrixXd big = sampo::test::gaussian_matrix(20000, 7, 11);
  const Eigen::MatrixXd one = sampo::test::with_threads(1, [&] { return gram(big); });
  const Eigen::MatrixXd two = sampo::test::with_threads(2, [&] { return gram(big); });
  CHECK(sampo::test::same_entries(one, two));
}

TEST_CASE("gram rejects bad input", "[linalg][symmetric]") {
  SAMPO_REQUIRE_THROWS_WITH(gram(Eigen::MatrixXd(0, 2)), invalid_argument, "sampo::linalg::gram",
                            "is empty");
  Eigen::MatrixXd a = Eigen::MatrixXd::Ones(4, 2);
  a(3, 1) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(gram(a), invalid_argument, "entry (3, 1) is nan");
}

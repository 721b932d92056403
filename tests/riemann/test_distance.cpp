#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"
#include "thread_count.hpp"

using namespace sampo::riemann;
using namespace sampo::test;
using sampo::invalid_argument;
constexpr double kEps = std::numeric_limits<double>::epsilon();

TEST_CASE("distances of commuting matrices in closed form", "[riemann][distance]") {
  // A = Q diag(a) Q^T, B = Q diag(b) Q^T: d_R = d_LE = ||log a - log b||_2.
  const Eigen::MatrixXd q = orthogonal(4, 1);
  Eigen::Vector4d a(1, 2, 1e-3, 50), b(3, 0.5, 1e-1, 50);
  const Eigen::MatrixXd A = q * a.asDiagonal() * q.transpose(),
                        B = q * b.asDiagonal() * q.transpose();
  const double ref = (a.array().log() - b.array().log()).matrix().norm();
  // cond(B) = 500, cond(A) = 5e4: eigenvalue errors ~ n eps cond -> absolute error in d.
  CHECK(distance_riemann(A, B) == Approx(ref).margin(100 * 4 * kEps * 5e4));
  CHECK(distance_logeuclid(A, B) == Approx(ref).margin(100 * 4 * kEps * 5e4));
  CHECK(distance_euclid(A, B) ==
        Approx((a - b).norm()).epsilon(1e-13));  // Frobenius is orthogonally invariant
  CHECK(distance(A, B, Metric::riemann) == distance_riemann(A, B));
  // Scalar multiples: d(A, cA) = sqrt(n) |log c|.
  CHECK(distance_riemann(A, 7.0 * A) == Approx(2.0 * std::log(7.0)).margin(1e-9));
  CHECK(distance_riemann(A, A) <= 1e-9);  // ~ n eps cond(A) = 4e-11
}

TEST_CASE("affine-invariant distance invariances", "[riemann][distance]") {
  // A = G E1 G^T, B = G E2 G^T with cond(G G^T) up to 1e8 and E1, E2 well conditioned:
  // d(A, B) = d(E1, E2) exactly (congruence invariance), a closed form at any conditioning.
  const auto es = random_spd(3, 6, 2);
  const double d_ref = distance_riemann(es[0], es[1]);  // well conditioned: ~1e-15 accurate
  for (double cond : {1e1, 1e4, 1e8}) {
    INFO("cond " << cond);
    const Eigen::MatrixXd G = ill_factor(6, cond, 3);
    const Eigen::MatrixXd A = congruent(G, es[0]), B = congruent(G, es[1]);
    // The Cholesky reduction L^{-1} A L^{-T} of an ill-conditioned B loses about
    // n eps cond(B) relative accuracy in each generalized eigenvalue, hence an absolute error
    // ~ n eps cond in every log lambda and in d; 100x for the constant (cond(B) ~ 4 cond).
    const double tol = 100 * 6 * kEps * 4 * cond;
    const double d = distance_riemann(A, B);
    CHECK(d == Approx(d_ref).margin(tol));
    CHECK(distance_riemann(B, A) == Approx(d).margin(tol));  // symmetry
    // Inversion: A^{-1} = G^{-T} E1^{-1} G^{-1}, built from the exact factor inverse.
    const Eigen::MatrixXd Gi = G.inverse().transpose();
    CHECK(distance_riemann(congruent(Gi, es[0].inverse()), congruent(Gi, es[1].inverse())) ==
          Approx(d_ref).margin(tol));
    // Congruence by a random W: cond(W)^2 (~1e2 here) multiplies the conditioning.
    const Eigen::MatrixXd W = normal_matrix(6, 6, 4);
    CHECK(distance_riemann(congruent(W, A), congruent(W, B)) == Approx(d).margin(1e2 * tol));
    const Eigen::MatrixXd C = congruent(G, es[2]);
    CHECK(distance_riemann(A, C) <= d + distance_riemann(B, C) + 3 * tol);  // triangle inequality
    // d_R >= d_LE (Bhatia's exponential metric increasing property); here log A is
    // computed from A's own eigenvalues, accurate to n eps cond(A) in absolute terms.
    CHECK(d + 2 * tol >= distance_logeuclid(A, B));
    // Scaling: d(aA, aB) = d(A, B).
    CHECK(distance_riemann(3.0 * A, 3.0 * B) == Approx(d).margin(tol));
  }
}

TEST_CASE("batch distances match pairwise and reject bad input", "[riemann][distance]") {
  const auto xs = random_spd(7, 5, 6);
  const Eigen::MatrixXd b = spd_with_condition(5, 100, 7);
  for (Metric m : {Metric::riemann, Metric::log_euclid, Metric::euclid}) {
    const Eigen::VectorXd d = distances(xs, b, m);
    for (std::size_t i = 0; i < xs.size(); ++i)
      CHECK(d(Eigen::Index(i)) == Approx(distance(xs[i], b, m)).epsilon(1e-12));  // same formulas
  }
  Eigen::MatrixXd notpd = xs[0];
  notpd(0, 0) = -1;
  auto bad = xs;
  bad[3] = notpd;
  SAMPO_REQUIRE_THROWS_WITH(distances(bad, b), invalid_argument, "matrix 3", "smallest eigenvalue");
  SAMPO_REQUIRE_THROWS_WITH(distance_riemann(notpd, b), invalid_argument, "distance_riemann", "'a'",
                            "positive definite");
  SAMPO_REQUIRE_THROWS_WITH(distance_riemann(b, notpd), invalid_argument, "'b'",
                            "positive definite");
  Eigen::MatrixXd asym = b;
  asym(0, 1) += 1;
  SAMPO_REQUIRE_THROWS_WITH(distance_riemann(asym, b), invalid_argument, "not symmetric");
  SAMPO_REQUIRE_THROWS_WITH(distance_riemann(b, Eigen::MatrixXd::Identity(4, 4)), invalid_argument,
                            "'b'", "shape");
  SAMPO_REQUIRE_THROWS_WITH(distance_logeuclid(notpd, b), invalid_argument, "distance_logeuclid");
  SAMPO_REQUIRE_THROWS_WITH(distance_euclid(b, Eigen::MatrixXd::Identity(4, 4)), invalid_argument,
                            "distance_euclid");
}

TEST_CASE("pairs that slipped past the Cholesky check are a clear error, never NaN",
          "[riemann][distance]") {
  // A below has exactly representable entries and is exactly singular (det A = 0 in exact
  // arithmetic: rank 2), yet Eigen's Cholesky factors it (its last pivot² is rounding noise
  // > 0). The Cholesky-based check accepted A, the computed eigenvalues
  // of L⁻¹ A L⁻ᵀ = A (B = I) included -3.5e-17, and the distance was sqrt(log(-3.5e-17)² + …) =
  // NaN. sampo's one SPD rule sees λ_min(A) ≈ 0 <= 3·eps·λ_max(A) and says so.
  Eigen::Matrix3d a;
  a << 0.5, 0.25, -0.25,  //
      0.25, 0.25, 0.125,  //
      -0.25, 0.125, 0.625;
  REQUIRE(a.determinant() == Approx(0.0).margin(1e-15));
  REQUIRE(Eigen::LLT<Eigen::MatrixXd>(a).info() == Eigen::Success);  // what used to let it in
  const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(3, 3);
  SAMPO_REQUIRE_THROWS_WITH(distance_riemann(a, eye), sampo::not_spd_error, "distance_riemann",
                            "'a'", "not symmetric positive definite", "smallest eigenvalue");
  SAMPO_REQUIRE_THROWS_WITH(distance_riemann(eye, a), sampo::not_spd_error, "'b'",
                            "smallest eigenvalue");
  const std::vector<Eigen::MatrixXd> xs{eye, 2.0 * eye, a, a};
  SAMPO_REQUIRE_THROWS_WITH(distances(xs, eye), sampo::not_spd_error, "matrix 2",
                            "smallest eigenvalue");

  // Both SPD by the rule (κ = 1e14 each, below 1/(2 eps) = 2.25e15), but ill-conditioned in
  // different directions: κ(X)·κ(B) = 1e28 ≫ 1/eps, so the smallest generalized eigenvalue
  // (exactly ~1e-14 relative to the largest, ~1e14) is lost in rounding. On x86-64 (GCC 12,
  // Eigen 3.4) it came out as -4.0e-14 and the distance was NaN. Whatever the rounding gives
  // on a platform, the answer is a finite number or a numerical_error that says why.
  Eigen::Matrix2d x, b;
  x << 1, 0, 0, 1e-14;
  b << 0.0033366975888739288, 0.057667703596244971,  //
      0.057667703596244971, 0.9966633024111361;
  try {
    const double d = distance_riemann(x, b);
    CHECK(std::isfinite(d));
  } catch (const sampo::numerical_error& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find("generalized eigenvalue") != std::string::npos);
  }
  try {
    const Eigen::VectorXd d = distances({x}, b);
    CHECK(std::isfinite(d(0)));
  } catch (const sampo::numerical_error& e) {
    CHECK(std::string(e.what()).find("matrix 0") != std::string::npos);
  }
}

TEST_CASE("batch distances: same bits and the same error with 1 and 2 threads",
          "[riemann][distance]") {
  const auto xs = random_spd(20, 5, 90);
  const Eigen::MatrixXd b = spd_with_condition(5, 100, 91);
  for (Metric m : {Metric::riemann, Metric::log_euclid}) {
    const Eigen::VectorXd one = with_threads(1, [&] { return distances(xs, b, m); });
    const Eigen::VectorXd two = with_threads(2, [&] { return distances(xs, b, m); });
    CHECK(same_entries(one, two));
  }
  auto bad = xs;
  for (std::size_t k : {13u, 6u, 17u}) bad[k](0, 0) = -1.0;
  for (int threads : {1, 2})
    for (int repeat = 0; repeat < 5; ++repeat)
      with_threads(threads, [&] {
        SAMPO_REQUIRE_THROWS_WITH(distances(bad, b), invalid_argument, "matrix 6");
      });
}

TEST_CASE("distances to several references: the single-reference columns, bit for bit",
          "[riemann][distance]") {
  // The table is the single-reference result column by column (same kernels, same blocks), for
  // every metric, with 1 and 2 threads; each matrix is checked once, each reference once.
  const auto xs = random_spd(19, 6, 120);
  const std::vector<Eigen::MatrixXd> refs{spd_with_condition(6, 10, 121),
                                          spd_with_condition(6, 1e4, 122),
                                          Eigen::MatrixXd::Identity(6, 6)};
  for (Metric m : {Metric::riemann, Metric::log_euclid, Metric::euclid}) {
    for (int threads : {1, 2}) {
      const Eigen::MatrixXd table = with_threads(threads, [&] { return distances(xs, refs, m); });
      REQUIRE(table.rows() == 19);
      REQUIRE(table.cols() == 3);
      for (std::size_t k = 0; k < refs.size(); ++k)
        CHECK(same_entries(Eigen::VectorXd(table.col(Eigen::Index(k))),
                           distances(xs, refs[k], m)));
    }
  }
  // Distance to itself is 0 (a reference among the matrices).
  auto with_ref = xs;
  with_ref[4] = refs[1];
  CHECK(distances(with_ref, refs)(4, 1) == Approx(0.0).margin(1e-12));  // log of λ = 1 ± n eps κ

  SAMPO_REQUIRE_THROWS_WITH(distances(xs, std::vector<Eigen::MatrixXd>{}), invalid_argument,
                            "'refs'", "empty");
  SAMPO_REQUIRE_THROWS_WITH(
      distances(xs, std::vector<Eigen::MatrixXd>{refs[0], Eigen::MatrixXd::Identity(5, 5)}),
      invalid_argument, "refs[1]", "shape");
  Eigen::MatrixXd notpd = refs[0];
  notpd(0, 0) = -1;
  for (Metric m : {Metric::riemann, Metric::log_euclid})
    SAMPO_REQUIRE_THROWS_WITH(distances(xs, std::vector<Eigen::MatrixXd>{refs[0], notpd}, m),
                              invalid_argument, "refs[1]", "positive definite");
  auto bad = xs;
  bad[11](0, 0) = -1.0;
  bad[5](0, 0) = -1.0;
  for (int threads : {1, 2})
    with_threads(threads, [&] {
      SAMPO_REQUIRE_THROWS_WITH(distances(bad, refs), invalid_argument, "matrix 5");
    });
  auto nan = xs;
  nan[2](1, 0) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(distances(nan, refs, Metric::euclid), invalid_argument, "matrix 2");
}

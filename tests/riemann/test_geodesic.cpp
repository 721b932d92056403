#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo/riemann/geodesic.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"

using namespace sampo::riemann;
using namespace sampo::test;
constexpr double kEps = std::numeric_limits<double>::epsilon();

TEST_CASE("geodesics: end points, distances along the path, commuting case",
          "[riemann][geodesic]") {
  for (double cond : {1e2, 1e6}) {
    const Eigen::MatrixXd A = spd_with_condition(5, cond, 11), B = spd_with_condition(5, cond, 12);
    // Products of matrices with condition cond: relative error ~ n eps cond^2 in the worst
    // direction (A^{1/2} A^{-1/2} round trip); 100x for the constant.
    const double tol = 100 * 5 * kEps * cond * cond;
    CHECK(rel_error(geodesic_riemann(A, B, 0.0), A) <= tol);
    CHECK(rel_error(geodesic_riemann(A, B, 1.0), B) <= tol);
    const double d = distance_riemann(A, B);
    for (double t : {0.25, 0.5, 1.5}) {
      const Eigen::MatrixXd g = geodesic_riemann(A, B, t);
      CHECK(distance_riemann(A, g) == Approx(t * d).margin(100 * 5 * kEps * cond * cond));
      CHECK(distance_riemann(g, B) ==
            Approx(std::abs(1 - t) * d).margin(100 * 5 * kEps * cond * cond));
    }
    CHECK(rel_error(geodesic_euclid(A, B, 0.25), 0.75 * A + 0.25 * B) <= 1e-15);
    CHECK(rel_error(geodesic(A, B, 1.0, Metric::log_euclid), B) <= tol);
  }
  // Commuting: all three geometric geodesics are elementwise on the eigenvalues.
  const Eigen::MatrixXd q = orthogonal(3, 13);
  Eigen::Vector3d a(1, 4, 9), b(4, 1, 1);
  const Eigen::MatrixXd A = q * a.asDiagonal() * q.transpose(),
                        B = q * b.asDiagonal() * q.transpose();
  Eigen::Vector3d mid = (a.array() * b.array()).sqrt();
  const Eigen::MatrixXd ref = q * mid.asDiagonal() * q.transpose();
  CHECK(rel_error(geodesic_riemann(A, B, 0.5), ref) <= 1e-13);  // cond 9: a few hundred eps
  CHECK(rel_error(geodesic_logeuclid(A, B, 0.5), ref) <= 1e-13);
  SAMPO_REQUIRE_THROWS_WITH(geodesic_riemann(A, B, std::nan("")), sampo::invalid_argument, "'t'");
  SAMPO_REQUIRE_THROWS_WITH(geodesic_riemann(-A, B, 0.5), sampo::invalid_argument,
                            "geodesic_riemann", "'a'");
  SAMPO_REQUIRE_THROWS_WITH(geodesic_euclid(A, Eigen::MatrixXd::Identity(2, 2), 0.5),
                            sampo::invalid_argument, "'b'");
}

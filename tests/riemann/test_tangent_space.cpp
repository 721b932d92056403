#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo/riemann/tangent_space.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"

using namespace sampo::riemann;
using namespace sampo::test;
using sampo::invalid_argument;
constexpr double kEps = std::numeric_limits<double>::epsilon();

TEST_CASE("upper/unupper use numpy's triu order with sqrt(2) weights", "[riemann][tangent_space]") {
  Eigen::Matrix3d s;
  s << 1, 2, 3, 2, 4, 5, 3, 5, 6;
  const Eigen::VectorXd v = upper(s);
  const double r2 = std::sqrt(2.0);
  Eigen::VectorXd ref(6);
  ref << 1, 2 * r2, 3 * r2, 4, 5 * r2, 6;
  CHECK((v - ref).norm() <= 1e-15);
  CHECK(v.norm() == Approx(s.norm()).epsilon(1e-15));
  CHECK((unupper(v) - s).norm() <= 1e-14);
  SAMPO_REQUIRE_THROWS_WITH(unupper(Eigen::VectorXd::Ones(5)), invalid_argument, "unupper",
                            "n(n+1)/2");
  Eigen::Matrix3d asym = s;
  asym(0, 2) = 0;
  SAMPO_REQUIRE_THROWS_WITH(upper(asym), invalid_argument, "not symmetric");
}

TEST_CASE("tangent vectors: norm = distance, round trips, identity reference",
          "[riemann][tangent_space]") {
  // X_i = G E_i G^T and C = G E_0 G^T with cond(G G^T) up to 1e8: the whitened matrices
  // C^{-1/2} X_i C^{-1/2} are well conditioned, so the error follows cond(C) alone.
  const auto es = random_spd(5, 5, 70);
  for (double cond : {1e1, 1e4, 1e8}) {
    INFO("cond " << cond);
    const Eigen::MatrixXd G = ill_factor(5, cond, 71);
    const Eigen::MatrixXd C = congruent(G, es[0]);
    std::vector<Eigen::MatrixXd> xs;
    for (std::size_t k = 1; k < es.size(); ++k) xs.push_back(congruent(G, es[k]));
    const Eigen::MatrixXd T = tangent_space(xs, C);
    REQUIRE(T.rows() == 4);
    REQUIRE(T.cols() == 15);
    // C^{-1/2} X C^{-1/2} carries a relative error ~ n eps cond(C) (cond(C) ~ 4 cond); its
    // log then an absolute error of the same size; 100x for the constant.
    const double tol = 100 * 5 * kEps * 4 * cond;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      CHECK(T.row(Eigen::Index(i)).norm() == Approx(distance_riemann(xs[i], C)).margin(tol));
      CHECK((T.row(Eigen::Index(i)).transpose() - tangent_vector(xs[i], C)).norm() <= 1e-12);
    }
    const auto back = untangent_space(T, C);
    for (std::size_t i = 0; i < xs.size(); ++i) CHECK(distance_riemann(back[i], xs[i]) <= tol);
    const Eigen::MatrixXd S = log_map(xs[0], C);
    CHECK(distance_riemann(exp_map(S, C), xs[0]) <= tol);
  }
  // At the identity the log map is the matrix logarithm.
  const Eigen::MatrixXd q = orthogonal(3, 80);
  Eigen::Vector3d l(0.5, 2, 8);
  const Eigen::MatrixXd X = q * l.asDiagonal() * q.transpose();
  Eigen::Vector3d ll = l.array().log();
  CHECK((log_map(X, Eigen::Matrix3d::Identity()) - q * ll.asDiagonal() * q.transpose()).norm() <=
        1e-14);
  SAMPO_REQUIRE_THROWS_WITH(log_map(X, -Eigen::Matrix3d::Identity()), invalid_argument, "log_map",
                            "'reference'");
  SAMPO_REQUIRE_THROWS_WITH(tangent_space({X, Eigen::Matrix2d::Identity()}, X), invalid_argument,
                            "matrix 1", "shape");
  SAMPO_REQUIRE_THROWS_WITH(untangent_space(Eigen::MatrixXd::Ones(2, 5), X), invalid_argument,
                            "5 columns", "needs 6");
}

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo/riemann/geodesic.hpp"
#include "sampo/riemann/mean.hpp"
#include "sampo/riemann/tangent_space.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"

using namespace sampo::riemann;
using namespace sampo::test;
using sampo::invalid_argument;
constexpr double kEps = std::numeric_limits<double>::epsilon();

namespace {
/// A run tightened to the rounding floor of ||J||_F: J is formed from M^{-1/2} X M^{-1/2},
/// which carries a relative error ~ n eps cond(M); 1e3 n eps cond leaves room for the
/// constant, and the pyRiemann default 1e-8 is used where that is smaller.
MeanOptions tight(double cond, Eigen::Index n) {
  MeanOptions o;
  o.tolerance = std::min(1e-8, 1e3 * double(n) * kEps * cond);
  o.max_iterations = 500;
  return o;
}
}  // namespace

TEST_CASE("Riemannian mean of commuting matrices is exp(mean log eigenvalues)", "[riemann][mean]") {
  for (double cond : {1e2, 1e5, 1e8}) {
    const Eigen::MatrixXd q = orthogonal(5, 21);
    std::vector<Eigen::MatrixXd> xs;
    Eigen::VectorXd logsum = Eigen::VectorXd::Zero(5);
    for (int k = 0; k < 4; ++k) {
      Eigen::VectorXd l(5);
      for (int i = 0; i < 5; ++i)
        l(i) = std::pow(cond, double((i + k) % 5) / 4.0) * (1.0 + 0.1 * k);
      logsum += l.array().log().matrix();
      xs.push_back(q * l.asDiagonal() * q.transpose());
      xs.back() = (0.5 * (xs.back() + xs.back().transpose())).eval();
    }
    const Eigen::VectorXd ml = (logsum / 4.0).array().exp();
    const Eigen::MatrixXd ref = q * ml.asDiagonal() * q.transpose();
    const MeanResult r = mean_riemann(xs, tight(cond, 5));
    INFO("cond " << cond << ": " << r.run.message);
    CHECK(r.run.converged());
    // Affine-invariant error: d(M, ref) is the natural measure; rounding in each pass is
    // ~ n eps cond (eigenvalues of M^{-1/2} X M^{-1/2}), 100x for the constant.
    CHECK(distance_riemann(r.mean, ref) <= 100 * 5 * kEps * cond);
    CHECK(distance_riemann(mean_logeuclid(xs), ref) <=
          100 * 5 * kEps * cond);  // equal when commuting
  }
}

TEST_CASE("Riemannian mean: two matrices, det, congruence, inversion, stationarity",
          "[riemann][mean]") {
  // X_i = G E_i G^T with cond(G G^T) up to 1e8 and E_i well conditioned: by congruence
  // invariance mean(X) = G mean(E) G^T, a reference at any conditioning.
  const auto es = random_spd(6, 4, 30);
  const MeanResult me = mean_riemann(es, tight(1.0, 4));
  REQUIRE(me.run.converged());
  for (double cond : {1e1, 1e4, 1e8}) {
    INFO("cond " << cond);
    const Eigen::MatrixXd G = ill_factor(4, cond, 31);
    std::vector<Eigen::MatrixXd> xs;
    for (const auto& e : es) xs.push_back(congruent(G, e));
    // Affine-invariant error of each pass: n eps cond(X) (cond(X) ~ 4 cond), 100x constant.
    const double tol = 100 * 4 * kEps * 4 * cond;
    const MeanResult r = mean_riemann(xs, tight(cond, 4));
    INFO(r.run.message);
    CHECK(r.run.converged());
    CHECK(distance_riemann(r.mean, congruent(G, me.mean)) <= tol);  // congruence
    // Two matrices: the geodesic midpoint.
    const MeanResult two = mean_riemann({xs[0], xs[1]}, tight(cond, 4));
    CHECK(distance_riemann(two.mean, geodesic_riemann(xs[0], xs[1], 0.5)) <= tol);
    // det of the mean = geometric mean of the dets (log det: n logs, each to ~tol).
    double logdet = 0;
    for (const auto& x : xs) logdet += std::log(x.determinant());
    CHECK(std::log(r.mean.determinant()) == Approx(logdet / 6.0).margin(4 * tol));
    // Stationarity: sum_i log(M^{-1/2} X_i M^{-1/2}) = 0 at the mean, to the stopping
    // tolerance plus rounding.
    Eigen::MatrixXd j = Eigen::MatrixXd::Zero(4, 4);
    for (const auto& x : xs) j += log_map(x, r.mean) / 6.0;
    CHECK(j.norm() <= tight(cond, 4).tolerance + tol);
    // Inversion: mean(X^{-1}) = mean(X)^{-1}; X^{-1} = G^{-T} E^{-1} G^{-1}.
    const Eigen::MatrixXd Gi = G.inverse().transpose();
    std::vector<Eigen::MatrixXd> inv;
    for (const auto& e : es) inv.push_back(congruent(Gi, e.inverse()));
    CHECK(distance_riemann(mean_riemann(inv, tight(cond, 4)).mean,
                           congruent(Gi, me.mean.inverse())) <= tol);
    // A further random congruence W (cond(W)^2 ~ 1e2 more conditioning).
    const Eigen::MatrixXd W = normal_matrix(4, 4, 50);
    std::vector<Eigen::MatrixXd> wx;
    for (const auto& x : xs) wx.push_back(congruent(W, x));
    CHECK(distance_riemann(mean_riemann(wx, tight(1e2 * cond, 4)).mean, congruent(W, r.mean)) <=
          1e2 * tol);
    // Joint homogeneity: mean(a_i X_i) = (prod a_i)^{1/N} mean(X).
    std::vector<Eigen::MatrixXd> scaled;
    double logprod = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      scaled.push_back(double(i + 1) * xs[i]);
      logprod += std::log(double(i + 1));
    }
    // Two separate runs, each within its stopping tolerance of the exact mean (d(M, M*) is
    // about ||J|| for these well-spread sets): tol plus both stopping tolerances.
    CHECK(distance_riemann(mean_riemann(scaled, tight(cond, 4)).mean,
                           std::exp(logprod / 6.0) * r.mean) <= tol + 2 * tight(cond, 4).tolerance);
  }
}

TEST_CASE("Riemannian mean: pyRiemann's defaults, weights, reporting", "[riemann][mean]") {
  const auto xs = random_spd(10, 6, 60);
  const MeanResult r = mean_riemann(xs);
  CHECK(r.run.converged());
  CHECK(r.gradient_norm <= 1e-8);
  CHECK(r.run.iterations >= 2);
  CHECK(r.run.iterations <= 50);
  CHECK(r.run.evaluations == 10 * r.run.iterations);
  CHECK(mean(xs, Metric::riemann).mean == r.mean);  // deterministic, same code path
  // One matrix: the matrix itself.
  CHECK(rel_error(mean_riemann({xs[0]}).mean, xs[0]) <= 1e-14);
  // A weight of zero drops a matrix; weights are normalized.
  Eigen::VectorXd w = Eigen::VectorXd::Constant(10, 3.0);
  w(4) = 0.0;
  auto rest = xs;
  rest.erase(rest.begin() + 4);
  // Well-conditioned (cond <= 4): both runs stop at ||J|| <= 1e-10 or so; 1e-10 margin.
  CHECK(distance_riemann(mean_riemann(xs, tight(1, 6), w).mean,
                         mean_riemann(rest, tight(1, 6)).mean) <= 1e-10);
  // Weighted two-point mean with weights (1 - t, t) is the geodesic at t.
  Eigen::Vector2d w2(0.7, 0.3);
  CHECK(distance_riemann(mean_riemann({xs[0], xs[1]}, tight(1, 6), w2).mean,
                         geodesic_riemann(xs[0], xs[1], 0.3)) <= 1e-10);
  // Budget exhausted: reported, not thrown.
  MeanOptions one;
  one.max_iterations = 1;
  const MeanResult short_run = mean_riemann(xs, one);
  CHECK(short_run.run.termination == sampo::Termination::max_iterations);
  CHECK(short_run.run.iterations == 1);
  CHECK(short_run.run.message.find("Convergence not reached") != std::string::npos);
  MeanOptions zero;
  zero.max_iterations = 0;
  CHECK(rel_error(mean_riemann(xs, zero).mean, mean_euclid(xs)) <= 1e-15);
  // init.
  MeanOptions from_init;
  from_init.init = xs[3];
  CHECK(distance_riemann(mean_riemann(xs, from_init).mean, r.mean) <= 1e-7);  // both to tol 1e-8

  // Closed-form means.
  Eigen::MatrixXd e = Eigen::MatrixXd::Zero(6, 6);
  for (const auto& x : xs) e += x / 10.0;
  CHECK(rel_error(mean_euclid(xs), e) <= 1e-15);
  CHECK(mean(xs, Metric::log_euclid).run.converged());
  // Bad input.
  SAMPO_REQUIRE_THROWS_WITH(mean_riemann({}), invalid_argument, "mean_riemann", "'xs'", "empty");
  auto bad = xs;
  bad[2](0, 0) = -5;
  SAMPO_REQUIRE_THROWS_WITH(mean_riemann(bad), invalid_argument, "matrix 2", "positive definite");
  bad = xs;
  bad[5] = Eigen::MatrixXd::Identity(5, 5);
  SAMPO_REQUIRE_THROWS_WITH(mean_logeuclid(bad), invalid_argument, "matrix 5", "shape");
  SAMPO_REQUIRE_THROWS_WITH(mean_riemann(xs, {}, Eigen::VectorXd::Ones(3)), invalid_argument,
                            "'weights'", "3 entries for 10");
  Eigen::VectorXd neg = Eigen::VectorXd::Ones(10);
  neg(7) = -1;
  SAMPO_REQUIRE_THROWS_WITH(mean_euclid(xs, neg), invalid_argument, "weights[7]");
  SAMPO_REQUIRE_THROWS_WITH(mean_euclid(xs, Eigen::VectorXd::Zero(10)), invalid_argument,
                            "sum to zero");
  MeanOptions badtol;
  badtol.tolerance = 0;
  SAMPO_REQUIRE_THROWS_WITH(mean_riemann(xs, badtol), invalid_argument, "tolerance");
}

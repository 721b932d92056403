#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo/riemann/geodesic.hpp"
#include "sampo/riemann/mean.hpp"
#include "sampo/riemann/tangent_space.hpp"
#include "sampo/parallel/random_stream.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"
#include "thread_count.hpp"

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
/// Bound on d(M, M*) of a converged run from its stopping rule alone: f(M) = 1/2 sum_i w_i
/// d^2(M, X_i) is 1-strongly geodesically convex (non-positive curvature), so
/// d(M_k, M*) <= ||grad f(M_k)|| = ||J_k||_F; the returned mean lies one step of length
/// nu ||J_k|| further, nu <= 1 for pyRiemann's rule and nu <= 10 for the secant rule, hence
/// d(M, M*) <= 11 ||J_k|| = 11 gradient_norm. (The rounding in J is part of the rounding term
/// of each check.)
double stop_error(const MeanResult& r) { return 11 * r.gradient_norm; }
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
    // ~ n eps cond (eigenvalues of M^{-1/2} X M^{-1/2}), 100x for the constant; plus the
    // stopping error (commuting: the first step is exact, so ||J|| is at the rounding floor).
    CHECK(distance_riemann(r.mean, ref) <= 100 * 5 * kEps * cond + stop_error(r));
    CHECK(distance_riemann(mean_logeuclid(xs), ref) <=
          100 * 5 * kEps * cond);  // equal when commuting; closed form, no iteration
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
    // Rounding: forming X = G E G^T, each pass of the iteration (M^{-1/2} X M^{-1/2}, its log)
    // and the reference congruence each perturb a matrix of condition cond(X) <= 4 cond by an
    // affine-invariant ~ n eps cond(X); the mean is 1-Lipschitz in its inputs (non-positive
    // curvature), so the sum stays ~ n eps cond(X); 100x for the constants. To this each check
    // adds the stopping error of every iterated mean it involves (stop_error), which dominates
    // at small cond: 2 ||J|| ~ 2e-11 at cond 10 against rounding 4e-12.
    const double tol = 100 * 4 * kEps * 4 * cond;
    const MeanResult r = mean_riemann(xs, tight(cond, 4));
    INFO(r.run.message);
    CHECK(r.run.converged());
    CHECK(distance_riemann(r.mean, congruent(G, me.mean)) <=
          tol + stop_error(r) + stop_error(me));  // congruence
    // Two matrices: the geodesic midpoint (closed form, rounding only).
    const MeanResult two = mean_riemann({xs[0], xs[1]}, tight(cond, 4));
    CHECK(distance_riemann(two.mean, geodesic_riemann(xs[0], xs[1], 0.5)) <= tol + stop_error(two));
    // det of the mean = geometric mean of the dets: |log det M - log det M*| =
    // |sum log eig(M*^{-1/2} M M*^{-1/2})| <= sqrt(n) d(M, M*) = 2 d(M, M*); each LU
    // determinant of an X carries a relative error ~ n eps cond(X) (within tol).
    double logdet = 0;
    for (const auto& x : xs) logdet += std::log(x.determinant());
    CHECK(std::log(r.mean.determinant()) ==
          Approx(logdet / 6.0).margin(2 * (tol + stop_error(r)) + tol));
    // Stationarity: J(M) = sum_i log(M^{-1/2} X_i M^{-1/2}) / 6 = -grad f(M) vanishes at M*.
    // grad f is L-Lipschitz with L <= 1 + D / sqrt(2) (sectional curvature >= -1/2; D = the
    // largest d(M*, X_i) <= sqrt(n) ln 4 = 2.8 for eigenvalues of E in [0.5, 2]), so
    // ||J(M)|| <= 3 d(M, M*) <= 3 stop_error(r), plus rounding.
    Eigen::MatrixXd j = Eigen::MatrixXd::Zero(4, 4);
    for (const auto& x : xs) j += log_map(x, r.mean) / 6.0;
    CHECK(j.norm() <= tol + 3 * stop_error(r));
    // Inversion: mean(X^{-1}) = mean(X)^{-1}; X^{-1} = G^{-T} E^{-1} G^{-1}. Both sides use
    // the same computed Gi, so its own error cancels (congruence invariance holds for any
    // matrix); cond(Gi Gi^T) = cond and cond(E^{-1}) <= 4: the same rounding term tol, plus
    // the stopping errors of both means (inversion and congruence are isometries).
    const Eigen::MatrixXd Gi = G.inverse().transpose();
    std::vector<Eigen::MatrixXd> inv;
    for (const auto& e : es) inv.push_back(congruent(Gi, e.inverse()));
    const MeanResult ri = mean_riemann(inv, tight(cond, 4));
    CHECK(distance_riemann(ri.mean, congruent(Gi, me.mean.inverse())) <=
          tol + stop_error(ri) + stop_error(me));
    // A further congruence W = Q1 S Q2^T with cond(W W^T) = 1e2 exactly (random orthogonal
    // Q1, Q2): the matrices W X W^T have condition <= 1e2 x 4 cond, so the rounding term is
    // 1e2 tol; plus the stopping errors of both runs.
    Eigen::Vector4d sw(1.0, std::pow(10.0, 1.0 / 3), std::pow(10.0, 2.0 / 3), 10.0);
    const Eigen::MatrixXd W = orthogonal(4, 50) * sw.asDiagonal() * orthogonal(4, 51).transpose();
    std::vector<Eigen::MatrixXd> wx;
    for (const auto& x : xs) wx.push_back(congruent(W, x));
    const MeanResult rw = mean_riemann(wx, tight(1e2 * cond, 4));
    CHECK(distance_riemann(rw.mean, congruent(W, r.mean)) <=
          1e2 * tol + stop_error(rw) + stop_error(r));
    // Joint homogeneity: mean(a_i X_i) = (prod a_i)^{1/N} mean(X).
    std::vector<Eigen::MatrixXd> scaled;
    double logprod = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      scaled.push_back(double(i + 1) * xs[i]);
      logprod += std::log(double(i + 1));
    }
    // Two separate runs, each within stop_error of the exact mean: tol plus both.
    const MeanResult rs = mean_riemann(scaled, tight(cond, 4));
    CHECK(distance_riemann(rs.mean, std::exp(logprod / 6.0) * r.mean) <=
          tol + stop_error(rs) + stop_error(r));
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
  // Well-conditioned (cond <= 4): rounding ~ 100 n eps cond = 5e-13 plus both stopping
  // errors (2 ||J|| <= 2.7e-12 each).
  const MeanResult rw = mean_riemann(xs, tight(1, 6), w), rr = mean_riemann(rest, tight(1, 6));
  CHECK(distance_riemann(rw.mean, rr.mean) <= 100 * 6 * kEps * 4 + stop_error(rw) + stop_error(rr));
  // Weighted two-point mean with weights (1 - t, t) is the geodesic at t.
  Eigen::Vector2d w2(0.7, 0.3);
  const MeanResult r2 = mean_riemann({xs[0], xs[1]}, tight(1, 6), w2);
  CHECK(distance_riemann(r2.mean, geodesic_riemann(xs[0], xs[1], 0.3)) <=
        100 * 6 * kEps * 4 + stop_error(r2));
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
  const MeanResult ri = mean_riemann(xs, from_init);
  CHECK(distance_riemann(ri.mean, r.mean) <= 100 * 6 * kEps * 4 + stop_error(ri) + stop_error(r));

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

TEST_CASE("Riemannian mean: progress per iteration, cancellation ends the run",
          "[riemann][mean]") {
  const auto xs = random_spd(8, 5, 61);
  MeanOptions o;
  sampo::Progress progress(o.max_iterations, "mean", false);
  o.progress = &progress;
  const MeanResult r = mean_riemann(xs, o);
  REQUIRE(r.run.converged());
  CHECK(progress.done() == r.run.iterations);

  // Raised before the call: the initial guess (the Euclidean mean) is returned, reported as
  // stopped by the user, not thrown.
  sampo::CancellationFlag flag;
  flag.cancel();
  MeanOptions c;
  c.cancel = &flag;
  const MeanResult stopped = mean_riemann(xs, c);
  CHECK(stopped.run.termination == sampo::Termination::user_stopped);
  CHECK(stopped.run.iterations == 0);
  CHECK(stopped.run.evaluations == 0);
  CHECK(stopped.run.message.find("cancellation flag") != std::string::npos);
  MeanOptions zero;
  zero.max_iterations = 0;
  CHECK(stopped.mean == mean_riemann(xs, zero).mean);
  // Lowered again: the same run as without a flag.
  flag.reset();
  CHECK(mean_riemann(xs, c).mean == mean_riemann(xs).mean);
}

TEST_CASE("means give the same bits with 1 and 2 threads", "[riemann][mean]") {
  // The header promises a result independent of the thread count: the sum over matrices is
  // reduced in fixed blocks of 8 in block order. 43 matrices = 6 blocks (the last partial),
  // with unequal weights, one of them zero; every entry must be equal (==).
  const auto xs = random_spd(43, 6, 61);
  Eigen::VectorXd w(43);
  for (Eigen::Index i = 0; i < 43; ++i) w(i) = 1.0 + 0.1 * double(i % 7);
  w(20) = 0.0;
  auto run = [&] {
    return std::vector<Eigen::MatrixXd>{mean_riemann(xs, {}, w).mean, mean_logeuclid(xs, w),
                                        mean_euclid(xs, w)};
  };
  const auto one = with_threads(1, run);
  const auto two = with_threads(2, run);
  for (std::size_t k = 0; k < one.size(); ++k) {
    INFO("mean " << k << " (riemann, logeuclid, euclid)");
    CHECK(same_entries(one[k], two[k]));
  }
  // Iterations and evaluations too.
  const MeanResult r1 = with_threads(1, [&] { return mean_riemann(xs); });
  const MeanResult r2 = with_threads(2, [&] { return mean_riemann(xs); });
  CHECK(r1.run.iterations == r2.run.iterations);
  CHECK(r1.gradient_norm == r2.gradient_norm);
}

TEST_CASE("Riemannian mean: the secant and pyRiemann step rules reach the same mean",
          "[riemann][mean]") {
  CHECK(mean_step_rule_from_string("secant") == MeanStepRule::secant);
  CHECK(mean_step_rule_from_string(to_string(MeanStepRule::pyriemann)) == MeanStepRule::pyriemann);
  SAMPO_REQUIRE_THROWS_WITH(mean_step_rule_from_string("newton"), invalid_argument, "'name' = newton",
                            "secant, pyriemann");
  CHECK(MeanOptions{}.step_rule == MeanStepRule::secant);
  // Seeded sweep over spreads: eigenvalues of each matrix uniform on (1/s, s), so the data
  // lie farther apart as s grows (the curvature of the objective, hence the best step,
  // changes with the spread). Both rules stop at ||J|| <= 1e-8 and lie within their stopping
  // errors of the same minimizer; rounding ~100 n eps cond(M) with cond <= s^2.
  const std::uint64_t seed = sampo::testing::fixture_seed(5);
  std::size_t secant_passes = 0, pyriemann_passes = 0;
  for (double spread : {2.0, 10.0, 100.0}) {
    for (Eigen::Index n : {3, 8, 16}) {
      std::vector<Eigen::MatrixXd> xs;
      sampo::parallel::RandomStream rs(seed, static_cast<std::uint64_t>(n));
      for (int k = 0; k < 40; ++k) {
        Eigen::VectorXd lambda(n);
        for (Eigen::Index i = 0; i < n; ++i) lambda(i) = std::pow(spread, 2.0 * rs.uniform() - 1.0);
        xs.push_back(sampo::testing::with_spectrum(sampo::testing::random_orthogonal(rs, n), lambda));
      }
      MeanOptions pyr;
      pyr.step_rule = MeanStepRule::pyriemann;
      const MeanResult a = mean_riemann(xs), b = mean_riemann(xs, pyr);
      CAPTURE(spread, n, a.run.iterations, b.run.iterations);
      REQUIRE(a.run.converged());
      REQUIRE(b.run.converged());
      CHECK(distance_riemann(a.mean, b.mean) <=
            100 * double(n) * kEps * spread * spread + stop_error(a) + stop_error(b));
      CHECK(a.run.iterations <= b.run.iterations);
      secant_passes += a.run.iterations;
      pyriemann_passes += b.run.iterations;
    }
  }
  // The point of the secant rule: fewer passes over the data (in total, and never more on
  // any of these sets).
  CHECK(secant_passes < pyriemann_passes);
}

TEST_CASE("Riemannian mean: the stall rule stops at the rounding floor, nowhere else",
          "[riemann][mean]") {
  CHECK(MeanOptions{}.stall_passes == 0);  // off by default: pyRiemann's iteration budget
  const auto xs = random_spd(20, 6, 62);
  // Off, or on where the tolerance is reached first: the same passes, the same bits.
  MeanOptions on;
  on.stall_passes = 5;
  const MeanResult plain = mean_riemann(xs), stall = mean_riemann(xs, on);
  REQUIRE(plain.run.converged());
  CHECK(stall.run.converged());
  CHECK(stall.run.iterations == plain.run.iterations);
  CHECK(same_entries(stall.mean, plain.mean));
  // A tolerance below the rounding floor of ||J|| (about n eps cond here, ~1e-15): without
  // the rule every pass of max_iterations is spent; with it the run stops a few passes after
  // the floor, as numerical_failure saying "stalled", with a mean as close to the exact one as
  // the full run's (both are inside the floor: the distance allows 1e4 n eps, far below the
  // 1e-8 of the default tolerance).
  MeanOptions tiny;
  tiny.tolerance = 1e-30;
  const MeanResult full = mean_riemann(xs, tiny);
  CHECK(full.run.termination == sampo::Termination::max_iterations);
  CHECK(full.run.iterations == 50);
  tiny.stall_passes = 4;
  const MeanResult stopped = mean_riemann(xs, tiny);
  CAPTURE(stopped.run.message, stopped.run.iterations);
  CHECK(stopped.run.termination == sampo::Termination::numerical_failure);
  CHECK(stopped.run.message.find("stalled") != std::string::npos);
  CHECK(stopped.run.iterations < 25);
  CHECK(stopped.run.iterations >= 5);
  CHECK(distance_riemann(stopped.mean, full.mean) <= 1e4 * 6 * kEps);
  CHECK(distance_riemann(stopped.mean, plain.mean) <= stop_error(plain) + 1e4 * 6 * kEps);
  // Thread-count independent, like the rest of the iteration.
  const MeanResult one = with_threads(1, [&] { return mean_riemann(xs, tiny); });
  const MeanResult two = with_threads(2, [&] { return mean_riemann(xs, tiny); });
  CHECK(one.run.iterations == two.run.iterations);
  CHECK(same_entries(one.mean, two.mean));
}

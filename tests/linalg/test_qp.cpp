#include "sampo/linalg/qp.hpp"

#include <Eigen/Dense>
#include <limits>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::linalg;
using sampo::test::kEps;

namespace {
/// KKT conditions of the simplex QP checked directly: x >= 0, Σx = 1, and with ∇ = Hx + g
/// and μ = min ∇: ∇_i >= μ everywhere and ∇_i = μ where x_i > 0.
double simplex_kkt_violation(const Eigen::MatrixXd& h, const Eigen::VectorXd& g,
                             const Eigen::VectorXd& x) {
  const Eigen::VectorXd grad = h * x + g;
  const double mu = grad.minCoeff();
  double v = std::max(-x.minCoeff(), std::abs(x.sum() - 1.0));
  for (Eigen::Index i = 0; i < x.size(); ++i)
    if (x(i) > 0) v = std::max(v, (grad(i) - mu) * x(i));  // complementarity
  return v;
}
}  // namespace

TEST_CASE("project_to_simplex: closed forms and properties", "[linalg][qp]") {
  CHECK(project_to_simplex(Eigen::Vector2d(0.5, 0.5)) == Eigen::VectorXd(Eigen::Vector2d(0.5, 0.5)));
  CHECK(project_to_simplex(Eigen::Vector2d(2, 0)) == Eigen::VectorXd(Eigen::Vector2d(1, 0)));
  const Eigen::VectorXd p = project_to_simplex(Eigen::Vector3d(1, 1, 1));
  CHECK((p.array() - 1.0 / 3).abs().maxCoeff() <= 2 * kEps);
  // (0, -0.5, -3): τ = (0 - 0.5 - 1)/2 = -0.75, x = (0.75, 0.25, 0).
  const Eigen::VectorXd q = project_to_simplex(Eigen::Vector3d(0, -0.5, -3));
  CHECK(q(0) == 0.75);
  CHECK(q(1) == 0.25);
  CHECK(q(2) == 0.0);
  // Random points: feasible, idempotent, and v - x is constant on the support.
  const Eigen::MatrixXd vs = sampo::test::gaussian_matrix(10, 20, 51);
  for (Eigen::Index k = 0; k < vs.cols(); ++k) {
    const Eigen::VectorXd x = project_to_simplex(vs.col(k));
    CHECK(x.minCoeff() >= 0);
    CHECK(std::abs(x.sum() - 1.0) <= 10 * kEps);
    CHECK((project_to_simplex(x) - x).cwiseAbs().maxCoeff() <= 10 * kEps);
    const Eigen::VectorXd shift = vs.col(k) - x;
    double lo = 1e300, hi = -1e300, off = -1e300;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      if (x(i) > 0) lo = std::min(lo, shift(i)), hi = std::max(hi, shift(i));
      else off = std::max(off, vs(i, k));
    }
    CHECK(hi - lo <= 20 * kEps);   // v_i - x_i = τ on the support
    CHECK(off <= lo + 20 * kEps);  // and v_i <= τ off it
  }
  SAMPO_REQUIRE_THROWS_WITH(project_to_simplex(Eigen::VectorXd()), invalid_argument,
                            "sampo::linalg::project_to_simplex", "is empty");
}

TEST_CASE("qp_simplex: diagonal and 2-D closed forms", "[linalg][qp]") {
  // min ½Σ h_i x_i² on the simplex: x_i ∝ 1/h_i.
  Eigen::Vector4d hd(1, 2, 4, 8);
  const QpResult r = qp_simplex(Eigen::MatrixXd(hd.asDiagonal()), Eigen::VectorXd::Zero(4));
  REQUIRE(r.run.converged());
  const Eigen::VectorXd expected = hd.cwiseInverse() / hd.cwiseInverse().sum();
  CHECK((r.x - expected).cwiseAbs().maxCoeff() <= 1e-14);  // polished: a few ulps of κ = 8
  CHECK(r.objective == Approx(0.5 / hd.cwiseInverse().sum()).epsilon(1e-14));
  CHECK(r.kkt_residual <= QpOptions{}.tolerance);

  // H = I: minimizer = projection of -g; g = (0, 0.5, 3) gives (0.75, 0.25, 0) by hand.
  const QpResult p = qp_simplex(Eigen::MatrixXd::Identity(3, 3), Eigen::Vector3d(0, 0.5, 3));
  CHECK((p.x - Eigen::Vector3d(0.75, 0.25, 0)).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK(p.x(2) == 0.0);

  // H = [2 1; 1 2], x = (t, 1-t): f(t) = t² - t + 1 + g₁t + g₂(1-t).
  Eigen::Matrix2d h;
  h << 2, 1, 1, 2;
  // g = (0.5, 0): f' = 2t - 0.5 = 0 at t = 0.25.
  CHECK((qp_simplex(h, Eigen::Vector2d(0.5, 0)).x - Eigen::Vector2d(0.25, 0.75)).norm() <= 1e-14);
  // g = (3, 0): f' = 2t + 2 > 0 on [0, 1], so t = 0 (a vertex).
  CHECK((qp_simplex(h, Eigen::Vector2d(3, 0)).x - Eigen::Vector2d(0, 1)).norm() <= 1e-14);
  // Linear objective (H = 0): the vertex of the smallest g.
  CHECK((qp_simplex(Eigen::MatrixXd::Zero(3, 3), Eigen::Vector3d(2, -1, 0.5)).x -
         Eigen::Vector3d(0, 1, 0)).norm() <= 1e-14);
}

TEST_CASE("qp_simplex: KKT conditions on random rank-deficient problems", "[linalg][qp]") {
  for (std::uint64_t seed : {61u, 62u, 63u}) {
    CAPTURE(seed);
    const Eigen::MatrixXd b = sampo::test::gaussian_matrix(40, 25, seed);  // rank 25 of 40
    const Eigen::MatrixXd h = b * b.transpose();
    const Eigen::VectorXd g = 5.0 * sampo::test::gaussian_matrix(40, 1, seed + 100);
    const QpResult r = qp_simplex(h, g);
    REQUIRE(r.run.converged());
    // KKT violation relative to the gradient scale ‖H‖ + ‖g‖ (≈ 100): 1e-10 leaves room
    // for the O(n·eps·κ) error of the final active-set solve.
    CHECK(simplex_kkt_violation(h, g, r.x) <= 1e-10 * (h.norm() + g.norm()));
    CHECK(r.objective == Approx(r.x.dot(0.5 * h * r.x + g)).epsilon(1e-12));
    // No vertex is better than the minimizer.
    for (Eigen::Index i = 0; i < 40; ++i)
      CHECK(r.objective <= 0.5 * h(i, i) + g(i) + 1e-9 * (h.norm() + g.norm()));
    CHECK(r.run.iterations > 0);
    CHECK(r.run.evaluations >= r.run.iterations);
  }
}

TEST_CASE("qp_box: closed forms and KKT", "[linalg][qp]") {
  // Diagonal H: each coordinate is the clamped unconstrained minimizer -g_i/h_i.
  Eigen::Vector3d hd(1, 2, 4), g(-3, 1, -1), lo(0, 0, 0), hi(1, 1, 1);
  const QpResult r = qp_box(Eigen::MatrixXd(hd.asDiagonal()), g, lo, hi);
  REQUIRE(r.run.converged());
  CHECK((r.x - Eigen::Vector3d(1, 0, 0.25)).cwiseAbs().maxCoeff() <= 1e-14);
  // Linear objective: the corner chosen by the signs of g.
  const QpResult lin = qp_box(Eigen::MatrixXd::Zero(3, 3), g, -2.0 * hi, hi);
  CHECK((lin.x - Eigen::Vector3d(1, -2, 1)).cwiseAbs().maxCoeff() <= 1e-14);
  // Interior minimizer of a coupled problem: the unconstrained solution -H⁻¹g.
  Eigen::Matrix2d h;
  h << 2, 1, 1, 2;
  const QpResult in = qp_box(h, Eigen::Vector2d(-1, -1), Eigen::Vector2d(-5, -5),
                             Eigen::Vector2d(5, 5));
  CHECK((in.x - Eigen::Vector2d(1.0 / 3, 1.0 / 3)).norm() <= 1e-14);
  // A fixed variable (lower = upper).
  const QpResult fx = qp_box(h, Eigen::Vector2d(-1, -1), Eigen::Vector2d(0.5, -5),
                             Eigen::Vector2d(0.5, 5));
  CHECK(fx.x(0) == 0.5);
  CHECK(fx.x(1) == Approx(0.25).epsilon(1e-14));  // 2y + 0.5 - 1 = 0
  // Random PSD problem: projected-gradient optimality, checked directly.
  const Eigen::MatrixXd b = sampo::test::gaussian_matrix(30, 30, 71);
  const Eigen::MatrixXd hr = b * b.transpose() / 30.0;
  const Eigen::VectorXd gr = sampo::test::gaussian_matrix(30, 1, 72);
  const Eigen::VectorXd l = -0.1 * Eigen::VectorXd::Ones(30), u = 0.2 * Eigen::VectorXd::Ones(30);
  const QpResult rr = qp_box(hr, gr, l, u);
  REQUIRE(rr.run.converged());
  const Eigen::VectorXd grad = hr * rr.x + gr;
  for (Eigen::Index i = 0; i < 30; ++i) {
    CHECK(rr.x(i) >= l(i));
    CHECK(rr.x(i) <= u(i));
    // Interior: ∇_i = 0; at the lower bound ∇_i >= 0; at the upper ∇_i <= 0.
    const double tol = 1e-10 * (hr.norm() + gr.norm());
    if (rr.x(i) > l(i) && rr.x(i) < u(i)) CHECK(std::abs(grad(i)) <= tol);
    if (rr.x(i) == l(i)) CHECK(grad(i) >= -tol);
    if (rr.x(i) == u(i)) CHECK(grad(i) <= tol);
  }
}

TEST_CASE("qp reports non-convergence in the result", "[linalg][qp]") {
  const Eigen::MatrixXd b = sampo::test::gaussian_matrix(30, 30, 81);
  const Eigen::MatrixXd h = b * b.transpose();
  QpOptions o;
  o.max_iterations = 2;
  const QpResult r = qp_simplex(h, Eigen::VectorXd::Ones(30), o);
  CHECK(r.run.termination == Termination::max_iterations);
  CHECK(r.run.iterations == 2);
  CHECK(r.kkt_residual > o.tolerance);
  CHECK(r.run.message.find("max_iterations") != std::string::npos);
  CHECK(std::abs(r.x.sum() - 1.0) <= 10 * kEps);  // still feasible
}

TEST_CASE("qp reports progress per iteration and stops on its cancellation flag",
          "[linalg][qp]") {
  const Eigen::MatrixXd b = sampo::test::gaussian_matrix(30, 30, 82);
  const Eigen::MatrixXd h = b * b.transpose();
  const Eigen::VectorXd g = Eigen::VectorXd::Ones(30);
  QpOptions o;
  Progress progress(o.max_iterations, "qp", false);
  o.progress = &progress;
  const QpResult r = qp_simplex(h, g, o);
  REQUIRE(r.run.converged());
  CHECK(progress.done() == r.run.iterations);

  // Raised before the call: the feasible starting point comes back, reported, not thrown.
  CancellationFlag flag;
  flag.cancel();
  QpOptions c;
  c.cancel = &flag;
  for (const QpResult& s :
       {qp_simplex(h, g, c), qp_box(h, -g, Eigen::VectorXd::Zero(30), Eigen::VectorXd::Ones(30), c)}) {
    CHECK(s.run.termination == Termination::user_stopped);
    CHECK(s.run.iterations == 0);
    CHECK(s.run.message.find("cancellation flag") != std::string::npos);
    CHECK(s.x.allFinite());
  }
  CHECK(std::abs(qp_simplex(h, g, c).x.sum() - 1.0) <= 10 * kEps);  // still feasible
  // Lowered again: the same run as without a flag.
  flag.reset();
  CHECK(qp_simplex(h, g, c).x == qp_simplex(h, g).x);
}

TEST_CASE("qp rejects bad input", "[linalg][qp]") {
  const Eigen::MatrixXd h = Eigen::MatrixXd::Identity(3, 3);
  const Eigen::VectorXd g = Eigen::VectorXd::Zero(3);
  Eigen::Matrix3d indef = Eigen::Matrix3d::Identity();
  indef(2, 2) = -1;
  SAMPO_REQUIRE_THROWS_WITH(qp_simplex(indef, g), invalid_argument, "sampo::linalg::qp_simplex",
                            "not positive semidefinite", "smallest eigenvalue -1");
  SAMPO_REQUIRE_THROWS_WITH(qp_simplex(h, Eigen::VectorXd::Zero(2)), invalid_argument, "'g'",
                            "expected 3x1");
  Eigen::Matrix3d ns = Eigen::Matrix3d::Identity();
  ns(0, 1) = 0.5;
  SAMPO_REQUIRE_THROWS_WITH(qp_simplex(ns, g), invalid_argument, "not symmetric");
  Eigen::VectorXd gn = g;
  gn(0) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(qp_simplex(h, gn), invalid_argument, "'g'", "nan");
  SAMPO_REQUIRE_THROWS_WITH(qp_box(h, g, Eigen::Vector3d(0, 2, 0), Eigen::Vector3d(1, 1, 1)),
                            invalid_argument, "sampo::linalg::qp_box", "entry 1 = 2",
                            "exceeds upper = 1");
  SAMPO_REQUIRE_THROWS_WITH(qp_box(h, g, Eigen::Vector2d(0, 0), Eigen::Vector3d(1, 1, 1)),
                            invalid_argument, "'lower'", "expected 3x1");
  SAMPO_REQUIRE_THROWS_WITH(
      qp_box(h, g, Eigen::Vector3d(0, 0, -std::numeric_limits<double>::infinity()),
             Eigen::Vector3d(1, 1, 1)),
      invalid_argument, "'lower'", "-inf");
  QpOptions o;
  o.tolerance = 0;
  SAMPO_REQUIRE_THROWS_WITH(qp_simplex(h, g, o), invalid_argument, "tolerance");
  o = {};
  o.max_iterations = 0;
  SAMPO_REQUIRE_THROWS_WITH(o.validate(), invalid_argument, "max_iterations");
}

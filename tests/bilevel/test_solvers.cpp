// Solvers on problems written here (independent of the built-in ones): a small quadratic with
// closed forms, a finite-sum version of it, a cosh upper level (unbounded smoothness) and a
// lower level that is not strongly convex.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include <sampo/bilevel/solvers.hpp>
#include <sampo/core/error.hpp>
#include <sampo/testing/fixtures.hpp>

#include "sampo_test.hpp"

using namespace sampo;
using namespace sampo::bilevel;
using Catch::Matchers::Contains;
using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

namespace {

/// g = ½yᵀAy + xᵀCy + aᵀy, f = ½‖y − t‖² + (ρ/2)‖x‖² (+ finite-sum noise on a when n > 0:
/// sample i adds e_i ⊙ y with Σ e_i = 0, so the mean is the deterministic problem).
class Quad : public Problem {
 public:
  Quad(Eigen::Index dx, Eigen::Index dy, std::uint64_t seed, Eigen::Index samples = 0, double rho = 0.1)
      : n_(samples), rho_(rho) {
    Vec lambda(dy);
    for (Eigen::Index i = 0; i < dy; ++i) lambda[i] = 0.2 + 0.8 * double(i) / double(std::max<Eigen::Index>(dy - 1, 1));
    A_ = testing::spd_with_spectrum(lambda, seed, 1);
    C_ = 0.1 * testing::normal_matrix(dx, dy, seed, 2) / std::sqrt(double(dy));
    a_ = testing::normal_matrix(dy, 1, seed, 3).col(0);
    t_ = testing::normal_matrix(dy, 1, seed, 4).col(0);
    if (n_ > 0) {
      E_ = 0.1 * testing::normal_matrix(dy, n_, seed, 5);
      E_.colwise() -= E_.rowwise().mean();
    }
    llt_.compute(A_);
  }
  std::string name() const override { return "test-quad"; }
  Eigen::Index dim_x() const override { return C_.rows(); }
  Eigen::Index dim_y() const override { return C_.cols(); }
  Eigen::Index inner_samples() const override { return n_; }
  /// Diagonal noise of the batch: mean of e_i over the batch (0 for the full sum).
  Vec noise(Batch b) const {
    Vec e = Vec::Zero(dim_y());
    if (n_ == 0 || b.empty()) return e;
    for (auto i : b) e += E_.col(i);
    return e / double(b.size());
  }
  double f(const Vec& x, const Vec& y, Batch) const override {
    return 0.5 * (y - t_).squaredNorm() + 0.5 * rho_ * x.squaredNorm();
  }
  double g(const Vec& x, const Vec& y, Batch b) const override {
    return 0.5 * y.dot(A_ * y) + 0.5 * y.dot(noise(b).cwiseProduct(y)) + x.dot(C_ * y) + a_.dot(y);
  }
  void grad_x_f(const Vec& x, const Vec&, Batch, Vec& out) const override { out = rho_ * x; }
  void grad_y_f(const Vec&, const Vec& y, Batch, Vec& out) const override { out = y - t_; }
  void grad_x_g(const Vec&, const Vec& y, Batch, Vec& out) const override { out = C_ * y; }
  void grad_y_g(const Vec& x, const Vec& y, Batch b, Vec& out) const override {
    out = A_ * y + noise(b).cwiseProduct(y) + C_.transpose() * x + a_;
  }
  void hvp_yy_g(const Vec&, const Vec&, const Vec& v, Batch b, Vec& out) const override {
    out = A_ * v + noise(b).cwiseProduct(v);
  }
  void jvp_xy_g(const Vec&, const Vec&, const Vec& v, Batch, Vec& out) const override { out = C_ * v; }
  std::optional<Vec> lower_solution(const Vec& x) const override {
    return Vec(-llt_.solve(C_.transpose() * x + a_));
  }
  std::optional<Vec> hypergradient(const Vec& x) const override {
    const Vec y = *lower_solution(x);
    return Vec(rho_ * x - C_ * llt_.solve(y - t_));
  }
  std::optional<double> value(const Vec& x) const override {
    const Vec y = *lower_solution(x);
    return 0.5 * (y - t_).squaredNorm() + 0.5 * rho_ * x.squaredNorm();
  }
  /// x* from ∇Φ(x) = ρx + P ᵀ(y*(x) − t) with y* = Px + q, P = −A⁻¹Cᵀ: (ρI + PᵀP)x = Pᵀ(t − q).
  std::optional<Vec> minimizer() const override {
    const Mat P = -llt_.solve(C_.transpose());
    const Vec q = -llt_.solve(a_);
    const Mat h = rho_ * Mat::Identity(dim_x(), dim_x()) + P.transpose() * P;
    return Vec(h.ldlt().solve(P.transpose() * (t_ - q)));
  }
  std::optional<double> optimal_value() const override { return value(*minimizer()); }

 private:
  Eigen::Index n_;
  double rho_;
  Mat A_, C_, E_;
  Vec a_, t_;
  Eigen::LLT<Mat> llt_;
};

/// g = ½y₁² − x y₁ + (ε/2)y₂², f = ½(x − y₂)² + ½(y₁ − 1)² (not strongly convex when ε = 0).
class Degenerate : public Problem {
 public:
  explicit Degenerate(double eps) : eps_(eps) {}
  std::string name() const override { return "test-degenerate"; }
  Eigen::Index dim_x() const override { return 1; }
  Eigen::Index dim_y() const override { return 2; }
  double f(const Vec& x, const Vec& y, Batch) const override {
    return 0.5 * std::pow(x[0] - y[1], 2) + 0.5 * std::pow(y[0] - 1, 2);
  }
  double g(const Vec& x, const Vec& y, Batch) const override {
    return 0.5 * y[0] * y[0] - x[0] * y[0] + 0.5 * eps_ * y[1] * y[1];
  }
  void grad_x_f(const Vec& x, const Vec& y, Batch, Vec& out) const override { out = Vec::Constant(1, x[0] - y[1]); }
  void grad_y_f(const Vec& x, const Vec& y, Batch, Vec& out) const override {
    out = Vec(2);
    out << y[0] - 1, y[1] - x[0];
  }
  void grad_y_g(const Vec& x, const Vec& y, Batch, Vec& out) const override {
    out = Vec(2);
    out << y[0] - x[0], eps_ * y[1];
  }
  void hvp_yy_g(const Vec&, const Vec&, const Vec& v, Batch, Vec& out) const override {
    out = Vec(2);
    out << v[0], eps_ * v[1];
  }
  void jvp_xy_g(const Vec&, const Vec&, const Vec& v, Batch, Vec& out) const override {
    out = Vec::Constant(1, -v[0]);
  }

 private:
  double eps_;
};

/// Returns NaN from ∇_y g once x[0] exceeds a threshold.
class Poisoned : public Quad {
 public:
  Poisoned() : Quad(2, 3, 7) {}
  void grad_y_g(const Vec& x, const Vec& y, Batch b, Vec& out) const override {
    Quad::grad_y_g(x, y, b, out);
    if (++calls_ > 25) out[1] = std::numeric_limits<double>::quiet_NaN();
  }

 private:
  mutable int calls_ = 0;
};

double suboptimality(const Problem& p, const Vec& x) { return *p.value(x) - *p.optimal_value(); }

}  // namespace

TEST_CASE("deterministic solvers reach the closed-form minimizer of a quadratic", "[solvers]") {
  // Φ is a strongly convex quadratic here (∇²Φ ⪰ ρI, ρ = 0.1): each method with exact oracles
  // and a fixed step contracts linearly; after the budget below the suboptimality is at
  // rounding level for the exact-hypergradient methods (AID-CG, ITD with warm start, stocBiO
  // with Q = 10 terms has a bias (1 − ημ)^Q which the 1e-6 bound covers), and SOBA / MA-SOBA
  // / TTSA with their decaying or averaged steps are within the looser bound given.
  for (std::uint64_t seed = 0; seed < 3; ++seed) {
    Quad p(3, 4, seed);
    const Vec x0 = Vec::Zero(3), y0 = Vec::Zero(4);
    const double phi0 = suboptimality(p, x0);
    INFO("seed " << seed << ", initial suboptimality " << phi0);
    AidCgOptions aid;
    aid.max_iterations = 300;
    aid.outer_step = 1.0;
    aid.inner_step = 1.0;
    const auto ra = aid_cg(p, x0, y0, aid);
    CHECK(ra.run.termination == Termination::max_iterations);
    CHECK(suboptimality(p, ra.x) <= 1e-12 * std::max(1.0, phi0));
    CHECK((ra.x - *p.minimizer()).norm() <= 1e-5);

    ItdOptions it;
    it.max_iterations = 300;
    it.outer_step = 1.0;
    it.inner_step = 1.0;
    it.inner_steps = 80;  // (1 − γμ)^80 = 0.8^80 ≈ 1.8e-8: the unrolled bias
    const auto ri = itd(p, x0, y0, it);
    CHECK(suboptimality(p, ri.x) <= 1e-9);

    StocBioOptions sb;
    sb.max_iterations = 300;
    sb.outer_step = 1.0;
    sb.inner_step = 1.0;
    sb.neumann_step = 1.0;
    sb.neumann_terms = 80;
    const auto rs = stocbio(p, x0, y0, sb);
    CHECK(suboptimality(p, rs.x) <= 1e-9);

    MaSobaOptions ma;
    ma.max_iterations = 5000;
    ma.outer_step = 0.2;
    ma.inner_step = 0.5;
    const auto rm = ma_soba(p, x0, y0, ma);
    CHECK(suboptimality(p, rm.x) <= 1e-10);

    SobaOptions so;
    so.max_iterations = 5000;
    so.outer_step = 0.2;
    so.inner_step = 0.5;
    so.inner_decay = 0.0;
    so.outer_decay = 0.0;  // constant steps: exact oracles, linear convergence
    const auto rso = soba(p, x0, y0, so);
    CHECK(suboptimality(p, rso.x) <= 1e-10);

    F2saOptions f2;
    f2.max_iterations = 2000;
    f2.outer_step = 0.2;
    f2.inner_step = 0.5;
    f2.inner_steps = 20;
    f2.lambda_growth = 1.0;
    f2.lambda_max = 1e4;
    const auto rf = f2sa(p, x0, y0, f2);
    // The penalty bias of ∇Φ is O(1/λ) (λ reaches 2000 here); Φ − Φ* = O(bias²/μ_Φ).
    CHECK(suboptimality(p, rf.x) <= 1e-5 * std::max(1.0, phi0));

    BorepOptions bo;
    bo.max_iterations = 3000;
    bo.outer_step = 1e-2;
    bo.inner_step = 0.5;
    bo.aux_step = 0.5;
    const auto rb = borep(p, x0, y0, bo);
    // Normalized steps of length η never settle: x ends within a few η of x*, Φ − Φ* within
    // O(L_Φ η²) plus the tracking error of y and z (period 2, 3 steps of 0.5).
    CHECK((rb.x - *p.minimizer()).norm() <= 10 * bo.outer_step);

    TtsaOptions tt;
    tt.max_iterations = 3000;
    tt.outer_step = 1.0;
    tt.inner_step = 1.0;
    tt.neumann_step = 1.0;
    tt.neumann_terms = 20;
    const auto rt = ttsa(p, x0, y0, tt);
    // Decaying steps α_t ∝ t^{-0.6}; HIA's random depth p < Q makes v noisy (a factor up to Q)
    // even with exact oracles, and biased by (1 − ημ)^Q ≈ 1%: a hundredfold reduction.
    CHECK(suboptimality(p, rt.x) <= 1e-2 * phi0);
  }
}

TEST_CASE("one iteration gives the hypergradient estimate; ITD's bias shrinks with its depth", "[solvers]") {
  // With a single iteration, ĝ = (x0 − x1)/α. From y0 = y*(x0), AID-CG with enough CG steps is
  // exact (A is 4 x 4: CG is exact after 4 steps, up to rounding); ITD's error is the
  // unrolling bias, which decays like (1 − γμ)^K for γ <= 1/L.
  Quad p(3, 4, 11);
  const Vec x0 = Vec::Constant(3, 0.3);
  const Vec y0 = *p.lower_solution(x0);
  const Vec exact = *p.hypergradient(x0);
  AidCgOptions aid;
  aid.max_iterations = 1;
  aid.inner_steps = 1;
  aid.cg_iterations = 8;
  aid.outer_step = 1e-3;
  const auto ra = aid_cg(p, x0, y0, aid);
  CHECK(((x0 - ra.x) / aid.outer_step - exact).norm() <= 1e-10 * exact.norm());

  double previous = std::numeric_limits<double>::infinity();
  for (std::size_t k : {1, 4, 16, 64}) {
    ItdOptions it;
    it.max_iterations = 1;
    it.inner_steps = k;
    it.inner_step = 1.0;
    it.outer_step = 1e-3;
    const auto ri = itd(p, x0, y0, it);
    const double err = ((x0 - ri.x) / it.outer_step - exact).norm();
    INFO("K = " << k << ", error " << err);
    CHECK(err < previous);
    CHECK(err <= 2.0 * std::pow(0.8, double(k)) * (1.0 + exact.norm()) * 10);
    previous = err;
  }
  CHECK(previous <= 1e-5);
}

TEST_CASE("oracle counts follow each method's per-iteration cost", "[solvers]") {
  Quad p(2, 3, 3);
  const Vec x0 = Vec::Zero(2), y0 = Vec::Zero(3);
  StocBioOptions sb;
  sb.max_iterations = 7;
  sb.inner_steps = 4;
  sb.neumann_terms = 5;
  sb.check_curvature = false;
  const auto r = stocbio(p, x0, y0, sb);
  CHECK(r.oracle_counts.calls_of(Oracle::grad_y_g) == 7 * 4);
  CHECK(r.oracle_counts.calls_of(Oracle::hvp_yy_g) == 7 * 5);
  CHECK(r.oracle_counts.calls_of(Oracle::jvp_xy_g) == 7);
  CHECK(r.oracle_counts.calls_of(Oracle::grad_x_f) == 7);
  CHECK(r.oracle_counts.calls_of(Oracle::grad_y_f) == 7);
  CHECK(r.run.evaluations == r.oracle_counts.total_calls());
  CHECK(r.run.iterations == 7);

  BorepOptions bo;
  bo.max_iterations = 10;
  bo.period = 3;
  bo.lower_steps = 2;
  bo.refine_epochs = 2;
  bo.refine_steps = 5;
  const auto rb = borep(p, x0, y0, bo);
  // Refinement 5 + 10 steps; periodic updates at t = 3, 6, 9: 3 x 2 steps.
  CHECK(rb.oracle_counts.calls_of(Oracle::grad_y_g) == 15 + 6);
  CHECK(rb.oracle_counts.calls_of(Oracle::hvp_yy_g) == 10);
  CHECK(rb.oracle_counts.calls_of(Oracle::jvp_xy_g) == 10);
  // The curvature checks' HVPs are counted apart.
  CHECK(rb.curvature.checks == 2);
  CHECK(rb.curvature.oracle_calls == 2 * 3);  // Lanczos: at most d_y = 3 steps per check

  ItdOptions it;
  it.max_iterations = 3;
  it.inner_steps = 6;
  const auto ri = itd(p, x0, y0, it);
  CHECK(ri.oracle_counts.calls_of(Oracle::grad_y_g) == 18);
  CHECK(ri.oracle_counts.calls_of(Oracle::hvp_yy_g) == 18);
  CHECK(ri.oracle_counts.calls_of(Oracle::jvp_xy_g) == 18);
}

TEST_CASE("mini-batches: a seed reproduces a run, another seed differs, counts by samples", "[solvers]") {
  Quad p(3, 4, 5, /*samples=*/64);
  const Vec x0 = Vec::Zero(3), y0 = Vec::Zero(4);
  for (const std::string& name : solver_names()) {
    INFO(name);
    SolverOptions common;
    common.max_iterations = 20;
    common.batch_size = 8;
    common.seed = 3;
    const auto a = solve(p, x0, y0, name, common);
    const auto b = solve(p, x0, y0, name, common);
    CHECK(a.x == b.x);  // bit for bit
    CHECK(a.y == b.y);
    common.seed = 4;
    const auto c = solve(p, x0, y0, name, common);
    CHECK(a.x != c.x);
    // Every g oracle used 8 samples per call; f is not a finite sum here (1 per call).
    CHECK(a.oracle_counts.samples_of(Oracle::grad_y_g) == 8 * a.oracle_counts.calls_of(Oracle::grad_y_g));
    CHECK(a.oracle_counts.samples_of(Oracle::grad_y_f) == a.oracle_counts.calls_of(Oracle::grad_y_f));
  }
}

TEST_CASE("stochastic solvers approach the minimizer on a finite-sum quadratic", "[solvers]") {
  // Mini-batch noise (batch 8 of 64 on a diagonal perturbation of A of size 0.1/√8) leaves a
  // noise floor; the test asks for a tenfold reduction of the initial suboptimality after
  // 2000 iterations, far above that floor and far below the starting value.
  Quad p(3, 4, 9, 64);
  const Vec x0 = Vec::Constant(3, 1.0), y0 = Vec::Zero(4);
  const double phi0 = suboptimality(p, x0);
  SolverOptions common;
  common.max_iterations = 2000;
  common.batch_size = 8;
  common.trace_every = 0;
  // The Neumann-series methods need η·Q large enough that their bias (1 − ημ)^Q (μ = 0.2)
  // is small: η = 1 (= 1/L), Q = 20.
  const std::vector<std::pair<std::string, std::vector<std::string>>> runs{
      {"soba", {}}, {"ma-soba", {}}, {"aid-cg", {}},
      {"stocbio", {"neumann_step=1", "neumann_terms=20"}},
      {"ttsa", {"neumann_step=1", "neumann_terms=20"}}};
  for (const auto& [name, extra] : runs) {
    INFO(name);
    std::vector<std::string> settings{"outer_step=0.5", "inner_step=0.5"};
    settings.insert(settings.end(), extra.begin(), extra.end());
    const auto r = solve(p, x0, y0, name, common, settings);
    CHECK(suboptimality(p, r.x) <= 0.1 * phi0);
  }
}

TEST_CASE("BO-REP converges where a fixed step diverges or stalls (unbounded smoothness)", "[solvers]") {
  // g = ½‖y‖² − xᵀy (y* = x), f = Σ cosh(y_j − c_j): Φ(x) = Σ cosh(x_j − c_j), x* = c, Φ* = d.
  // ∇²Φ = diag(cosh) grows with ‖∇Φ‖ = ‖sinh‖: from x0 = c + 12 (sinh 12 ≈ 8e4) a fixed step
  // above about 3e-4 throws x to where cosh overflows, and one below it moves at most 3e-4·‖x −
  // c‖ per iteration near x*: over 600 iterations it stalls. BO-REP's steps have length η
  // whatever ‖∇Φ‖: 12√2/0.05 ≈ 340 steps to x*, then it stays within a few η.
  class Cosh : public Problem {
   public:
    std::string name() const override { return "test-cosh"; }
    Eigen::Index dim_x() const override { return 2; }
    Eigen::Index dim_y() const override { return 2; }
    Vec c() const { return Vec::LinSpaced(2, -0.5, 0.5); }
    double f(const Vec&, const Vec& y, Batch) const override { return (y - c()).array().cosh().sum(); }
    double g(const Vec& x, const Vec& y, Batch) const override { return 0.5 * y.squaredNorm() - x.dot(y); }
    void grad_x_f(const Vec&, const Vec&, Batch, Vec& out) const override { out = Vec::Zero(2); }
    void grad_y_f(const Vec&, const Vec& y, Batch, Vec& out) const override { out = (y - c()).array().sinh(); }
    void grad_y_g(const Vec& x, const Vec& y, Batch, Vec& out) const override { out = y - x; }
    void hvp_yy_g(const Vec&, const Vec&, const Vec& v, Batch, Vec& out) const override { out = v; }
    void jvp_xy_g(const Vec&, const Vec&, const Vec& v, Batch, Vec& out) const override { out = -v; }
    std::optional<Vec> lower_solution(const Vec& x) const override { return x; }
    std::optional<Vec> hypergradient(const Vec& x) const override { return Vec((x - c()).array().sinh()); }
    std::optional<double> value(const Vec& x) const override { return (x - c()).array().cosh().sum(); }
    std::optional<double> optimal_value() const override { return 2.0; }
  } p;
  const Vec x0 = p.c().array() + 12.0;
  const Vec y0 = x0;
  BorepOptions bo;
  bo.max_iterations = 600;
  bo.outer_step = 0.05;
  bo.inner_step = 0.5;
  bo.aux_step = 0.5;
  bo.momentum = 0.5;
  const auto rb = borep(p, x0, y0, bo);
  CHECK(rb.run.termination == Termination::max_iterations);
  CHECK(suboptimality(p, rb.x) <= 0.05);

  AidCgOptions big;
  big.max_iterations = 600;
  big.outer_step = 0.5;
  big.inner_step = 1.0;
  const auto rbig = aid_cg(p, x0, y0, big);
  CHECK(rbig.run.termination == Termination::numerical_failure);  // overflow: diverged
  CHECK_THAT(rbig.run.message, Contains("inf"));

  AidCgOptions small = big;
  small.outer_step = 2e-4;
  const auto rsmall = aid_cg(p, x0, y0, small);
  CHECK(rsmall.run.termination == Termination::max_iterations);
  CHECK(suboptimality(p, rsmall.x) > 10 * suboptimality(p, rb.x));  // stalled
}

TEST_CASE("a lower level that is not strongly convex is detected and reported", "[solvers]") {
  const Vec x0 = Vec::Constant(1, 2.0), y0 = Vec::Zero(2);
  for (const std::string& name : solver_names()) {
    if (name == "f2sa") continue;  // this problem has no ∇_x g
    INFO(name);
    SolverOptions common;
    common.max_iterations = 50;
    const auto bad = solve(Degenerate(0.0), x0, y0, name, common);
    CHECK(bad.run.termination == Termination::numerical_failure);
    CHECK_FALSE(bad.curvature.strongly_convex);
    CHECK(bad.run.iterations == 0);  // found at the start
    CHECK_THAT(bad.run.message, Contains("not strongly convex"));
    const auto good = solve(Degenerate(0.5), x0, y0, name, common);
    CHECK(good.curvature.strongly_convex);
    CHECK(good.curvature.min_ritz == Approx(0.5).epsilon(1e-12));  // exact in 2 Lanczos steps
    CHECK(good.run.termination != Termination::numerical_failure);
  }
  SolverOptions off;
  off.check_curvature = false;
  off.max_iterations = 5;
  CHECK_FALSE(solve(Degenerate(0.0), x0, y0, "soba", off).curvature.checked);
}

TEST_CASE("a non-finite oracle value ends the run with the oracle and the iteration", "[solvers]") {
  Poisoned p;
  AidCgOptions o;
  o.inner_steps = 10;
  const auto r = aid_cg(p, Vec::Zero(2), Vec::Zero(3), o);
  CHECK(r.run.termination == Termination::numerical_failure);
  CHECK_THAT(r.run.message, Contains("grad_y_g") && Contains("iteration 3") && Contains("nan"));
  CHECK(r.run.iterations == 2);
}

TEST_CASE("callback, cancellation and the oracle budget stop a run", "[solvers]") {
  Quad p(2, 3, 1);
  const Vec x0 = Vec::Zero(2), y0 = Vec::Zero(3);
  SobaOptions o;
  o.callback = [](const IterationInfo& info) { return info.iteration < 5; };
  auto r = soba(p, x0, y0, o);
  CHECK(r.run.termination == Termination::user_stopped);
  CHECK(r.run.iterations == 5);

  CancellationFlag flag;
  flag.cancel();
  SobaOptions oc;
  oc.cancel = &flag;
  r = soba(p, x0, y0, oc);
  CHECK(r.run.termination == Termination::user_stopped);
  CHECK(r.run.iterations == 0);
  CHECK(r.x == x0);

  SobaOptions ob;
  ob.max_oracle_calls = 100;  // 5 calls per SOBA iteration
  r = soba(p, x0, y0, ob);
  CHECK(r.run.termination == Termination::max_evaluations);
  CHECK(r.run.iterations == 20);

  SobaOptions og;
  og.gradient_tolerance = 1e-6;
  og.max_iterations = 100000;
  og.inner_decay = og.outer_decay = 0.0;
  og.outer_step = og.inner_step = 0.5;
  r = soba(p, x0, y0, og);
  CHECK(r.run.termination == Termination::converged);
  CHECK(p.hypergradient(r.x)->norm() <= 1e-6);
  CHECK(r.trace.back().gradient_norm <= 1e-6);
}

TEST_CASE("the trace records iterations, oracle calls and closed-form columns", "[solvers]") {
  Quad p(2, 3, 2);
  MaSobaOptions o;
  o.max_iterations = 25;
  o.trace_every = 10;
  const auto r = ma_soba(p, Vec::Zero(2), Vec::Zero(3), o);
  REQUIRE(r.trace.size() == 4);  // 0, 10, 20 and the end (25)
  CHECK(r.trace[0].iteration == 0);
  CHECK(r.trace[3].iteration == 25);
  CHECK(r.trace[3].oracle_calls == r.oracle_counts.total_calls());
  CHECK(r.trace[0].value == Approx(*p.value(Vec::Zero(2))));
  CHECK(r.trace[3].gradient_norm == Approx(p.hypergradient(r.x)->norm()));
  CHECK(r.trace[3].inner_distance == Approx((r.y - *p.lower_solution(r.x)).norm()));
  CHECK(r.trace[2].seconds >= r.trace[1].seconds);
}

TEST_CASE("bad options and inputs are refused with the field named", "[solvers]") {
  Quad p(2, 3, 1);
  const Vec x0 = Vec::Zero(2), y0 = Vec::Zero(3);
  BorepOptions b;
  b.outer_step = -1;
  CHECK_THROWS_WITH(borep(p, x0, y0, b), Contains("outer_step") && Contains("-1"));
  b = {};
  b.momentum = 1.0;
  CHECK_THROWS_WITH(borep(p, x0, y0, b), Contains("momentum"));
  b = {};
  b.period = 0;
  CHECK_THROWS_WITH(borep(p, x0, y0, b), Contains("period"));
  SobaOptions s;
  s.max_iterations = 0;
  CHECK_THROWS_WITH(soba(p, x0, y0, s), Contains("max_iterations"));
  s = {};
  s.batch_size = -2;
  CHECK_THROWS_WITH(soba(p, x0, y0, s), Contains("batch_size"));
  CHECK_THROWS_WITH(soba(p, Vec::Zero(3), y0), Contains("x0") && Contains("dim_x"));
  CHECK_THROWS_WITH(soba(p, x0, Vec::Zero(2)), Contains("y0"));
  Vec bad = x0;
  bad[1] = std::nan("");
  CHECK_THROWS_WITH(soba(p, bad, y0), Contains("x0"));
  F2saOptions f;
  f.lambda_max = 0.5;
  CHECK_THROWS_WITH(f2sa(p, x0, y0, f), Contains("lambda_max"));
  CHECK_THROWS_WITH(f2sa(Degenerate(1.0), Vec::Zero(1), Vec::Zero(2)), Contains("grad_x_g"));

  CHECK_THROWS_WITH(solve(p, x0, y0, "newton"), Contains("newton") && Contains("borep"));
  const std::vector<std::string> unknown{"step=1"};
  CHECK_THROWS_WITH(solve(p, x0, y0, "soba", {}, unknown), Contains("step=1") && Contains("outer_step"));
  const std::vector<std::string> nonumber{"outer_step=fast"};
  CHECK_THROWS_WITH(solve(p, x0, y0, "soba", {}, nonumber), Contains("outer_step=fast"));
  const std::vector<std::string> negative{"outer_step=-0.1"};
  CHECK_THROWS_WITH(solve(p, x0, y0, "soba", {}, negative), Contains("outer_step"));
  CHECK(solver_settings("borep").size() == 9);
  CHECK_THROWS_AS(solver_settings("x"), sampo::invalid_argument);
}

TEST_CASE("solve by name applies the settings to the solver's own options", "[solvers]") {
  Quad p(2, 3, 4);
  const Vec x0 = Vec::Zero(2), y0 = Vec::Zero(3);
  SolverOptions common;
  common.max_iterations = 30;
  const std::vector<std::string> settings{"outer_step=0.2", "inner_steps=3", "warm_start=false"};
  const auto by_name = solve(p, x0, y0, "aid-cg", common, settings);
  AidCgOptions o;
  o.max_iterations = 30;
  o.outer_step = 0.2;
  o.inner_steps = 3;
  o.warm_start = false;
  const auto direct = aid_cg(p, x0, y0, o);
  CHECK(by_name.x == direct.x);
  CHECK(by_name.solver == "aid-cg");
}

TEST_CASE("settings_of: the table solve() and the Python keywords share", "[solvers]") {
  // Its keys are solver_settings' (one table), and its pointers reach the struct's fields.
  AidCgOptions a;
  const std::vector<SolverSetting> table = settings_of(a);
  std::vector<std::string> keys;
  for (const SolverSetting& s : table) keys.emplace_back(s.name);
  CHECK(keys == solver_settings("aid-cg"));
  *std::get<double*>(table[0].field) = 0.25;     // outer_step
  *std::get<std::size_t*>(table[2].field) = 7;   // inner_steps
  *std::get<bool*>(table[5].field) = false;      // warm_start
  CHECK(a.outer_step == 0.25);
  CHECK(a.inner_steps == 7);
  CHECK(!a.warm_start);
  // Every solver's table has its solver_settings() keys, in order, and no key twice.
  const auto check = [](auto options, const char* name) {
    std::vector<std::string> k;
    for (const SolverSetting& s : settings_of(options)) k.emplace_back(s.name);
    CHECK(k == solver_settings(name));
    std::vector<std::string> sorted = k;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  };
  check(BorepOptions{}, "borep");
  check(ItdOptions{}, "itd");
  check(StocBioOptions{}, "stocbio");
  check(TtsaOptions{}, "ttsa");
  check(SobaOptions{}, "soba");
  check(MaSobaOptions{}, "ma-soba");
  check(F2saOptions{}, "f2sa");
}

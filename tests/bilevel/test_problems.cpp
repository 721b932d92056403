#include "sampo/bilevel/problems.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "sampo/bilevel/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/random_stream.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::bilevel;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// The fixture seeds of a sweep: three draws per test, redrawn by $SAMPO_TEST_SEED.
std::vector<std::uint64_t> seeds() {
  const std::uint64_t base = sampo::testing::fixture_seed();
  return {base, base + 1, base + 2};
}

VectorXd normal_vector(Index n, std::uint64_t seed, std::uint64_t stream, double scale = 1.0) {
  return scale * parallel::RandomStream(seed, stream).normal_vector(n);
}

// ‖a − b‖∞ / max(1, ‖a‖∞, ‖b‖∞).
double rel_diff(const VectorXd& a, const VectorXd& b) {
  REQUIRE(a.size() == b.size());
  const double scale = std::max({1.0, a.lpNorm<Eigen::Infinity>(), b.lpNorm<Eigen::Infinity>()});
  return (a - b).lpNorm<Eigen::Infinity>() / scale;
}
double rel_diff(double a, double b) {
  return std::abs(a - b) / std::max({1.0, std::abs(a), std::abs(b)});
}

// check_oracles at (x, y) with the default options (step 1e-5, tolerance 1e-6: see check.hpp
// for the error model); INFO shows the failing rows.
void require_oracles_pass(const Problem& problem, const VectorXd& x, const VectorXd& y,
                          std::uint64_t seed) {
  OracleCheckOptions options;
  options.seed = seed;
  const OracleCheckResult r = check_oracles(problem, x, y, options);
  INFO(problem.name() << ": " << r.run.message);
  for (const OracleCheckRow& row : r.rows)
    if (!row.passed)
      UNSCOPED_INFO(row.oracle << " direction " << row.direction << ": analytic " << row.analytic
                               << ", numerical " << row.numerical << ", error " << row.error);
  CHECK(r.passed);
  CHECK_FALSE(r.rows.empty());
  for (const OracleCheckRow& row : r.rows) CHECK(row.rounding < options.tolerance);  // O(1) values
}

// Central differences of Φ = value() along each coordinate: exact for a quadratic Φ up to
// rounding (eps·|Φ|/h), O(h²·Φ''') otherwise.
VectorXd fd_hypergradient(const Problem& problem, const VectorXd& x, double h) {
  VectorXd g(x.size());
  for (Index i = 0; i < x.size(); ++i) {
    VectorXd xp = x, xm = x;
    xp(i) += h;
    xm(i) -= h;
    g(i) = (*problem.value(xp) - *problem.value(xm)) / (2 * h);
  }
  return g;
}

// Unbiasedness (problem.hpp): the mean over the n single-sample batches {i} of an oracle equals
// the full oracle. Both sides add the same n terms in different orders (each single estimate
// is n·t_i + deterministic part, or t_i + deterministic part for a mean): the difference is
// bounded by about n·eps·mean|single estimate| (recursive summation, Higham §4.2); 64x margin
// for the rounding inside each term.
void check_mean_of_singles(const char* what, Index n, const std::function<VectorXd(Batch)>& oracle) {
  const VectorXd full = oracle({});
  VectorXd sum = VectorXd::Zero(full.size()), abs_sum = VectorXd::Zero(full.size());
  for (Index i = 0; i < n; ++i) {
    const Index idx[1] = {i};
    const VectorXd single = oracle(Batch(idx, 1));
    sum += single;
    abs_sum += single.cwiseAbs();
  }
  const VectorXd mean = sum / static_cast<double>(n);
  const double scale = std::max(1.0, (abs_sum / static_cast<double>(n)).lpNorm<Eigen::Infinity>());
  INFO(what << ": full " << full.transpose() << ", mean of singles " << mean.transpose());
  CHECK((mean - full).lpNorm<Eigen::Infinity>() <= 64.0 * static_cast<double>(n) * kEps * scale);
}

void check_unbiased(const Problem& p, const VectorXd& x, const VectorXd& y, const VectorXd& v) {
  const Index n = p.inner_samples(), m = p.outer_samples();
  REQUIRE(n > 0);
  REQUIRE(m > 0);
  VectorXd out;
  check_mean_of_singles("f", m, [&](Batch b) { return VectorXd::Constant(1, p.f(x, y, b)); });
  check_mean_of_singles("g", n, [&](Batch b) { return VectorXd::Constant(1, p.g(x, y, b)); });
  check_mean_of_singles("grad_x_f", m, [&](Batch b) { p.grad_x_f(x, y, b, out); return out; });
  check_mean_of_singles("grad_y_f", m, [&](Batch b) { p.grad_y_f(x, y, b, out); return out; });
  check_mean_of_singles("grad_x_g", n, [&](Batch b) { p.grad_x_g(x, y, b, out); return out; });
  check_mean_of_singles("grad_y_g", n, [&](Batch b) { p.grad_y_g(x, y, b, out); return out; });
  check_mean_of_singles("hvp_yy_g", n, [&](Batch b) { p.hvp_yy_g(x, y, v, b, out); return out; });
  check_mean_of_singles("jvp_xy_g", n, [&](Batch b) { p.jvp_xy_g(x, y, v, b, out); return out; });
}

// Out-of-range batch indices are refused by every batched oracle, naming 'batch' and the index.
void check_batch_range(const Problem& p, const VectorXd& x, const VectorXd& y) {
  const Index bad_inner[2] = {0, p.inner_samples()};
  const Index bad_outer[1] = {-1};
  VectorXd out;
  const std::string bad_index = std::to_string(p.inner_samples());
  SAMPO_REQUIRE_THROWS_WITH(p.g(x, y, Batch(bad_inner, 2)), sampo::invalid_argument, "'batch'",
                            bad_index.c_str(), "entry 1");
  SAMPO_REQUIRE_THROWS_WITH(p.f(x, y, Batch(bad_outer, 1)), sampo::invalid_argument, "'batch'", "-1");
  SAMPO_REQUIRE_THROWS_WITH(p.hvp_yy_g(x, y, y, Batch(bad_inner, 2), out), sampo::invalid_argument,
                            "'batch'");
  SAMPO_REQUIRE_THROWS_WITH(p.jvp_xy_g(x, y, y, Batch(bad_inner, 2), out), sampo::invalid_argument,
                            "'batch'");
  SAMPO_REQUIRE_THROWS_WITH(p.grad_y_f(x, y, Batch(bad_outer, 1), out), sampo::invalid_argument,
                            "'batch'");
  SAMPO_REQUIRE_THROWS_WITH(p.grad_y_g(x, y, Batch(bad_inner, 2), out), sampo::invalid_argument,
                            "'batch'");
}

// Wrong sizes of x, y, v are refused, naming the argument.
void check_sizes_refused(const Problem& p) {
  const VectorXd x = VectorXd::Zero(p.dim_x()), y = VectorXd::Zero(p.dim_y());
  const VectorXd bad_x = VectorXd::Zero(p.dim_x() + 1), bad_y = VectorXd::Zero(p.dim_y() + 1);
  VectorXd out;
  SAMPO_REQUIRE_THROWS_WITH(p.f(bad_x, y, {}), sampo::invalid_argument, "'x'");
  SAMPO_REQUIRE_THROWS_WITH(p.g(x, bad_y, {}), sampo::invalid_argument, "'y'");
  SAMPO_REQUIRE_THROWS_WITH(p.hvp_yy_g(x, y, bad_y, {}, out), sampo::invalid_argument, "'v'");
  SAMPO_REQUIRE_THROWS_WITH(p.jvp_xy_g(x, y, bad_y, {}, out), sampo::invalid_argument, "'v'");
  SAMPO_REQUIRE_THROWS_WITH(p.grad_x_f(bad_x, y, {}, out), sampo::invalid_argument, "'x'");
  SAMPO_REQUIRE_THROWS_WITH(p.grad_y_g(x, bad_y, {}, out), sampo::invalid_argument, "'y'");
  SAMPO_REQUIRE_THROWS_WITH(check_oracles(p, bad_x, y), sampo::invalid_argument, "'x'");
  SAMPO_REQUIRE_THROWS_WITH(solve_lower_level(p, x, bad_y), sampo::invalid_argument, "'y0'");
}

QuadraticData tiny_quadratic() {
  // d_x = d_y = 1: g = y² + xy + y, f = ½y² + ½x². y* = −(x + 1)/2, Φ = (x + 1)²/8 + x²/2,
  // ∇²Φ = 5/4, x* = −1/5, Φ* = (4/5)²/8 + 1/50 = 1/10.
  QuadraticData d;
  d.A = MatrixXd::Constant(1, 1, 2.0);
  d.B = MatrixXd::Zero(1, 1);
  d.C = MatrixXd::Constant(1, 1, 1.0);
  d.a = VectorXd::Constant(1, 1.0);
  d.b = VectorXd::Zero(1);
  d.F = MatrixXd::Constant(1, 1, 1.0);
  d.H = MatrixXd::Constant(1, 1, 1.0);
  d.K = MatrixXd::Zero(1, 1);
  d.f0 = VectorXd::Zero(1);
  d.h = VectorXd::Zero(1);
  return d;
}

}  // namespace

// ------------------------------------------------------------------------------------------

TEST_CASE("quadratic: hand-computed closed forms", "[bilevel][problems]") {
  const QuadraticProblem p(tiny_quadratic());
  const VectorXd x = VectorXd::Constant(1, 0.6);
  // Tolerances: a few operations on O(1) numbers, each rounded once: 8 ulps.
  CHECK((*p.lower_solution(x))(0) == Approx(-0.8).epsilon(8 * kEps));
  CHECK(*p.value(x) == Approx(1.6 * 1.6 / 8 + 0.18).epsilon(8 * kEps));
  CHECK((*p.hypergradient(x))(0) == Approx(1.6 / 4 + 0.6).epsilon(8 * kEps));
  CHECK(p.hessian()(0, 0) == Approx(1.25).epsilon(8 * kEps));
  REQUIRE(p.minimizer());
  CHECK((*p.minimizer())(0) == Approx(-0.2).epsilon(8 * kEps));
  CHECK(*p.optimal_value() == Approx(0.1).epsilon(8 * kEps));

  // An indefinite ∇²Φ (H = −1: ∇²Φ = −3/4): no minimizer, no Φ*.
  QuadraticData d = tiny_quadratic();
  d.H(0, 0) = -1.0;
  const QuadraticProblem q(d);
  CHECK(q.hessian()(0, 0) == Approx(-0.75).epsilon(8 * kEps));
  CHECK_FALSE(q.minimizer());
  CHECK_FALSE(q.optimal_value());
}

TEST_CASE("quadratic: oracles, hypergradient, minimizer on random problems", "[bilevel][problems]") {
  for (const std::uint64_t seed : seeds()) {
    CAPTURE(seed);
    QuadraticProblemOptions o;
    o.dim_x = 4;
    o.dim_y = 6;
    o.coupling = 0.5;  // large enough that the shift of H may be needed
    o.seed = seed;
    const QuadraticProblem p = make_quadratic(o);
    REQUIRE(p.dim_x() == 4);
    REQUIRE(p.dim_y() == 6);
    const VectorXd x = normal_vector(4, seed, 101), y = normal_vector(6, seed, 102);
    require_oracles_pass(p, x, y, seed);

    // ∇²Φ >= mu·I after the shift (eigenvalues to rounding: 1e-12 relative).
    const double lmin =
        Eigen::SelfAdjointEigenSolver<MatrixXd>(p.hessian()).eigenvalues().minCoeff();
    CHECK(lmin >= o.mu * (1 - 1e-12));
    // y*(x) makes ∇_y g vanish: ‖A y* + Cᵀx + a‖ is rounding, κ(A)·eps·scale (κ <= L/mu = 10).
    VectorXd grad;
    const VectorXd ystar = *p.lower_solution(x);
    p.grad_y_g(x, ystar, {}, grad);
    CHECK(grad.lpNorm<Eigen::Infinity>() <= 1e-12 * std::max(1.0, ystar.lpNorm<Eigen::Infinity>()));

    // Φ is quadratic: central differences have no truncation error, only rounding
    // eps·|Φ|/h = 2e-13·|Φ| for h = 1e-3; 1e-8 leaves a wide margin.
    const VectorXd hg = *p.hypergradient(x);
    CHECK(rel_diff(hg, fd_hypergradient(p, x, 1e-3)) <= 1e-8 * std::max(1.0, std::abs(*p.value(x))));
    // Implicit differentiation at y*(x), CG to 1e-12: κ(A)·1e-12 relative, 1e-9 with margin.
    CHECK(rel_diff(hg, implicit_hypergradient(p, x, ystar)) <= 1e-9);
    // The quadratic's own Hessian: ∇Φ(x + δ) − ∇Φ(x) = ∇²Φ δ exactly (rounding only).
    const VectorXd delta = normal_vector(4, seed, 103);
    CHECK(rel_diff(VectorXd(*p.hypergradient(x + delta) - hg), VectorXd(p.hessian() * delta)) <= 1e-10);

    // x*: zero hypergradient (κ(∇²Φ)·eps scale), Φ* = Φ(x*) below Φ at perturbed points.
    REQUIRE(p.minimizer());
    const VectorXd xs = *p.minimizer();
    CHECK(p.hypergradient(xs)->lpNorm<Eigen::Infinity>() <= 1e-10 * std::max(1.0, xs.lpNorm<Eigen::Infinity>()));
    CHECK(*p.optimal_value() == *p.value(xs));
    for (int k = 0; k < 3; ++k)
      CHECK(*p.value(xs + 0.1 * normal_vector(4, seed, 110 + k)) > *p.optimal_value());
  }
}

TEST_CASE("quadratic: bad input names the argument", "[bilevel][problems]") {
  QuadraticData d = tiny_quadratic();
  d.A(0, 0) = -1.0;
  SAMPO_REQUIRE_THROWS_WITH(QuadraticProblem(d), sampo::not_spd_error, "data.A", "smallest eigenvalue");
  d = tiny_quadratic();
  d.C(0, 0) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(QuadraticProblem(d), sampo::invalid_argument, "data.C", "finite");
  d = tiny_quadratic();
  d.K = MatrixXd::Zero(2, 1);
  SAMPO_REQUIRE_THROWS_WITH(QuadraticProblem(d), sampo::invalid_argument, "data.K", "shape");
  d = tiny_quadratic();
  d.f0 = VectorXd::Zero(3);
  SAMPO_REQUIRE_THROWS_WITH(QuadraticProblem(d), sampo::invalid_argument, "data.f0");
  d = tiny_quadratic();
  d.H = MatrixXd::Zero(2, 2);
  SAMPO_REQUIRE_THROWS_WITH(QuadraticProblem(d), sampo::invalid_argument, "data.H");
  d = tiny_quadratic();
  d.g0 = std::numeric_limits<double>::infinity();
  SAMPO_REQUIRE_THROWS_WITH(QuadraticProblem(d), sampo::invalid_argument, "data.g0");
  d.g0 = 0.0;
  d.B = MatrixXd(2, 2);
  d.B << 1, 2, 3, 4;
  d.C = MatrixXd::Zero(2, 1);
  d.H = MatrixXd::Identity(2, 2);
  d.K = MatrixXd::Zero(2, 1);
  d.b = d.h = VectorXd::Zero(2);
  SAMPO_REQUIRE_THROWS_WITH(QuadraticProblem(d), sampo::invalid_argument, "data.B", "symmetric");

  QuadraticProblemOptions o;
  o.mu = 0.0;
  SAMPO_REQUIRE_THROWS_WITH(make_quadratic(o), sampo::invalid_argument, "'mu'");
  o = {};
  o.L = 0.05;  // < mu = 0.1
  SAMPO_REQUIRE_THROWS_WITH(make_quadratic(o), sampo::invalid_argument, "'L'");
  o = {};
  o.dim_x = 0;
  SAMPO_REQUIRE_THROWS_WITH(make_quadratic(o), sampo::invalid_argument, "'dim_x'");
  o = {};
  o.coupling = -1;
  SAMPO_REQUIRE_THROWS_WITH(make_quadratic(o), sampo::invalid_argument, "'coupling'");

  check_sizes_refused(make_quadratic());
  SAMPO_REQUIRE_THROWS_WITH(make_quadratic().lower_solution(VectorXd::Zero(3)), sampo::invalid_argument, "'x'");
}

// ------------------------------------------------------------------------------------------

namespace {
StochasticQuadraticProblem small_stochastic(std::uint64_t seed) {
  StochasticQuadraticOptions o;
  o.dim_x = 3;
  o.dim_y = 4;
  o.inner_samples = 40;
  o.outer_samples = 30;
  o.seed = seed;
  return make_stochastic_quadratic(o);
}
}  // namespace

TEST_CASE("stochastic quadratic: full sums are means(), single batches are unbiased",
          "[bilevel][problems]") {
  for (const std::uint64_t seed : seeds()) {
    CAPTURE(seed);
    const StochasticQuadraticProblem p = small_stochastic(seed);
    REQUIRE(p.inner_samples() == 40);
    REQUIRE(p.outer_samples() == 30);
    const VectorXd x = normal_vector(3, seed, 201), y = normal_vector(4, seed, 202);
    const VectorXd v = normal_vector(4, seed, 203);
    require_oracles_pass(p, x, y, seed);
    require_oracles_pass(p.means(), x, y, seed);

    // Full-batch oracles against the means' closed forms: the same sums in another order and
    // grouping, n·eps·(entries of size O(1..10)) ≈ 1e-13; 1e-12.
    const QuadraticProblem& q = p.means();
    CHECK(rel_diff(p.f(x, y, {}), q.f(x, y, {})) <= 1e-12);
    CHECK(rel_diff(p.g(x, y, {}), q.g(x, y, {})) <= 1e-12);
    VectorXd a, b;
    p.grad_x_f(x, y, {}, a), q.grad_x_f(x, y, {}, b);
    CHECK(rel_diff(a, b) <= 1e-12);
    p.grad_y_f(x, y, {}, a), q.grad_y_f(x, y, {}, b);
    CHECK(rel_diff(a, b) <= 1e-12);
    p.grad_x_g(x, y, {}, a), q.grad_x_g(x, y, {}, b);
    CHECK(rel_diff(a, b) <= 1e-12);
    p.grad_y_g(x, y, {}, a), q.grad_y_g(x, y, {}, b);
    CHECK(rel_diff(a, b) <= 1e-12);
    p.hvp_yy_g(x, y, v, {}, a), q.hvp_yy_g(x, y, v, {}, b);
    CHECK(rel_diff(a, b) <= 1e-12);
    p.jvp_xy_g(x, y, v, {}, a), q.jvp_xy_g(x, y, v, {}, b);
    CHECK(rel_diff(a, b) <= 1e-12);

    check_unbiased(p, x, y, v);

    // A repeated index counts twice: est({0, 0, 1}) = (2·est({0}) + est({1}))/3 (mean-type
    // batches; the mu term is common to all three). A few roundings: 1e-14.
    const Index rep[3] = {0, 0, 1}, i0[1] = {0}, i1[1] = {1};
    p.grad_y_g(x, y, Batch(rep, 3), a);
    VectorXd e0, e1;
    p.grad_y_g(x, y, Batch(i0, 1), e0);
    p.grad_y_g(x, y, Batch(i1, 1), e1);
    CHECK(rel_diff(a, VectorXd((2 * e0 + e1) / 3)) <= 1e-14);

    // Closed forms delegate to means(); Φ is convex with ∇²Φ >= rho·I, so x* exists.
    // ∇Φ(x*) is rounding amplified by κ(∇²Φ) <= ~1/rho = 100 on O(1) data: 1e-9 with margin.
    REQUIRE(p.minimizer());
    CHECK(p.hypergradient(*p.minimizer())->lpNorm<Eigen::Infinity>() <= 1e-9);
    CHECK(*p.optimal_value() == *q.optimal_value());
    // CG to 1e-12 on A (κ <= 1/mu = 10): 1e-9 with margin.
    CHECK(rel_diff(*p.hypergradient(x), implicit_hypergradient(p, x, *p.lower_solution(x))) <= 1e-9);
  }
}

TEST_CASE("stochastic quadratic: generator scale and bad input", "[bilevel][problems]") {
  StochasticQuadraticOptions o;
  o.dim_x = 5;
  o.dim_y = 20;
  o.inner_samples = 2000;
  o.mu = 0.1;
  o.seed = sampo::testing::fixture_seed();
  const StochasticQuadraticProblem p = make_stochastic_quadratic(o);
  // λ_max((1/n)aᵀa) ≈ 1 by Marchenko–Pastur; at d/n = 0.01 the fluctuations are a few percent.
  const double lmax = Eigen::SelfAdjointEigenSolver<MatrixXd>(p.means().data().A).eigenvalues().maxCoeff();
  CHECK(lmax - o.mu == Approx(1.0).epsilon(0.1));

  StochasticQuadraticData d = small_stochastic(0).data();
  StochasticQuadraticData bad = d;
  bad.mu = 0.0;
  SAMPO_REQUIRE_THROWS_WITH(StochasticQuadraticProblem(bad), sampo::invalid_argument, "data.mu");
  bad = d;
  bad.rho = -1.0;
  SAMPO_REQUIRE_THROWS_WITH(StochasticQuadraticProblem(bad), sampo::invalid_argument, "data.rho");
  bad = d;
  bad.r = VectorXd::Zero(3);
  SAMPO_REQUIRE_THROWS_WITH(StochasticQuadraticProblem(bad), sampo::invalid_argument, "data.r");
  bad = d;
  bad.a(2, 1) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(StochasticQuadraticProblem(bad), sampo::invalid_argument, "data.a", "(2, 1)");
  bad = d;
  bad.q = MatrixXd::Zero(30, 2);
  SAMPO_REQUIRE_THROWS_WITH(StochasticQuadraticProblem(bad), sampo::invalid_argument, "data.q");
  StochasticQuadraticOptions ob;
  ob.inner_samples = 0;
  SAMPO_REQUIRE_THROWS_WITH(make_stochastic_quadratic(ob), sampo::invalid_argument, "'inner_samples'");

  const StochasticQuadraticProblem s = small_stochastic(0);
  check_batch_range(s, VectorXd::Zero(3), VectorXd::Zero(4));
  check_sizes_refused(s);
}

// ------------------------------------------------------------------------------------------

TEST_CASE("ridge HPO: oracles, exact hypergradient, unbiased batches", "[bilevel][problems]") {
  for (const std::uint64_t seed : seeds()) {
    CAPTURE(seed);
    RidgeHpoOptions o;
    o.features = 5;
    o.train_samples = 30;
    o.val_samples = 20;
    o.seed = seed;
    const RidgeHpoProblem p = make_ridge_hpo(o);
    REQUIRE(p.dim_x() == 5);
    REQUIRE(p.dim_y() == 5);
    const VectorXd x = normal_vector(5, seed, 301, 0.5), y = normal_vector(5, seed, 302);
    const VectorXd v = normal_vector(5, seed, 303);
    require_oracles_pass(p, x, y, seed);
    check_unbiased(p, x, y, v);

    // w*: ∇_y g(λ, w*) = 0 to rounding (κ·eps·‖X‖²‖w‖ with κ modest: 1e-10 of the Gram scale).
    const VectorXd ws = *p.lower_solution(x);
    VectorXd grad;
    p.grad_y_g(x, ws, {}, grad);
    CHECK(grad.lpNorm<Eigen::Infinity>() <= 1e-10 * 30);

    // Central differences of Φ with h = 1e-5: truncation h²·|Φ'''| ≈ 1e-10·|Φ''' | and
    // rounding eps·|Φ|/h ≈ 2e-11·|Φ|; 1e-6·max(1, |Φ|) is safe for Φ''' = O(|Φ|).
    const VectorXd hg = *p.hypergradient(x);
    const double phi = *p.value(x);
    CHECK(rel_diff(hg, fd_hypergradient(p, x, 1e-5)) <= 1e-6 * std::max(1.0, phi));

    // Newton–CG to ‖∇g‖ <= 1e-12·scale, then implicit differentiation with CG to 1e-12: the
    // hypergradient error is κ·(those residuals), 1e-8 relative with margin.
    LowerSolveOptions lo;
    lo.tolerance = 1e-12;
    const LowerSolveResult lower = solve_lower_level(p, x, VectorXd::Zero(5), lo);
    INFO(lower.run.brief_report() << ": " << lower.run.message);
    CHECK(lower.run.converged());
    CHECK(rel_diff(lower.y, ws) <= 1e-9);  // κ(A)·1e-12·scale, κ modest (30 rows, 5 features)
    CHECK(rel_diff(implicit_hypergradient(p, x, lower.y), hg) <= 1e-8);
  }
}

TEST_CASE("check_oracles: a large sum at its stationary point passes", "[bilevel][check]") {
  // g ≈ 1e5 while ∇_y g(λ, w*) = 0: the central difference of g carries a rounding error of
  // about eps·|g|/h ≈ 2e-6 > tolerance, which the rounding allowance (64·eps·|g|/h) covers.
  RidgeHpoOptions o;
  o.features = 3;
  o.train_samples = 100000;
  o.val_samples = 10;
  o.noise = 2.0;
  o.seed = sampo::testing::fixture_seed();
  const RidgeHpoProblem p = make_ridge_hpo(o);
  const VectorXd x = VectorXd::Zero(3);
  const VectorXd ws = *p.lower_solution(x);
  REQUIRE(p.g(x, ws, {}) > 1e5);
  const OracleCheckResult r = check_oracles(p, x, ws);
  INFO(r.run.message);
  CHECK(r.passed);
  bool needed = false;  // the allowance did matter for some row
  for (const OracleCheckRow& row : r.rows) needed = needed || row.rounding > 1e-6;
  CHECK(needed);
}

TEST_CASE("ridge HPO: bad input", "[bilevel][problems]") {
  const MatrixXd xt = MatrixXd::Identity(3, 2), xv = MatrixXd::Identity(2, 2);
  const VectorXd yt = VectorXd::Ones(3), yv = VectorXd::Ones(2);
  SAMPO_REQUIRE_THROWS_WITH(RidgeHpoProblem(xt, VectorXd::Ones(2), xv, yv), sampo::invalid_argument, "y_train");
  SAMPO_REQUIRE_THROWS_WITH(RidgeHpoProblem(xt, yt, MatrixXd::Identity(2, 3), yv), sampo::invalid_argument, "x_val");
  VectorXd ynan = yt;
  ynan(1) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(RidgeHpoProblem(xt, ynan, xv, yv), sampo::invalid_argument, "y_train", "finite");
  SAMPO_REQUIRE_THROWS_WITH(RidgeHpoProblem(MatrixXd(0, 2), VectorXd(0), xv, yv), sampo::invalid_argument, "x_train");
  RidgeHpoOptions o;
  o.noise = -1;
  SAMPO_REQUIRE_THROWS_WITH(make_ridge_hpo(o), sampo::invalid_argument, "'noise'");
  const RidgeHpoProblem p(xt, yt, xv, yv);
  check_batch_range(p, VectorXd::Zero(2), VectorXd::Zero(2));
  check_sizes_refused(p);
}

// ------------------------------------------------------------------------------------------

TEST_CASE("hyperclean least squares: oracles, exact hypergradient, unbiased batches",
          "[bilevel][problems]") {
  for (const std::uint64_t seed : seeds()) {
    CAPTURE(seed);
    HypercleanLsOptions o;
    o.features = 4;
    o.train_samples = 25;
    o.val_samples = 15;
    o.seed = seed;
    const HypercleanLsInstance inst = make_hyperclean_ls(o);
    const HypercleanLsProblem& p = inst.problem;
    REQUIRE(p.dim_x() == 25);
    REQUIRE(p.dim_y() == 4);
    REQUIRE(inst.corrupted.size() == 25);
    CHECK(std::count(inst.corrupted.begin(), inst.corrupted.end(), true) == 8);  // round(0.3·25)

    const VectorXd x = normal_vector(25, seed, 401), y = normal_vector(4, seed, 402);
    const VectorXd v = normal_vector(4, seed, 403);
    require_oracles_pass(p, x, y, seed);
    check_unbiased(p, x, y, v);

    // Tolerances as for ridge HPO (same error model).
    const VectorXd hg = *p.hypergradient(x);
    const double phi = *p.value(x);
    CHECK(rel_diff(hg, fd_hypergradient(p, x, 1e-5)) <= 1e-6 * std::max(1.0, phi));
    LowerSolveOptions lo;
    lo.tolerance = 1e-12;
    const LowerSolveResult lower = solve_lower_level(p, x, VectorXd::Zero(4), lo);
    CHECK(lower.run.converged());
    CHECK(rel_diff(lower.y, *p.lower_solution(x)) <= 1e-9);
    CHECK(rel_diff(implicit_hypergradient(p, x, lower.y), hg) <= 1e-8);

    // A repeated index accumulates in grad_x_g: batch {3, 3} (sum-type, n/|B| = 25/2 per
    // term) gives entry 3 = 25·½σ'(λ_3)r_3², the same as batch {3}; exact up to one rounding.
    const Index rep[2] = {3, 3}, one[1] = {3};
    VectorXd a, b;
    p.grad_x_g(x, y, Batch(rep, 2), a);
    p.grad_x_g(x, y, Batch(one, 1), b);
    CHECK(rel_diff(a, b) <= 4 * kEps);
    CHECK(a(2) == 0.0);
  }
}

TEST_CASE("hyperclean least squares: bad input", "[bilevel][problems]") {
  const MatrixXd xt = MatrixXd::Identity(3, 2), xv = MatrixXd::Identity(2, 2);
  const VectorXd yt = VectorXd::Ones(3), yv = VectorXd::Ones(2);
  SAMPO_REQUIRE_THROWS_WITH(HypercleanLsProblem(xt, yt, xv, yv, 0.0), sampo::invalid_argument, "'c'");
  SAMPO_REQUIRE_THROWS_WITH(HypercleanLsProblem(xt, yt, xv, VectorXd::Ones(3), 1.0), sampo::invalid_argument,
                            "y_val");
  HypercleanLsOptions o;
  o.corrupted_fraction = 1.5;
  SAMPO_REQUIRE_THROWS_WITH(make_hyperclean_ls(o), sampo::invalid_argument, "'corrupted_fraction'");
  const HypercleanLsProblem p(xt, yt, xv, yv, 1.0);
  check_batch_range(p, VectorXd::Zero(3), VectorXd::Zero(2));
  check_sizes_refused(p);
}

// ------------------------------------------------------------------------------------------

TEST_CASE("cosh: oracles, minimizer A c with Φ* = d", "[bilevel][problems]") {
  for (const std::uint64_t seed : seeds()) {
    CAPTURE(seed);
    const CoshProblem p = make_cosh(5, 4.0, seed);
    const VectorXd x = normal_vector(5, seed, 501), y = normal_vector(5, seed, 502, 0.5);
    require_oracles_pass(p, x, y, seed);

    REQUIRE(p.minimizer());
    const VectorXd xs = *p.minimizer();
    // ∇Φ(A c) = A⁻¹ sinh(A⁻¹A c − c): only the rounding of A⁻¹(A c) − c, κ(A)·eps = 4·eps.
    CHECK(p.hypergradient(xs)->lpNorm<Eigen::Infinity>() <= 1e-14);
    CHECK(*p.optimal_value() == 5.0);
    CHECK(*p.value(xs) == Approx(5.0).epsilon(1e-14));  // cosh(rounding) = 1 + O(eps²)
    for (int k = 0; k < 3; ++k) CHECK(*p.value(xs + 0.1 * normal_vector(5, seed, 510 + k)) > 5.0);
    // Tolerances as for ridge HPO.
    CHECK(rel_diff(*p.hypergradient(x), fd_hypergradient(p, x, 1e-5)) <= 1e-6 * std::max(1.0, *p.value(x)));
    CHECK(rel_diff(*p.hypergradient(x), implicit_hypergradient(p, x, *p.lower_solution(x))) <= 1e-9);
  }
}

TEST_CASE("cosh: bad input", "[bilevel][problems]") {
  MatrixXd a = MatrixXd::Identity(2, 2);
  a(1, 1) = -1;
  SAMPO_REQUIRE_THROWS_WITH(CoshProblem(a, VectorXd::Zero(2)), sampo::not_spd_error, "'A'");
  SAMPO_REQUIRE_THROWS_WITH(CoshProblem(MatrixXd::Identity(2, 2), VectorXd::Zero(3)), sampo::invalid_argument,
                            "'c'");
  SAMPO_REQUIRE_THROWS_WITH(make_cosh(0), sampo::invalid_argument, "'d'");
  SAMPO_REQUIRE_THROWS_WITH(make_cosh(3, 0.5), sampo::invalid_argument, "'condition'");
  check_sizes_refused(make_cosh());
}

// ------------------------------------------------------------------------------------------

TEST_CASE("degenerate: closed forms for ε > 0, none for ε = 0", "[bilevel][problems]") {
  const DegenerateProblem p(0.5);
  for (const std::uint64_t seed : seeds()) {
    const VectorXd x = normal_vector(1, seed, 601), y = normal_vector(2, seed, 602);
    require_oracles_pass(p, x, y, seed);
    // Closed forms: exact arithmetic on O(1) numbers, 4 ulps.
    CHECK((*p.lower_solution(x))(1) == 0.0);
    CHECK((*p.lower_solution(x))(0) == x(0));
    CHECK((*p.hypergradient(x))(0) == Approx(2 * x(0) - 1).epsilon(4 * kEps));
    // Φ is quadratic: as for the quadratic problem.
    CHECK(rel_diff(*p.hypergradient(x), fd_hypergradient(p, x, 1e-3)) <= 1e-10);
    // CG solves the diagonal 2 x 2 system diag(1, ε) exactly in two steps: a few roundings.
    CHECK(rel_diff(*p.hypergradient(x), implicit_hypergradient(p, x, *p.lower_solution(x))) <= 1e-12);
  }
  CHECK((*p.minimizer())(0) == 0.5);
  CHECK(*p.optimal_value() == 0.25);
  CHECK(*p.value(VectorXd::Constant(1, 0.5)) == 0.25);

  const DegenerateProblem q(0.0);
  const VectorXd x = VectorXd::Constant(1, 0.3);
  CHECK_FALSE(q.lower_solution(x));
  CHECK_FALSE(q.hypergradient(x));
  CHECK_FALSE(q.value(x));
  CHECK_FALSE(q.optimal_value());
  CHECK_FALSE(q.minimizer());
  require_oracles_pass(q, x, VectorXd::Constant(2, 0.7), 0);
  // Newton–CG still finds a minimizer (y₁ = x; y₂ has no gradient and stays put).
  const LowerSolveResult r = solve_lower_level(q, x, VectorXd::Constant(2, 0.7));
  CHECK(r.run.converged());
  CHECK(r.y(0) == Approx(0.3).epsilon(1e-12));
  CHECK(r.y(1) == 0.7);

  SAMPO_REQUIRE_THROWS_WITH(DegenerateProblem(-1.0), sampo::invalid_argument, "'epsilon'");
  SAMPO_REQUIRE_THROWS_WITH(DegenerateProblem(std::nan("")), sampo::invalid_argument, "'epsilon'");
  check_sizes_refused(p);
}

// ------------------------------------------------------------------------------------------

namespace {
// n x p Gaussian features labelled by the argmax of a random linear model (separable data).
struct LogisticData {
  MatrixXd xtr, xval;
  std::vector<int> ltr, lval;
};
LogisticData logistic_data(Index n, Index m, Index p, int k, std::uint64_t seed) {
  LogisticData d;
  const MatrixXd w = sampo::testing::normal_matrix(k, p, seed, 701);
  d.xtr = sampo::testing::normal_matrix(n, p, seed, 702);
  d.xval = sampo::testing::normal_matrix(m, p, seed, 703);
  const auto label = [&](const MatrixXd& x, std::vector<int>& l) {
    const MatrixXd s = w * x.transpose();
    l.resize(static_cast<std::size_t>(x.rows()));
    for (Index i = 0; i < x.rows(); ++i) {
      Index best = 0;
      s.col(i).maxCoeff(&best);
      l[static_cast<std::size_t>(i)] = static_cast<int>(best);
    }
  };
  label(d.xtr, d.ltr);
  label(d.xval, d.lval);
  return d;
}
}  // namespace

TEST_CASE("hyperclean logistic: oracles, unbiased batches, repeated indices", "[bilevel][problems]") {
  for (const std::uint64_t seed : seeds()) {
    CAPTURE(seed);
    const LogisticData d = logistic_data(40, 20, 4, 3, seed);
    const HypercleanLogisticProblem p(d.xtr, d.ltr, d.xval, d.lval, 3, 0.1);
    REQUIRE(p.dim_x() == 40);
    REQUIRE(p.dim_y() == 15);
    REQUIRE(p.classes() == 3);
    const VectorXd x = normal_vector(40, seed, 711), y = normal_vector(15, seed, 712, 0.5);
    const VectorXd v = normal_vector(15, seed, 713);
    require_oracles_pass(p, x, y, seed);
    check_unbiased(p, x, y, v);

    // Mean-type batches: {5, 5} and {5} are the same estimate (jvp accumulates both copies
    // into entry 5 with weight 1/2 each); exact up to a rounding or two.
    const Index rep[2] = {5, 5}, one[1] = {5};
    VectorXd a, b;
    p.jvp_xy_g(x, y, v, Batch(rep, 2), a);
    p.jvp_xy_g(x, y, v, Batch(one, 1), b);
    CHECK(rel_diff(a, b) <= 4 * kEps);
    CHECK(a(4) == 0.0);
    p.hvp_yy_g(x, y, v, Batch(rep, 2), a);
    p.hvp_yy_g(x, y, v, Batch(one, 1), b);
    CHECK(rel_diff(a, b) <= 4 * kEps);

    // Large scores: the softmax subtracts the max, so g stays finite (and correct, see the
    // oracle check at a scaled point).
    const VectorXd big = 200.0 * y;
    CHECK(std::isfinite(p.g(x, big, {})));
    VectorXd grad;
    p.grad_y_g(x, big, {}, grad);
    CHECK(grad.allFinite());
  }
}

TEST_CASE("hyperclean logistic: lower solve, implicit hypergradient, predict", "[bilevel][problems]") {
  const std::uint64_t seed = sampo::testing::fixture_seed();
  const LogisticData d = logistic_data(60, 30, 4, 3, seed);
  const HypercleanLogisticProblem p(d.xtr, d.ltr, d.xval, d.lval, 3, 0.01);
  const VectorXd x = normal_vector(60, seed, 721, 0.5);
  LowerSolveOptions lo;
  lo.tolerance = 1e-12;
  const LowerSolveResult r = solve_lower_level(p, x, VectorXd::Zero(15), lo);
  INFO(r.run.brief_report() << ": " << r.run.message);
  REQUIRE(r.run.converged());
  CHECK(r.run.iterations < 30);  // Newton: a handful of steps on a strongly convex smooth g
  require_oracles_pass(p, x, r.y, seed);

  // Separable data and a small c: the fit classifies most of the training and validation rows
  // correctly (the true model reaches 100%; 85% leaves room for the ridge term's bias).
  const auto accuracy = [](const std::vector<int>& a, const std::vector<int>& b) {
    std::size_t hit = 0;
    for (std::size_t i = 0; i < a.size(); ++i) hit += a[i] == b[i];
    return static_cast<double>(hit) / static_cast<double>(a.size());
  };
  CHECK(accuracy(p.predict(r.y, d.xtr), d.ltr) >= 0.85);
  CHECK(accuracy(p.predict(r.y, d.xval), d.lval) >= 0.7);  // 30 unseen rows: looser

  // ∇Φ by implicit differentiation against central differences of Φ(λ) = f(W*(λ)), W* solved
  // to ‖∇g‖ <= 1e-12: truncation h²Φ''' <= 1e-8 for h = 1e-3 (Φ''' carries σ'''(λ_i)/n, small);
  // the solve error in W is <= 1e-12/c = 1e-10, in Φ about that, 5e-8 after dividing by 2h; 1e-6.
  const VectorXd hg = implicit_hypergradient(p, x, r.y);
  for (const Index i : {Index{0}, Index{17}}) {
    const double h = 1e-3;
    VectorXd xp = x, xm = x;
    xp(i) += h;
    xm(i) -= h;
    const double fp = p.f(xp, solve_lower_level(p, xp, r.y, lo).y, {});
    const double fm = p.f(xm, solve_lower_level(p, xm, r.y, lo).y, {});
    CAPTURE(i);
    CHECK(hg(i) == Approx((fp - fm) / (2 * h)).margin(1e-6));
  }

  // predict: scores W_p u + b with W_p = [I_3, 0] and b = (0, 0, 0.5) pick the largest of the
  // first three features (or class 2 when its margin 0.5 wins).
  VectorXd w = VectorXd::Zero(15);
  Eigen::Map<MatrixXd> wm(w.data(), 3, 5);
  wm.leftCols(3) = MatrixXd::Identity(3, 3);
  wm(2, 4) = 0.5;
  MatrixXd f(3, 4);
  f << 2, 1, 0, 9,  //
      0, 3, 1, 9,   //
      1, 0, 0.7, 9;
  CHECK(p.predict(w, f) == std::vector<int>{0, 1, 2});
  SAMPO_REQUIRE_THROWS_WITH(p.predict(w, MatrixXd::Zero(2, 3)), sampo::invalid_argument, "features");
  SAMPO_REQUIRE_THROWS_WITH(p.predict(VectorXd::Zero(3), f), sampo::invalid_argument, "'w'");

  // max_iterations is an outcome, not an error.
  LowerSolveOptions one;
  one.max_iterations = 1;
  const LowerSolveResult r1 = solve_lower_level(p, x, VectorXd::Zero(15), one);
  CHECK(r1.run.termination == Termination::max_iterations);
  CHECK(r1.run.iterations == 1);
}

TEST_CASE("hyperclean logistic: bad input", "[bilevel][problems]") {
  const LogisticData d = logistic_data(10, 6, 3, 3, 0);
  std::vector<int> bad = d.ltr;
  bad[4] = 3;
  SAMPO_REQUIRE_THROWS_WITH(HypercleanLogisticProblem(d.xtr, bad, d.xval, d.lval, 3, 0.1),
                            sampo::invalid_argument, "labels_train", "3", "entry 4");
  bad[4] = -1;
  SAMPO_REQUIRE_THROWS_WITH(HypercleanLogisticProblem(d.xtr, bad, d.xval, d.lval, 3, 0.1),
                            sampo::invalid_argument, "labels_train", "-1");
  SAMPO_REQUIRE_THROWS_WITH(HypercleanLogisticProblem(d.xtr, d.ltr, d.xval, std::vector<int>(5, 0), 3, 0.1),
                            sampo::invalid_argument, "labels_val");
  SAMPO_REQUIRE_THROWS_WITH(HypercleanLogisticProblem(d.xtr, d.ltr, d.xval, d.lval, 1, 0.1),
                            sampo::invalid_argument, "classes");
  SAMPO_REQUIRE_THROWS_WITH(HypercleanLogisticProblem(d.xtr, d.ltr, d.xval, d.lval, 3, 0.0),
                            sampo::invalid_argument, "'c'");
  MatrixXd xv = d.xval;
  xv(1, 2) = std::numeric_limits<double>::infinity();
  SAMPO_REQUIRE_THROWS_WITH(HypercleanLogisticProblem(d.xtr, d.ltr, xv, d.lval, 3, 0.1),
                            sampo::invalid_argument, "x_val");
  SAMPO_REQUIRE_THROWS_WITH(HypercleanLogisticProblem(d.xtr, d.ltr, MatrixXd::Zero(6, 2), d.lval, 3, 0.1),
                            sampo::invalid_argument, "x_val");
  const HypercleanLogisticProblem p(d.xtr, d.ltr, d.xval, d.lval, 3, 0.1);
  check_batch_range(p, VectorXd::Zero(10), VectorXd::Zero(12));
  check_sizes_refused(p);
}

// ------------------------------------------------------------------------------------------

namespace {
// A DegenerateProblem whose hvp is off by a factor 2, or whose grad_x_g is not provided, or
// whose Hessian is negative: check_oracles and implicit_hypergradient must notice.
class WrongHvp : public DegenerateProblem {
 public:
  WrongHvp() : DegenerateProblem(1.0) {}
  void hvp_yy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v, Batch b, VectorXd& out) const override {
    DegenerateProblem::hvp_yy_g(x, y, v, b, out);
    out *= 2.0;
  }
};
class NoGradXG : public DegenerateProblem {
 public:
  NoGradXG() : DegenerateProblem(1.0) {}
  void grad_x_g(const VectorXd& x, const VectorXd& y, Batch b, VectorXd& out) const override {
    Problem::grad_x_g(x, y, b, out);
  }
};
class Concave : public DegenerateProblem {
 public:
  Concave() : DegenerateProblem(1.0) {}
  void hvp_yy_g(const VectorXd&, const VectorXd&, const VectorXd& v, Batch, VectorXd& out) const override {
    out = -v;
  }
};
}  // namespace

TEST_CASE("check_oracles: detects a wrong oracle, skips a missing grad_x_g", "[bilevel][check]") {
  const VectorXd x = VectorXd::Constant(1, 0.3), y = VectorXd::Constant(2, -0.4);
  const OracleCheckResult wrong = check_oracles(WrongHvp(), x, y);
  CHECK_FALSE(wrong.passed);
  CHECK(wrong.max_error > 0.1);  // a factor 2 on O(1) numbers, unless wᵀv is tiny in every direction
  // Every other oracle passes; the hvp rows fail unless wᵀv happens to be ~0 (2-d random unit
  // vectors: never in practice), so at least one does.
  std::size_t hvp_failed = 0;
  for (const OracleCheckRow& row : wrong.rows) {
    if (row.oracle == "hvp_yy_g") hvp_failed += row.passed ? 0 : 1;
    else CHECK(row.passed);
  }
  CHECK(hvp_failed >= 1);
  CHECK(wrong.run.message.find("failed") != std::string::npos);

  const OracleCheckResult missing = check_oracles(NoGradXG(), x, y);
  CHECK(missing.passed);
  for (const OracleCheckRow& row : missing.rows) CHECK(row.oracle != "grad_x_g");
  CHECK(missing.run.message.find("grad_x_g not provided") != std::string::npos);
  CHECK(missing.rows.size() == 5 * 3);  // five oracles, three directions

  const OracleCheckResult full = check_oracles(DegenerateProblem(1.0), x, y);
  CHECK(full.rows.size() == 6 * 3);
  CHECK(full.run.evaluations > 0);

  OracleCheckOptions bad;
  bad.step = 0.0;
  SAMPO_REQUIRE_THROWS_WITH(check_oracles(WrongHvp(), x, y, bad), sampo::invalid_argument, "'step'");
  bad = {};
  bad.directions = 0;
  SAMPO_REQUIRE_THROWS_WITH(check_oracles(WrongHvp(), x, y, bad), sampo::invalid_argument, "'directions'");

  SAMPO_REQUIRE_THROWS_WITH(implicit_hypergradient(Concave(), x, y), sampo::numerical_error, "curvature");
  SAMPO_REQUIRE_THROWS_WITH(implicit_hypergradient(DegenerateProblem(1.0), x, y, 0.0), sampo::invalid_argument,
                            "'cg_tolerance'");
  LowerSolveOptions lo;
  lo.tolerance = -1;
  SAMPO_REQUIRE_THROWS_WITH(solve_lower_level(DegenerateProblem(1.0), x, y, lo), sampo::invalid_argument,
                            "'tolerance'");
}

// ------------------------------------------------------------------------------------------

TEST_CASE("oracles: the same bits with 1 and 2 threads", "[bilevel][problems][threads]") {
  // Digits-sized data (the hyperclean task: ~900 training rows, 64 features, 10 classes) and a
  // ridge problem with 1000 features: large enough for Eigen to split its products.
  const LogisticData d = logistic_data(900, 450, 64, 10, 0);
  const HypercleanLogisticProblem p(d.xtr, d.ltr, d.xval, d.lval, 10, 0.1);
  const VectorXd x = normal_vector(900, 0, 801), y = normal_vector(650, 0, 802, 0.1);
  const VectorXd v = normal_vector(650, 0, 803);
  RidgeHpoOptions ro;
  ro.features = 1000;
  ro.train_samples = 400;
  ro.val_samples = 200;
  const RidgeHpoProblem r = make_ridge_hpo(ro);
  const VectorXd rx = normal_vector(1000, 0, 804, 0.3), ry = normal_vector(1000, 0, 805);
  const auto run = [&] {
    std::vector<VectorXd> outs(8);
    outs[0] = VectorXd::Constant(1, p.g(x, y, {}));
    p.grad_y_g(x, y, {}, outs[1]);
    p.hvp_yy_g(x, y, v, {}, outs[2]);
    p.jvp_xy_g(x, y, v, {}, outs[3]);
    p.grad_y_f(x, y, {}, outs[4]);
    r.grad_y_g(rx, ry, {}, outs[5]);
    outs[6] = *r.hypergradient(rx);
    p.grad_x_g(x, y, {}, outs[7]);
    return outs;
  };
  const auto one = sampo::test::with_threads(1, run);
  const auto two = sampo::test::with_threads(2, run);
  for (std::size_t k = 0; k < one.size(); ++k) {
    CAPTURE(k);
    CHECK(sampo::test::same_entries(one[k], two[k]));
  }

  // Problems built under each thread count (their precomputed Gram matrices and closed forms).
  const auto build = [] {
    std::vector<VectorXd> outs;
    StochasticQuadraticOptions so;
    so.dim_x = 50;
    so.dim_y = 60;
    so.inner_samples = so.outer_samples = 3000;
    const StochasticQuadraticProblem sq = make_stochastic_quadratic(so);
    outs.push_back(sq.means().data().A.reshaped());
    outs.push_back(sq.means().data().C.reshaped());
    outs.push_back(*sq.minimizer());
    HypercleanLsOptions ho;
    ho.features = 200;
    ho.train_samples = 2000;
    const HypercleanLsInstance h = make_hyperclean_ls(ho);
    outs.push_back(*h.problem.hypergradient(VectorXd::Zero(2000)));
    QuadraticProblemOptions qo;
    qo.dim_x = qo.dim_y = 300;
    const QuadraticProblem q = make_quadratic(qo);
    outs.push_back(q.data().A.reshaped());
    outs.push_back(q.hessian().reshaped());
    outs.push_back(*q.minimizer());
    return outs;
  };
  const auto b1 = sampo::test::with_threads(1, build);
  const auto b2 = sampo::test::with_threads(2, build);
  for (std::size_t k = 0; k < b1.size(); ++k) {
    CAPTURE(k);
    CHECK(sampo::test::same_entries(b1[k], b2[k]));
  }
}

#include "sampo/bilevel/solvers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

#include <Eigen/Eigenvalues>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::bilevel {

namespace {

using Vec = Eigen::VectorXd;
using Indices = std::vector<Eigen::Index>;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Random-stream numbers, one per random component (mini-batches by purpose, the Lanczos
/// start vectors, the HIA depth), so that a component's draws never depend on another's.
enum Stream : std::uint64_t {
  kLowerGrad = 1,   ///< ∇_y g for lower-level steps
  kOuterGrad = 2,   ///< ∇_x f, ∇_y f
  kSecondOrder = 3, ///< ∇²_yy g·v and ∇²_xy g·v of the hypergradient
  kNeumann = 4,     ///< one batch per Neumann / HIA factor
  kHiaDepth = 5,    ///< TTSA's random Neumann depth
  kLanczos = 6,     ///< start vectors of the curvature check
  kPenalty = 7,     ///< F2SA: ∇_y g at the penalized y and ∇_x g
  kCg = 8,          ///< AID-CG: the Hessian batch of one CG solve
};

void check_step(std::string_view fn, std::string_view name, double v) {
  check_positive(fn, name, v);
}

void check_count(std::string_view fn, std::string_view name, std::size_t v) {
  if (v == 0) throw_invalid_argument(fn, name, "0", "must be at least 1");
}

void check_unit_interval(std::string_view fn, std::string_view name, double v) {
  if (!(v >= 0.0 && v < 1.0)) throw_invalid_argument(fn, name, format_value(v), "must be in [0, 1)");
}

/// Shared state of one solver run: counted oracles, mini-batches, clock, trace, stopping rules,
/// curvature checks.
class Context {
 public:
  Context(const char* function, std::string solver, const Problem& problem, const Vec& x0,
          const Vec& y0, const SolverOptions& options)
      : oracles(problem), options_(options) {
    result.solver = std::move(solver);
    if (x0.size() != oracles.dim_x())
      throw_invalid_argument(function, "x0", std::to_string(x0.size()),
                             field_size("size differs from the problem's dim_x ", oracles.dim_x()));
    if (y0.size() != oracles.dim_y())
      throw_invalid_argument(function, "y0", std::to_string(y0.size()),
                             field_size("size differs from the problem's dim_y ", oracles.dim_y()));
    check_finite(function, "x0", x0);
    check_finite(function, "y0", y0);
  }

  Oracles oracles;
  BilevelResult result;

  /// A mini-batch of the lower level (g) for @p stream; empty for full sums.
  Indices inner(Stream stream) { return draw(stream, oracles.problem().inner_samples()); }
  /// A mini-batch of the upper level (f) for @p stream; empty for full sums.
  Indices outer(Stream stream) { return draw(stream, oracles.problem().outer_samples()); }
  /// A draw from the stream @p stream (its own counter).
  parallel::RandomStream stream(Stream s) {
    return parallel::RandomStream(options_.seed, s, counters_[s]++);
  }

  /// Runs @p init, then @p step(t) for t = 0, 1, ... until a stopping rule fires; fills
  /// result (x, y and z are copied from the references at the end).
  template <class Init, class Step>
  BilevelResult run(Vec& x, Vec& y, const Vec* z, Init&& init, Step&& step) {
    Stopwatch clock;
    Run& run = result.run;
    run.termination = Termination::max_iterations;
    bool stopped = false;
    auto elapsed = [&] { return clock.seconds() - excluded_; };
    try {
      init();
      if (options_.check_curvature && !curvature(x, y, 0)) stopped = true;
      if (!stopped && options_.trace_every > 0 && trace(x, y, 0, elapsed())) stopped = true;
      for (std::size_t t = 0; !stopped && t < options_.max_iterations; ++t) {
        if (cancel_requested(options_.cancel)) {
          run.termination = Termination::user_stopped;
          run.message = "stopped by the cancellation flag after " + std::to_string(t) + " iterations";
          stopped = true;
          break;
        }
        if (options_.max_oracle_calls > 0 &&
            oracles.counts().total_calls() >= options_.max_oracle_calls) {
          run.termination = Termination::max_evaluations;
          run.message = "oracle-call budget of " + std::to_string(options_.max_oracle_calls) +
                        " reached after " + std::to_string(t) + " iterations";
          stopped = true;
          break;
        }
        oracles.set_iteration(t + 1);
        step(t);
        run.iterations = t + 1;
        if (!x.allFinite() || !y.allFinite()) {
          run.termination = Termination::numerical_failure;
          run.message = std::string("the iterate ") + (x.allFinite() ? "y" : "x") +
                        " became non-finite at iteration " + std::to_string(t + 1) +
                        " (step sizes too large?)";
          stopped = true;
          break;
        }
        if (options_.progress != nullptr) options_.progress->advance(1);
        if (options_.trace_every > 0 && (t + 1) % options_.trace_every == 0 &&
            trace(x, y, t + 1, elapsed())) {
          stopped = true;
          break;
        }
        if (options_.callback) {
          const double secs = elapsed();
          if (!options_.callback(IterationInfo{t + 1, x, y, oracles.counts(), secs})) {
            run.termination = Termination::user_stopped;
            run.message = "stopped by the callback after " + std::to_string(t + 1) + " iterations";
            stopped = true;
            break;
          }
        }
        if (options_.check_curvature && options_.curvature_every > 0 &&
            (t + 1) % options_.curvature_every == 0 && !curvature(x, y, t + 1)) {
          stopped = true;
          break;
        }
      }
      if (run.termination == Termination::max_iterations) {
        run.message = "ran its " + std::to_string(options_.max_iterations) + " iterations";
      }
      if (run.termination != Termination::numerical_failure) {
        if (options_.trace_every > 0 &&
            (result.trace.empty() || result.trace.back().iteration != run.iterations)) {
          trace_point(x, y, run.iterations, elapsed());
        }
        if (options_.check_curvature && run.iterations > 0 &&
            (options_.curvature_every == 0 || run.iterations % options_.curvature_every != 0)) {
          curvature(x, y, run.iterations);
        }
      }
    } catch (const non_finite_oracle& e) {
      run.termination = Termination::numerical_failure;
      run.message = e.what();
    }
    result.x = x;
    result.y = y;
    if (z != nullptr) result.z = *z;
    result.oracle_counts = oracles.counts();
    run.evaluations = result.oracle_counts.total_calls();
    run.seconds = elapsed();
    if (run.termination != Termination::converged && run.termination != Termination::numerical_failure &&
        !result.curvature.strongly_convex) {
      run.termination = Termination::numerical_failure;
    }
    return std::move(result);
  }

 private:
  Indices draw(Stream s, Eigen::Index n) {
    if (options_.batch_size <= 0 || n <= 0) return {};
    auto rs = stream(s);
    Indices idx(static_cast<std::size_t>(options_.batch_size));
    for (auto& i : idx) i = static_cast<Eigen::Index>(rs.uniform_int(static_cast<std::uint64_t>(n)));
    return idx;
  }

  static std::string field_size(const char* what, Eigen::Index n) {
    std::string s(what);
    s.append(std::to_string(n));
    return s;
  }

  /// Adds a trace point; returns true when the gradient tolerance is met (converged).
  bool trace(const Vec& x, const Vec& y, std::size_t iteration, double seconds) {
    const TracePoint& p = trace_point(x, y, iteration, seconds);
    if (options_.gradient_tolerance > 0.0 && std::isfinite(p.gradient_norm) &&
        p.gradient_norm <= options_.gradient_tolerance) {
      result.run.termination = Termination::converged;
      result.run.message = "‖∇Φ(x)‖ = " + format_value(p.gradient_norm) + " <= gradient_tolerance " +
                           format_value(options_.gradient_tolerance) + " at iteration " +
                           std::to_string(iteration);
      return true;
    }
    return false;
  }

  const TracePoint& trace_point(const Vec& x, const Vec& y, std::size_t iteration, double seconds) {
    Stopwatch own;
    TracePoint p;
    p.iteration = iteration;
    p.oracle_calls = oracles.counts().total_calls();
    p.oracle_samples = oracles.counts().total_samples();
    p.seconds = seconds;
    const Problem& pr = oracles.problem();
    if (auto v = pr.value(x)) p.value = *v;
    if (auto gr = pr.hypergradient(x)) p.gradient_norm = gr->norm();
    if (auto ys = pr.lower_solution(x)) p.inner_distance = (y - *ys).norm();
    result.trace.push_back(p);
    excluded_ += own.seconds();
    return result.trace.back();
  }

  /// Lanczos estimate of the extreme eigenvalues of ∇²_yy g(x, y) (full sums, oracle calls
  /// not counted in the run's counts). Returns false (and sets the termination) when the
  /// lower level is not strongly convex there.
  bool curvature(const Vec& x, const Vec& y, std::size_t iteration) {
    Stopwatch own;
    Oracles probe(oracles.problem());
    probe.set_iteration(iteration);
    const Eigen::Index n = oracles.dim_y();
    const Eigen::Index k = std::min<Eigen::Index>(n, static_cast<Eigen::Index>(options_.lanczos_steps));
    Eigen::MatrixXd Q(n, k);
    Vec alpha(k), beta(k);
    auto rs = stream(kLanczos);
    Vec q(n);
    for (Eigen::Index i = 0; i < n; ++i) q[i] = rs.normal();
    q.normalize();
    Vec w;
    Eigen::Index m = 0;
    for (Eigen::Index j = 0; j < k; ++j) {
      Q.col(j) = q;
      probe.hvp_yy_g(x, y, q, {}, w);
      alpha[j] = q.dot(w);
      // Full reorthogonalization (twice is enough): k is small.
      for (int pass = 0; pass < 2; ++pass) w -= Q.leftCols(j + 1) * (Q.leftCols(j + 1).transpose() * w);
      beta[j] = w.norm();
      m = j + 1;
      const double scale = alpha.head(m).cwiseAbs().maxCoeff();
      if (beta[j] <= 1e-12 * std::max(scale, 1e-300)) break;  // invariant subspace: exact
      q = w / beta[j];
    }
    Eigen::MatrixXd T = Eigen::MatrixXd::Zero(m, m);
    for (Eigen::Index j = 0; j < m; ++j) {
      T(j, j) = alpha[j];
      if (j + 1 < m) T(j, j + 1) = T(j + 1, j) = beta[j];
    }
    const Vec ritz = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(T, Eigen::EigenvaluesOnly).eigenvalues();
    const double lo = ritz.minCoeff(), hi = ritz.maxCoeff();
    CurvatureReport& c = result.curvature;
    c.checked = true;
    ++c.checks;
    c.oracle_calls += probe.counts().total_calls();
    if (!(lo >= c.min_ritz)) {  // also when min_ritz is NaN (first check)
      c.min_ritz = lo;
      c.iteration = iteration;
    }
    if (!(hi <= c.max_ritz)) c.max_ritz = hi;
    excluded_ += own.seconds();
    if (hi > 0.0 && lo > options_.curvature_tolerance * hi) return true;
    c.strongly_convex = false;
    result.run.termination = Termination::numerical_failure;
    result.run.message = "the lower level is not strongly convex at iteration " +
                         std::to_string(iteration) + ": a Lanczos estimate of ∇²_yy g has "
                         "smallest Ritz value " + format_value(lo) + " <= curvature_tolerance × "
                         "largest (" + format_value(hi) + ")";
    return false;
  }

  const SolverOptions& options_;
  std::map<std::uint64_t, std::uint64_t> counters_;
  double excluded_ = 0.0;
};

/// x ← x − step·d.
void descend(Vec& x, double step, const Vec& d) { x.noalias() -= step * d; }

/// `steps` (stochastic) gradient steps on g(x, ·) from y.
void lower_steps(Context& ctx, const Vec& x, Vec& y, std::size_t steps, double step, Vec& work) {
  for (std::size_t s = 0; s < steps; ++s) {
    const Indices b = ctx.inner(kLowerGrad);
    ctx.oracles.grad_y_g(x, y, b, work);
    descend(y, step, work);
  }
}

/// ∇_x F − J·v with one outer batch and one second-order batch.
void hypergradient_estimate(Context& ctx, const Vec& x, const Vec& y, const Vec& v,
                            const Indices& outer, const Indices& inner, Vec& out, Vec& work) {
  ctx.oracles.grad_x_f(x, y, outer, out);
  ctx.oracles.jvp_xy_g(x, y, v, inner, work);
  out -= work;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Options

void SolverOptions::validate(std::string_view fn) const {
  check_count(fn, "max_iterations", max_iterations);
  if (batch_size < 0) throw_invalid_argument(fn, "batch_size", std::to_string(batch_size), "must be >= 0");
  check_nonnegative(fn, "gradient_tolerance", gradient_tolerance);
  if (check_curvature) check_count(fn, "lanczos_steps", lanczos_steps);
  if (!(curvature_tolerance >= 0.0 && curvature_tolerance < 1.0))
    throw_invalid_argument(fn, "curvature_tolerance", format_value(curvature_tolerance), "must be in [0, 1)");
}

void BorepOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::BorepOptions";
  SolverOptions::validate(fn);
  check_step(fn, "outer_step", outer_step);
  check_step(fn, "inner_step", inner_step);
  check_step(fn, "aux_step", aux_step);
  check_unit_interval(fn, "momentum", momentum);
  check_count(fn, "period", period);
  check_nonnegative(fn, "aux_radius", aux_radius);
  if (refine_epochs > 0) check_count(fn, "refine_steps", refine_steps);
  if (refine_epochs > 20) throw_invalid_argument(fn, "refine_epochs", std::to_string(refine_epochs), "must be at most 20 (epoch k runs refine_steps·2^k steps)");
}

void AidCgOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::AidCgOptions";
  SolverOptions::validate(fn);
  check_step(fn, "outer_step", outer_step);
  check_step(fn, "inner_step", inner_step);
  check_count(fn, "cg_iterations", cg_iterations);
  check_nonnegative(fn, "cg_tolerance", cg_tolerance);
}

void ItdOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::ItdOptions";
  SolverOptions::validate(fn);
  check_step(fn, "outer_step", outer_step);
  check_step(fn, "inner_step", inner_step);
  check_count(fn, "inner_steps", inner_steps);
}

void StocBioOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::StocBioOptions";
  SolverOptions::validate(fn);
  check_step(fn, "outer_step", outer_step);
  check_step(fn, "inner_step", inner_step);
  check_step(fn, "neumann_step", neumann_step);
}

void TtsaOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::TtsaOptions";
  SolverOptions::validate(fn);
  check_step(fn, "outer_step", outer_step);
  check_step(fn, "inner_step", inner_step);
  check_nonnegative(fn, "inner_decay", inner_decay);
  check_nonnegative(fn, "outer_decay", outer_decay);
  check_count(fn, "neumann_terms", neumann_terms);
  check_step(fn, "neumann_step", neumann_step);
}

void SobaOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::SobaOptions";
  SolverOptions::validate(fn);
  check_step(fn, "outer_step", outer_step);
  check_step(fn, "inner_step", inner_step);
  check_nonnegative(fn, "inner_decay", inner_decay);
  check_nonnegative(fn, "outer_decay", outer_decay);
}

void MaSobaOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::MaSobaOptions";
  SolverOptions::validate(fn);
  check_step(fn, "outer_step", outer_step);
  check_step(fn, "inner_step", inner_step);
  check_unit_interval(fn, "momentum", momentum);
}

void F2saOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::F2saOptions";
  SolverOptions::validate(fn);
  check_step(fn, "outer_step", outer_step);
  check_step(fn, "inner_step", inner_step);
  check_count(fn, "inner_steps", inner_steps);
  check_positive(fn, "lambda_start", lambda_start);
  check_nonnegative(fn, "lambda_growth", lambda_growth);
  check_positive(fn, "lambda_max", lambda_max);
  if (lambda_max < lambda_start)
    throw_invalid_argument(fn, "lambda_max", format_value(lambda_max), "must be >= lambda_start");
}

// ---------------------------------------------------------------------------------------------
// Solvers

BilevelResult borep(const Problem& problem, const Vec& x0, const Vec& y0, const BorepOptions& o) {
  o.validate();
  Context ctx("sampo::bilevel::borep", "borep", problem, x0, y0, o);
  Vec x = x0, y = y0, z = Vec::Zero(y0.size()), m = Vec::Zero(x0.size());
  Vec gy, hz, gyf, ghat, work;
  auto init = [&] {
    // Initialization refinement (Epoch-SGD): epoch k runs refine_steps·2^k steps of size
    // inner_step·2^{-k} from the previous epoch's average; y0 is the last average.
    Vec start = y;
    for (std::size_t k = 0; k < o.refine_epochs; ++k) {
      const std::size_t steps = o.refine_steps << k;
      const double step = o.inner_step / static_cast<double>(std::size_t{1} << k);
      Vec yk = start, sum = Vec::Zero(y.size());
      for (std::size_t s = 0; s < steps; ++s) {
        const Indices b = ctx.inner(kLowerGrad);
        ctx.oracles.grad_y_g(x, yk, b, gy);
        descend(yk, step, gy);
        sum += yk;
      }
      start = sum / static_cast<double>(steps);
    }
    y = start;
  };
  auto step = [&](std::size_t t) {
    if (t > 0 && t % o.period == 0) lower_steps(ctx, x, y, o.lower_steps, o.inner_step, gy);
    const Indices bo = ctx.outer(kOuterGrad), bi = ctx.inner(kSecondOrder);
    ctx.oracles.hvp_yy_g(x, y, z, bi, hz);
    ctx.oracles.grad_y_f(x, y, bo, gyf);
    hypergradient_estimate(ctx, x, y, z, bo, bi, ghat, work);  // with z_t
    z.noalias() -= o.aux_step * (hz - gyf);
    if (o.aux_radius > 0.0) {
      const double nz = z.norm();
      if (nz > o.aux_radius) z *= o.aux_radius / nz;
    }
    m = o.momentum * m + (1.0 - o.momentum) * ghat;
    const double nm = m.norm();
    if (nm > 0.0) descend(x, o.outer_step / nm, m);
  };
  return ctx.run(x, y, &z, init, step);
}

namespace {

/// CG on H v = b (H = ∇²_yy g(x, y) on the batch @p batch) from v; at most @p iterations.
void conjugate_gradient(Context& ctx, const Vec& x, const Vec& y, const Indices& batch,
                        const Vec& b, Vec& v, std::size_t iterations, double tolerance) {
  Vec hv, p, hp;
  ctx.oracles.hvp_yy_g(x, y, v, batch, hv);
  Vec r = b - hv;
  const double stop = tolerance * b.norm();
  p = r;
  double rr = r.squaredNorm();
  for (std::size_t k = 0; k < iterations && std::sqrt(rr) > stop; ++k) {
    ctx.oracles.hvp_yy_g(x, y, p, batch, hp);
    const double php = p.dot(hp);
    if (!(php > 0.0)) break;  // no positive curvature along p: the curvature check reports it
    const double a = rr / php;
    v.noalias() += a * p;
    r.noalias() -= a * hp;
    const double rr_new = r.squaredNorm();
    p = r + (rr_new / rr) * p;
    rr = rr_new;
  }
}

}  // namespace

BilevelResult aid_cg(const Problem& problem, const Vec& x0, const Vec& y0, const AidCgOptions& o) {
  o.validate();
  Context ctx("sampo::bilevel::aid_cg", "aid-cg", problem, x0, y0, o);
  Vec x = x0, y = y0, v = Vec::Zero(y0.size());
  Vec gy, b, ghat, work;
  auto step = [&](std::size_t) {
    lower_steps(ctx, x, y, o.inner_steps, o.inner_step, gy);
    const Indices bo = ctx.outer(kOuterGrad), bh = ctx.inner(kCg), bj = ctx.inner(kSecondOrder);
    ctx.oracles.grad_y_f(x, y, bo, b);
    if (!o.warm_start) v.setZero();
    conjugate_gradient(ctx, x, y, bh, b, v, o.cg_iterations, o.cg_tolerance);
    hypergradient_estimate(ctx, x, y, v, bo, bj, ghat, work);
    descend(x, o.outer_step, ghat);
  };
  return ctx.run(x, y, &v, [] {}, step);
}

BilevelResult itd(const Problem& problem, const Vec& x0, const Vec& y0, const ItdOptions& o) {
  o.validate();
  Context ctx("sampo::bilevel::itd", "itd", problem, x0, y0, o);
  Vec x = x0, y = y0, start = y0;
  std::vector<Vec> ys(o.inner_steps);
  std::vector<Indices> batches(o.inner_steps);
  Vec gy, a, gx, jv, ha;
  auto step = [&](std::size_t) {
    Vec yk = start;
    for (std::size_t k = 0; k < o.inner_steps; ++k) {
      ys[k] = yk;
      batches[k] = ctx.inner(kLowerGrad);
      ctx.oracles.grad_y_g(x, yk, batches[k], gy);
      descend(yk, o.inner_step, gy);
    }
    const Indices bo = ctx.outer(kOuterGrad);
    ctx.oracles.grad_y_f(x, yk, bo, a);
    ctx.oracles.grad_x_f(x, yk, bo, gx);
    // Reverse mode: y_{k+1} = y_k − γ∇_y g(x, y_k) has ∂y_{k+1}/∂y_k = I − γH_k and
    // ∂y_{k+1}/∂x = −γJ_kᵀ, so the adjoint a_k = (I − γH_k)a_{k+1} and ĝ −= γJ_k a_{k+1}.
    for (std::size_t k = o.inner_steps; k-- > 0;) {
      ctx.oracles.jvp_xy_g(x, ys[k], a, batches[k], jv);
      gx.noalias() -= o.inner_step * jv;
      ctx.oracles.hvp_yy_g(x, ys[k], a, batches[k], ha);
      a.noalias() -= o.inner_step * ha;
    }
    descend(x, o.outer_step, gx);
    y = yk;
    if (o.warm_start) start = yk;
  };
  return ctx.run(x, y, nullptr, [] {}, step);
}

BilevelResult stocbio(const Problem& problem, const Vec& x0, const Vec& y0, const StocBioOptions& o) {
  o.validate();
  Context ctx("sampo::bilevel::stocbio", "stocbio", problem, x0, y0, o);
  Vec x = x0, y = y0, v = Vec::Zero(y0.size());
  Vec gy, b, term, hv, ghat, work;
  auto step = [&](std::size_t) {
    lower_steps(ctx, x, y, o.inner_steps, o.inner_step, gy);
    const Indices bo = ctx.outer(kOuterGrad);
    ctx.oracles.grad_y_f(x, y, bo, b);
    // v = η Σ_{q=0}^{Q} Π_{k<=q}(I − ηH_k) b, each factor on its own batch.
    term = b;
    v = b;
    for (std::size_t q = 1; q <= o.neumann_terms; ++q) {
      const Indices bq = ctx.inner(kNeumann);
      ctx.oracles.hvp_yy_g(x, y, term, bq, hv);
      term.noalias() -= o.neumann_step * hv;
      v += term;
    }
    v *= o.neumann_step;
    const Indices bj = ctx.inner(kSecondOrder);
    hypergradient_estimate(ctx, x, y, v, bo, bj, ghat, work);
    descend(x, o.outer_step, ghat);
  };
  return ctx.run(x, y, &v, [] {}, step);
}

BilevelResult ttsa(const Problem& problem, const Vec& x0, const Vec& y0, const TtsaOptions& o) {
  o.validate();
  Context ctx("sampo::bilevel::ttsa", "ttsa", problem, x0, y0, o);
  Vec x = x0, y = y0, v = Vec::Zero(y0.size());
  Vec gy, hv, ghat, work;
  auto step = [&](std::size_t t) {
    const double tt = static_cast<double>(t + 1);
    const double beta = o.inner_step * std::pow(tt, -o.inner_decay);
    const double alpha = o.outer_step * std::pow(tt, -o.outer_decay);
    lower_steps(ctx, x, y, 1, beta, gy);
    // HIA: v = Q·η·Π_{k=1}^{p}(I − ηH_k)∇_y F with p uniform on {0, ..., Q−1}.
    auto rs = ctx.stream(kHiaDepth);
    const std::size_t p = rs.uniform_int(o.neumann_terms);
    const Indices bo = ctx.outer(kOuterGrad);
    ctx.oracles.grad_y_f(x, y, bo, v);
    for (std::size_t k = 0; k < p; ++k) {
      const Indices bk = ctx.inner(kNeumann);
      ctx.oracles.hvp_yy_g(x, y, v, bk, hv);
      v.noalias() -= o.neumann_step * hv;
    }
    v *= static_cast<double>(o.neumann_terms) * o.neumann_step;
    const Indices bj = ctx.inner(kSecondOrder);
    hypergradient_estimate(ctx, x, y, v, bo, bj, ghat, work);
    descend(x, alpha, ghat);
  };
  return ctx.run(x, y, &v, [] {}, step);
}

namespace {

/// One SOBA step at (x, y, z) with lower/auxiliary step rho; returns ĝ = ∇_x F − J z in ghat.
struct SobaWork {
  Vec gy, hz, gyf, work;
};

void soba_directions(Context& ctx, const Vec& x, Vec& y, Vec& z, double rho, Vec& ghat, SobaWork& w) {
  const Indices bl = ctx.inner(kLowerGrad), bo = ctx.outer(kOuterGrad), bs = ctx.inner(kSecondOrder);
  ctx.oracles.grad_y_g(x, y, bl, w.gy);
  ctx.oracles.hvp_yy_g(x, y, z, bs, w.hz);
  ctx.oracles.grad_y_f(x, y, bo, w.gyf);
  hypergradient_estimate(ctx, x, y, z, bo, bs, ghat, w.work);
  descend(y, rho, w.gy);
  z.noalias() -= rho * (w.hz - w.gyf);
}

}  // namespace

BilevelResult soba(const Problem& problem, const Vec& x0, const Vec& y0, const SobaOptions& o) {
  o.validate();
  Context ctx("sampo::bilevel::soba", "soba", problem, x0, y0, o);
  Vec x = x0, y = y0, z = Vec::Zero(y0.size()), ghat;
  SobaWork w;
  auto step = [&](std::size_t t) {
    const double tt = static_cast<double>(t + 1);
    soba_directions(ctx, x, y, z, o.inner_step * std::pow(tt, -o.inner_decay), ghat, w);
    descend(x, o.outer_step * std::pow(tt, -o.outer_decay), ghat);
  };
  return ctx.run(x, y, &z, [] {}, step);
}

BilevelResult ma_soba(const Problem& problem, const Vec& x0, const Vec& y0, const MaSobaOptions& o) {
  o.validate();
  Context ctx("sampo::bilevel::ma_soba", "ma-soba", problem, x0, y0, o);
  Vec x = x0, y = y0, z = Vec::Zero(y0.size()), h = Vec::Zero(x0.size()), ghat;
  SobaWork w;
  auto step = [&](std::size_t) {
    soba_directions(ctx, x, y, z, o.inner_step, ghat, w);
    h = o.momentum * h + (1.0 - o.momentum) * ghat;
    descend(x, o.outer_step, h);
  };
  return ctx.run(x, y, &z, [] {}, step);
}

BilevelResult f2sa(const Problem& problem, const Vec& x0, const Vec& y0, const F2saOptions& o) {
  o.validate();
  Context ctx("sampo::bilevel::f2sa", "f2sa", problem, x0, y0, o);
  // Fail early, with the problem's own message, when it has no ∇_x g.
  {
    Vec probe;
    problem.grad_x_g(x0, y0, {}, probe);
  }
  Vec x = x0, y = y0, zhat = y0;
  Vec gz, gyf, gyg, gxf, gxg1, gxg2;
  auto step = [&](std::size_t t) {
    const double lambda = std::min(o.lambda_start + o.lambda_growth * static_cast<double>(t), o.lambda_max);
    for (std::size_t k = 0; k < o.inner_steps; ++k) {
      const Indices bz = ctx.inner(kLowerGrad), bo = ctx.outer(kOuterGrad), bp = ctx.inner(kPenalty);
      ctx.oracles.grad_y_g(x, zhat, bz, gz);
      descend(zhat, o.inner_step, gz);
      ctx.oracles.grad_y_f(x, y, bo, gyf);
      ctx.oracles.grad_y_g(x, y, bp, gyg);
      y.noalias() -= o.inner_step * (gyf / lambda + gyg);
    }
    const Indices bo = ctx.outer(kOuterGrad), bp = ctx.inner(kPenalty);
    ctx.oracles.grad_x_f(x, y, bo, gxf);
    ctx.oracles.grad_x_g(x, y, bp, gxg1);
    ctx.oracles.grad_x_g(x, zhat, bp, gxg2);
    x.noalias() -= o.outer_step * (gxf + lambda * (gxg1 - gxg2));
  };
  return ctx.run(x, y, nullptr, [] {}, step);
}

// ---------------------------------------------------------------------------------------------
// By name

namespace {

using Field = decltype(SolverSetting::field);

struct AnySolver {
  std::variant<BorepOptions, AidCgOptions, ItdOptions, StocBioOptions, TtsaOptions, SobaOptions,
               MaSobaOptions, F2saOptions>
      options;
};

AnySolver make_solver(std::string_view name) {
  constexpr const char* fn = "sampo::bilevel::solve";
  if (name == "borep") return {BorepOptions{}};
  if (name == "aid-cg") return {AidCgOptions{}};
  if (name == "itd") return {ItdOptions{}};
  if (name == "stocbio") return {StocBioOptions{}};
  if (name == "ttsa") return {TtsaOptions{}};
  if (name == "soba") return {SobaOptions{}};
  if (name == "ma-soba") return {MaSobaOptions{}};
  if (name == "f2sa") return {F2saOptions{}};
  std::string known;
  for (const auto& n : solver_names()) {
    if (!known.empty()) known.append(", ");
    known.append(n);
  }
  std::string what = "unknown solver; known solvers: ";
  what.append(known);
  throw_invalid_argument(fn, "solver", name, what);
}

void set_field(const Field& field, std::string_view setting, std::string_view value) {
  constexpr const char* fn = "sampo::bilevel::solve";
  const char* first = value.data();
  const char* last = value.data() + value.size();
  if (auto* d = std::get_if<double*>(&field)) {
    double v = 0.0;
    const auto r = std::from_chars(first, last, v);
    if (r.ec != std::errc() || r.ptr != last || !std::isfinite(v))
      throw_invalid_argument(fn, "setting", setting, "expected a finite number after '='");
    **d = v;
  } else if (auto* n = std::get_if<std::size_t*>(&field)) {
    std::size_t v = 0;
    const auto r = std::from_chars(first, last, v);
    if (r.ec != std::errc() || r.ptr != last)
      throw_invalid_argument(fn, "setting", setting, "expected a non-negative integer after '='");
    **n = v;
  } else {
    bool* b = std::get<bool*>(field);
    if (value == "true" || value == "1") *b = true;
    else if (value == "false" || value == "0") *b = false;
    else throw_invalid_argument(fn, "setting", setting, "expected true, false, 1 or 0 after '='");
  }
}

}  // namespace

std::vector<SolverSetting> settings_of(BorepOptions& o) {
  return {{"outer_step", &o.outer_step}, {"inner_step", &o.inner_step}, {"aux_step", &o.aux_step},
          {"momentum", &o.momentum}, {"period", &o.period}, {"lower_steps", &o.lower_steps},
          {"refine_epochs", &o.refine_epochs}, {"refine_steps", &o.refine_steps},
          {"aux_radius", &o.aux_radius}};
}
std::vector<SolverSetting> settings_of(AidCgOptions& o) {
  return {{"outer_step", &o.outer_step}, {"inner_step", &o.inner_step}, {"inner_steps", &o.inner_steps},
          {"cg_iterations", &o.cg_iterations}, {"cg_tolerance", &o.cg_tolerance},
          {"warm_start", &o.warm_start}};
}
std::vector<SolverSetting> settings_of(ItdOptions& o) {
  return {{"outer_step", &o.outer_step}, {"inner_step", &o.inner_step}, {"inner_steps", &o.inner_steps},
          {"warm_start", &o.warm_start}};
}
std::vector<SolverSetting> settings_of(StocBioOptions& o) {
  return {{"outer_step", &o.outer_step}, {"inner_step", &o.inner_step}, {"inner_steps", &o.inner_steps},
          {"neumann_terms", &o.neumann_terms}, {"neumann_step", &o.neumann_step}};
}
std::vector<SolverSetting> settings_of(TtsaOptions& o) {
  return {{"outer_step", &o.outer_step}, {"inner_step", &o.inner_step}, {"inner_decay", &o.inner_decay},
          {"outer_decay", &o.outer_decay}, {"neumann_terms", &o.neumann_terms},
          {"neumann_step", &o.neumann_step}};
}
std::vector<SolverSetting> settings_of(SobaOptions& o) {
  return {{"outer_step", &o.outer_step}, {"inner_step", &o.inner_step}, {"inner_decay", &o.inner_decay},
          {"outer_decay", &o.outer_decay}};
}
std::vector<SolverSetting> settings_of(MaSobaOptions& o) {
  return {{"outer_step", &o.outer_step}, {"inner_step", &o.inner_step}, {"momentum", &o.momentum}};
}
std::vector<SolverSetting> settings_of(F2saOptions& o) {
  return {{"outer_step", &o.outer_step}, {"inner_step", &o.inner_step}, {"inner_steps", &o.inner_steps},
          {"lambda_start", &o.lambda_start}, {"lambda_growth", &o.lambda_growth},
          {"lambda_max", &o.lambda_max}};
}

const std::vector<std::string>& solver_names() {
  static const std::vector<std::string> names{"borep", "aid-cg", "itd", "stocbio",
                                              "ttsa",  "soba",   "ma-soba", "f2sa"};
  return names;
}

std::vector<std::string> solver_settings(std::string_view solver) {
  AnySolver s = make_solver(solver);
  std::vector<std::string> keys;
  std::visit([&](auto& o) {
    for (const SolverSetting& setting : settings_of(o)) keys.emplace_back(setting.name);
  }, s.options);
  return keys;
}

BilevelResult solve(const Problem& problem, const Vec& x0, const Vec& y0, std::string_view solver,
                    const SolverOptions& common, std::span<const std::string> settings) {
  constexpr const char* fn = "sampo::bilevel::solve";
  AnySolver s = make_solver(solver);
  return std::visit([&](auto& o) -> BilevelResult {
    static_cast<SolverOptions&>(o) = common;
    const auto fields = settings_of(o);
    for (const std::string& setting : settings) {
      const auto eq = setting.find('=');
      if (eq == std::string::npos || eq == 0)
        throw_invalid_argument(fn, "setting", setting, "expected key=value");
      const std::string_view key = std::string_view(setting).substr(0, eq);
      const auto it = std::find_if(fields.begin(), fields.end(),
                                   [&](const SolverSetting& f) { return f.name == key; });
      if (it == fields.end()) {
        std::string what = "unknown key for solver ";
        what.append(solver);
        what.append("; its keys: ");
        for (std::size_t i = 0; i < fields.size(); ++i) {
          if (i > 0) what.append(", ");
          what.append(fields[i].name);
        }
        throw_invalid_argument(fn, "setting", setting, what);
      }
      set_field(it->field, setting, std::string_view(setting).substr(eq + 1));
    }
    using O = std::decay_t<decltype(o)>;
    if constexpr (std::is_same_v<O, BorepOptions>) return borep(problem, x0, y0, o);
    else if constexpr (std::is_same_v<O, AidCgOptions>) return aid_cg(problem, x0, y0, o);
    else if constexpr (std::is_same_v<O, ItdOptions>) return itd(problem, x0, y0, o);
    else if constexpr (std::is_same_v<O, StocBioOptions>) return stocbio(problem, x0, y0, o);
    else if constexpr (std::is_same_v<O, TtsaOptions>) return ttsa(problem, x0, y0, o);
    else if constexpr (std::is_same_v<O, SobaOptions>) return soba(problem, x0, y0, o);
    else if constexpr (std::is_same_v<O, MaSobaOptions>) return ma_soba(problem, x0, y0, o);
    else return f2sa(problem, x0, y0, o);
  }, s.options);
}

}  // namespace sampo::bilevel

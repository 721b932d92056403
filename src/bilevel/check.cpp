#include "sampo/bilevel/check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::bilevel {

namespace {

using Eigen::Index;
using Eigen::VectorXd;

void check_size(std::string_view fn, std::string_view name, const VectorXd& v, Index n) {
  if (v.size() == n) return;
  std::string value("a vector of size ");
  value.append(std::to_string(v.size()));
  std::string what("expected size ");
  what.append(std::to_string(n));
  what.append(" (the problem's dimension)");
  throw_invalid_argument(fn, name, value, what);
}

// A unit vector of dimension n, uniform on the sphere: sample @p index of stream @p stream.
VectorXd random_direction(std::uint64_t seed, std::uint64_t stream, std::uint64_t index, Index n) {
  parallel::RandomStream rs(seed, stream, index);
  VectorXd u = rs.normal_vector(n);
  const double norm = u.norm();
  if (norm == 0.0) u(0) = 1.0;  // probability 0; keeps the direction a unit vector
  return norm == 0.0 ? u : VectorXd(u / norm);
}

void check_count(std::string_view fn, std::string_view name, std::size_t value) {
  if (value == 0) throw_invalid_argument(fn, name, "0", "must be >= 1");
}

}  // namespace

void OracleCheckOptions::validate() const {
  constexpr std::string_view fn = "sampo::bilevel::OracleCheckOptions";
  check_positive(fn, "step", step);
  check_positive(fn, "tolerance", tolerance);
  check_count(fn, "directions", directions);
}

OracleCheckResult check_oracles(const Problem& problem, const VectorXd& x, const VectorXd& y,
                                const OracleCheckOptions& options) {
  constexpr std::string_view fn = "sampo::bilevel::check_oracles";
  options.validate();
  check_size(fn, "x", x, problem.dim_x());
  check_size(fn, "y", y, problem.dim_y());
  Stopwatch watch;
  OracleCheckResult result;
  std::size_t calls = 0;
  const Batch all{};

  VectorXd gxf, gyf, gxg, gyg, tmp;
  problem.grad_x_f(x, y, all, gxf);
  problem.grad_y_f(x, y, all, gyf);
  problem.grad_y_g(x, y, all, gyg);
  calls += 3;
  bool has_gxg = true;
  try {
    ++calls;
    problem.grad_x_g(x, y, all, gxg);
  } catch (const sampo::invalid_argument&) {
    has_gxg = false;  // sizes were checked above: the problem does not provide grad_x_g
  }

  const double hx = options.step * std::max(1.0, x.lpNorm<Eigen::Infinity>());
  const double hy = options.step * std::max(1.0, y.lpNorm<Eigen::Infinity>());
  // A central difference (φ₊ − φ₋)/(2h) and the rounding allowance of its numerator,
  // 64·eps·(|φ₊| + |φ₋|)/(2h), |φ| the magnitude of the computed values (for a dot product,
  // Σ|w_i||v_i|): large sums (|f| ≫ |∇f|) must not fail the check by rounding alone.
  struct Quotient {
    double value, rounding;
  };
  constexpr double kRound = 64 * std::numeric_limits<double>::epsilon();
  const auto quotient = [&](double plus, double minus, double mag_plus, double mag_minus, double h) {
    return Quotient{(plus - minus) / (2 * h), kRound * (mag_plus + mag_minus) / (2 * h)};
  };
  const auto values = [&](double plus, double minus, double h) {
    return quotient(plus, minus, std::abs(plus), std::abs(minus), h);
  };
  const auto add = [&](const char* oracle, std::size_t k, double analytic, Quotient numerical) {
    OracleCheckRow row;
    row.oracle = oracle;
    row.direction = k;
    row.analytic = analytic;
    row.numerical = numerical.value;
    row.rounding = numerical.rounding;
    const double scale = std::max({1.0, std::abs(analytic), std::abs(numerical.value)});
    const double diff = std::abs(analytic - numerical.value);
    row.error = diff / scale;
    if (!std::isfinite(row.error)) row.error = std::numeric_limits<double>::infinity();
    row.passed = diff <= options.tolerance * scale + numerical.rounding;
    result.rows.push_back(row);
  };

  for (std::size_t k = 0; k < options.directions; ++k) {
    const VectorXd u = random_direction(options.seed, 1, k, x.size());
    const VectorXd v = random_direction(options.seed, 2, k, y.size());
    const VectorXd w = random_direction(options.seed, 3, k, y.size());
    const VectorXd xp = x + hx * u, xm = x - hx * u;
    const VectorXd yp = y + hy * v, ym = y - hy * v;

    add("grad_x_f", k, gxf.dot(u), values(problem.f(xp, y, all), problem.f(xm, y, all), hx));
    add("grad_y_f", k, gyf.dot(v), values(problem.f(x, yp, all), problem.f(x, ym, all), hy));
    calls += 4;
    if (has_gxg) {
      add("grad_x_g", k, gxg.dot(u), values(problem.g(xp, y, all), problem.g(xm, y, all), hx));
      calls += 2;
    }
    add("grad_y_g", k, gyg.dot(v), values(problem.g(x, yp, all), problem.g(x, ym, all), hy));
    calls += 2;

    // wᵀ∇_y g at two points, with its magnitude Σ|w_i||∇_y g_i|.
    const auto along_w = [&](const VectorXd& xs, const VectorXd& ys, double& mag) {
      problem.grad_y_g(xs, ys, all, tmp);
      mag = w.cwiseAbs().dot(tmp.cwiseAbs());
      return w.dot(tmp);
    };
    double mp = 0, mm = 0;
    // wᵀ∇²_yy g·v = d/dt wᵀ∇_y g(x, y + tv).
    problem.hvp_yy_g(x, y, v, all, tmp);
    const double hvp = w.dot(tmp);
    double plus = along_w(x, yp, mp), minus = along_w(x, ym, mm);
    add("hvp_yy_g", k, hvp, quotient(plus, minus, mp, mm, hy));

    // uᵀ∇²_xy g·w = d/dt wᵀ∇_y g(x + tu, y).
    problem.jvp_xy_g(x, y, w, all, tmp);
    const double jvp = u.dot(tmp);
    plus = along_w(xp, y, mp);
    minus = along_w(xm, y, mm);
    add("jvp_xy_g", k, jvp, quotient(plus, minus, mp, mm, hx));
    calls += 6;
  }

  std::size_t failed = 0;
  const OracleCheckRow* worst = nullptr;
  for (const OracleCheckRow& row : result.rows) {
    if (!row.passed) ++failed;
    if (worst == nullptr || row.error > worst->error) worst = &row;
  }
  result.passed = failed == 0;
  result.max_error = worst != nullptr ? worst->error : 0.0;
  Run& run = result.run;
  run.termination = Termination::converged;
  run.iterations = options.directions;
  run.evaluations = calls;
  std::string msg;
  if (failed == 0) {
    msg.append("all ");
    msg.append(std::to_string(result.rows.size()));
    msg.append(" checks passed");
  } else {
    msg.append(std::to_string(failed));
    msg.append(" of ");
    msg.append(std::to_string(result.rows.size()));
    msg.append(" checks failed");
  }
  if (worst != nullptr) {
    msg.append(" (largest error ");
    msg.append(format_value(worst->error));
    msg.append(", ");
    msg.append(worst->oracle);
    msg.append(" direction ");
    msg.append(std::to_string(worst->direction));
    msg.append(")");
  }
  if (!has_gxg) msg.append("; grad_x_g not provided by the problem, not checked");
  run.message = std::move(msg);
  run.seconds = watch.seconds();
  return result;
}

void LowerSolveOptions::validate() const {
  constexpr std::string_view fn = "sampo::bilevel::LowerSolveOptions";
  check_positive(fn, "tolerance", tolerance);
  check_count(fn, "max_iterations", max_iterations);
  check_count(fn, "cg_iterations", cg_iterations);
}

LowerSolveResult solve_lower_level(const Problem& problem, const VectorXd& x, const VectorXd& y0,
                                   const LowerSolveOptions& options) {
  constexpr std::string_view fn = "sampo::bilevel::solve_lower_level";
  options.validate();
  check_size(fn, "x", x, problem.dim_x());
  check_size(fn, "y0", y0, problem.dim_y());
  Stopwatch watch;
  LowerSolveResult result;
  Run& run = result.run;
  const Batch all{};
  std::size_t calls = 0;

  VectorXd y = y0, grad, hp, d, r, p, y_new;
  double value = problem.g(x, y, all);
  problem.grad_y_g(x, y, all, grad);
  calls += 2;
  const double target = options.tolerance * std::max(1.0, grad.norm());
  const double g0norm = std::max(1.0, grad.norm());
  std::size_t iter = 0;
  for (;;) {
    const double gnorm = grad.norm();
    result.gradient_norm = gnorm;
    if (!std::isfinite(gnorm) || !std::isfinite(value)) {
      run.termination = Termination::numerical_failure;
      run.message = std::string("g or its gradient is not finite after ") + std::to_string(iter) + " Newton steps";
      break;
    }
    if (gnorm <= target) {
      run.termination = Termination::converged;
      run.message = std::string("‖∇_y g‖ = ") + format_value(gnorm) + " <= " + format_value(target) + " after " +
                    std::to_string(iter) + " Newton steps";
      break;
    }
    if (iter == options.max_iterations) {
      run.termination = Termination::max_iterations;
      run.message = std::string("‖∇_y g‖ = ") + format_value(gnorm) + " > " + format_value(target) + " after " +
                    std::to_string(iter) + " Newton steps (max_iterations)";
      break;
    }
    // Truncated CG on ∇²_yy g·d = −∇_y g to the forcing term η = min(0.5, sqrt(‖∇g‖/‖∇g(y0)‖))
    // (superlinear near y*); a direction of non-positive curvature ends CG (steepest descent
    // when it is the first one).
    const double eta = std::min(0.5, std::sqrt(gnorm / g0norm));
    d.setZero(y.size());
    r = -grad;
    p = r;
    double rr = r.squaredNorm();
    for (std::size_t j = 0; j < options.cg_iterations; ++j) {
      problem.hvp_yy_g(x, y, p, all, hp);
      ++calls;
      const double curv = p.dot(hp);
      if (!(curv > 0)) {
        if (j == 0) d = -grad;
        break;
      }
      const double alpha = rr / curv;
      d += alpha * p;
      r -= alpha * hp;
      const double rr_new = r.squaredNorm();
      if (std::sqrt(rr_new) <= eta * gnorm) break;
      p = r + (rr_new / rr) * p;
      rr = rr_new;
    }
    // Armijo backtracking on g. The slack 100·eps·(1 + |g|) accepts a step whose decrease is
    // below the rounding of g itself (near y*, where only the gradient still shows progress).
    const double slope = grad.dot(d);
    const double slack = 100 * std::numeric_limits<double>::epsilon() * (1.0 + std::abs(value));
    double t = 1.0;
    bool accepted = false;
    for (int ls = 0; ls < 60; ++ls, t *= 0.5) {
      y_new = y + t * d;
      const double v = problem.g(x, y_new, all);
      ++calls;
      if (std::isfinite(v) && v <= value + 1e-4 * t * slope + slack) {
        value = v;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      run.termination = Termination::numerical_failure;
      run.message = std::string("the line search found no decrease of g at Newton step ") + std::to_string(iter + 1) +
                    " (‖∇_y g‖ = " + format_value(gnorm) + ")";
      break;
    }
    y.swap(y_new);
    problem.grad_y_g(x, y, all, grad);
    ++calls;
    ++iter;
  }
  result.y = std::move(y);
  run.iterations = iter;
  run.evaluations = calls;
  run.seconds = watch.seconds();
  return result;
}

VectorXd implicit_hypergradient(const Problem& problem, const VectorXd& x, const VectorXd& y,
                                double cg_tolerance, std::size_t cg_iterations) {
  constexpr std::string_view fn = "sampo::bilevel::implicit_hypergradient";
  check_size(fn, "x", x, problem.dim_x());
  check_size(fn, "y", y, problem.dim_y());
  check_positive(fn, "cg_tolerance", cg_tolerance);
  check_count(fn, "cg_iterations", cg_iterations);
  const Batch all{};
  VectorXd b, hp, gx, jv;
  problem.grad_y_f(x, y, all, b);
  problem.grad_x_f(x, y, all, gx);
  const double bnorm = b.norm();
  if (!std::isfinite(bnorm)) throw_numerical_error(fn, "∇_y f is not finite");
  VectorXd v = VectorXd::Zero(y.size());
  if (bnorm > 0) {
    VectorXd r = b, p = b;
    double rr = r.squaredNorm();
    bool done = false;
    for (std::size_t j = 0; j < cg_iterations && !done; ++j) {
      problem.hvp_yy_g(x, y, p, all, hp);
      const double curv = p.dot(hp);
      if (!(curv > 0))
        throw_numerical_error(fn, std::string("∇²_yy g has non-positive curvature ") + format_value(curv) +
                                      " at CG iteration " + std::to_string(j) +
                                      " (the lower level is not strongly convex at y)");
      const double alpha = rr / curv;
      v += alpha * p;
      r -= alpha * hp;
      const double rr_new = r.squaredNorm();
      done = std::sqrt(rr_new) <= cg_tolerance * bnorm;
      p = r + (rr_new / rr) * p;
      rr = rr_new;
    }
    if (!done)
      throw_numerical_error(fn, std::string("CG did not reach the relative residual ") + format_value(cg_tolerance) +
                                    " in " + std::to_string(cg_iterations) + " iterations (residual " +
                                    format_value(std::sqrt(rr) / bnorm) + ")");
  }
  problem.jvp_xy_g(x, y, v, all, jv);
  return gx - jv;
}

}  // namespace sampo::bilevel

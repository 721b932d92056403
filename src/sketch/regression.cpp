#include "sampo/sketch/regression.hpp"

#include <cmath>
#include <limits>
#include <vector>
#include <string>

#include "common.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::sketch {

void LpRegressionOptions::validate() const {
  constexpr std::string_view kFn = "sampo::sketch::LpRegressionOptions::validate";
  detail::check_irls_options(kFn, tolerance, max_iterations, smoothing_floor);
}

LpRegressionResult lp_regression(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                 const Eigen::Ref<const Eigen::VectorXd>& b, double p,
                                 const LpRegressionOptions& options) {
  constexpr std::string_view kFn = "sampo::sketch::lp_regression";
  Stopwatch watch;
  detail::check_tall(kFn, "a", a);
  if (b.size() != a.rows()) {
    std::string what = "must have one entry per row of a (";
    what.append(std::to_string(a.rows())).append(")");
    throw_invalid_argument(kFn, "b.size()", std::to_string(b.size()), what);
  }
  check_finite(kFn, "b", b);
  detail::check_p(kFn, "p", p);
  options.validate();
  const detail::RangeBasis basis = detail::range_basis(a);
  if (basis.rank == 0) throw_invalid_argument(kFn, "a", "a zero matrix", "has rank 0");
  detail::LpSolveSettings settings;
  settings.p = p;
  settings.tolerance = options.tolerance;
  settings.max_iterations = options.max_iterations;
  settings.smoothing_floor = options.smoothing_floor;
  const detail::LpSolveOutcome s = detail::solve_lp(basis.u, b, nullptr, settings);
  LpRegressionResult out;
  out.x = basis.t * s.y;
  out.rank = basis.rank;
  Eigen::VectorXd r = a * out.x - b;
  out.objective = detail::lp_norm(r, p);
  out.lower_bound = s.lower;
  // The gap of the solver's own residual Uy − b (the same vector as Ax − b up to rounding).
  out.relative_gap = s.upper > 0.0 ? (s.upper - s.lower) / s.upper : 0.0;
  out.run.iterations = s.iterations;
  out.run.evaluations = s.iterations;
  out.run.termination =
      s.converged ? Termination::converged : Termination::max_iterations;
  out.run.message = "certified relative gap ";
  out.run.message.append(format_value(out.relative_gap));
  out.run.seconds = watch.seconds();
  return out;
}

RegressionRatioResult regression_error_ratio(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                             const Eigen::Ref<const Eigen::VectorXd>& b,
                                             const std::vector<Eigen::Index>& indices,
                                             const Eigen::Ref<const Eigen::VectorXd>& weights,
                                             double p, const LpRegressionOptions& options) {
  constexpr std::string_view kFn = "sampo::sketch::regression_error_ratio";
  Stopwatch watch;
  const auto m = static_cast<Eigen::Index>(indices.size());
  if (weights.size() != m) {
    std::string what = "must have one entry per index (";
    what.append(std::to_string(m)).append(")");
    throw_invalid_argument(kFn, "weights.size()", std::to_string(weights.size()), what);
  }
  if (m < a.cols()) {
    std::string what = "must hold at least as many rows as a has columns (";
    what.append(std::to_string(a.cols())).append(")");
    throw_invalid_argument(kFn, "indices.size()", std::to_string(m), what);
  }
  Eigen::MatrixXd sa(m, a.cols());
  Eigen::VectorXd sb(m);
  for (Eigen::Index k = 0; k < m; ++k) {
    const Eigen::Index i = indices[static_cast<std::size_t>(k)];
    std::string name = "indices[";
    name.append(std::to_string(k)).append("]");
    if (i < 0 || i >= a.rows() || i >= b.size())
      throw_invalid_argument(kFn, name, std::to_string(i), "must be a row of a");
    if (!(weights(k) > 0.0) || !std::isfinite(weights(k))) {
      std::string wname = "weights(";
      wname.append(std::to_string(k)).append(")");
      throw_invalid_argument(kFn, wname, format_value(weights(k)), "must be finite and > 0");
    }
    sa.row(k) = weights(k) * a.row(i);
    sb(k) = weights(k) * b(i);
  }
  RegressionRatioResult out;
  out.full = lp_regression(a, b, p, options);
  out.sampled = lp_regression(sa, sb, p, options);
  const double achieved = detail::lp_norm(a * out.sampled.x - b, p);
  out.ratio = out.full.objective > 0.0 ? achieved / out.full.objective
                                       : (achieved == 0.0 ? 1.0 : std::numeric_limits<double>::infinity());
  out.run.iterations = out.full.run.iterations + out.sampled.run.iterations;
  out.run.evaluations = 2;
  const bool ok = out.full.run.converged() && out.sampled.run.converged();
  out.run.termination = ok ? Termination::converged : Termination::max_iterations;
  out.run.message = ok ? "both solves certified" : "a solve did not reach its tolerance: ";
  if (!ok)
    out.run.message.append(out.full.run.converged() ? out.sampled.run.message : out.full.run.message);
  out.run.seconds = watch.seconds();
  return out;
}

}  // namespace sampo::sketch

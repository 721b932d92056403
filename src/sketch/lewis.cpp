#include "sampo/sketch/lewis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common.hpp"
#include "sampo/core/error.hpp"

namespace sampo::sketch {

void LewisOptions::validate() const {
  constexpr std::string_view kFn = "sampo::sketch::LewisOptions::validate";
  if (!(tolerance > 0.0) || !std::isfinite(tolerance))
    throw_invalid_argument(kFn, "tolerance", format_value(tolerance), "must be finite and > 0");
  if (max_iterations == 0)
    throw_invalid_argument(kFn, "max_iterations", "0", "must be >= 1");
  if (!(damping >= 0.0 && damping <= 1.0))
    throw_invalid_argument(kFn, "damping", format_value(damping), "must be in [0, 1]");
  leverage.validate();
}

LewisResult lewis_weights(const Eigen::Ref<const Eigen::MatrixXd>& a, double p,
                          const LewisOptions& options) {
  constexpr std::string_view kFn = "sampo::sketch::lewis_weights";
  Stopwatch watch;
  detail::check_tall(kFn, "a", a);
  detail::check_p(kFn, "p", p);
  options.validate();
  const Eigen::Index n = a.rows(), d = a.cols();
  // The nonzero rows: the iteration runs on them only (w = 0 on zero rows).
  std::vector<Eigen::Index> keep;
  for (Eigen::Index i = 0; i < n; ++i)
    if (a.row(i).cwiseAbs().maxCoeff() > 0.0) keep.push_back(i);
  if (keep.empty()) throw_invalid_argument(kFn, "a", "a zero matrix", "has rank 0");
  const auto nk = static_cast<Eigen::Index>(keep.size());
  Eigen::MatrixXd ak(nk, d);
  for (Eigen::Index k = 0; k < nk; ++k) ak.row(k) = a.row(keep[static_cast<std::size_t>(k)]);

  LewisResult out;
  out.damping = options.damping > 0.0 ? options.damping : (p < 4.0 ? 1.0 : 4.0 / (p + 2.0));
  const double beta = out.damping;
  const double expo = 0.5 - 1.0 / p;  // rows scaled by w^{1/2 − 1/p}
  Eigen::MatrixXd scaled(nk, d);
  // log T(w) for the current w; also the rank.
  auto log_map = [&](const Eigen::VectorXd& w, Eigen::Index* rank) {
    for (Eigen::Index k = 0; k < nk; ++k) scaled.row(k) = std::pow(w(k), expo) * ak.row(k);
    const linalg::LeverageResult lev = linalg::leverage_scores(scaled, options.leverage);
    *rank = lev.rank;
    Eigen::VectorXd lt(nk);
    for (Eigen::Index k = 0; k < nk; ++k) {
      // T(w)_k = (w_k^{2/p − 1} τ_k)^{p/2}; τ_k = 0 (rounding) maps to the smallest normal.
      const double tau = std::max(lev.scores(k), std::numeric_limits<double>::min());
      lt(k) = 0.5 * p * ((2.0 / p - 1.0) * std::log(w(k)) + std::log(tau));
    }
    return lt;
  };
  Eigen::Index rank = 0;
  {
    const linalg::LeverageResult lev = linalg::leverage_scores(ak, options.leverage);
    rank = lev.rank;
  }
  Eigen::VectorXd logw = Eigen::VectorXd::Constant(
      nk, std::log(static_cast<double>(rank) / static_cast<double>(nk)));
  Eigen::VectorXd w = logw.array().exp();
  Eigen::VectorXd lt = log_map(w, &rank);
  double residual = (lt - logw).cwiseAbs().maxCoeff();
  double change = std::numeric_limits<double>::infinity();
  out.run.termination = Termination::max_iterations;
  for (std::size_t it = 0; it < options.max_iterations; ++it) {
    if (!std::isfinite(residual)) {
      out.run.termination = Termination::numerical_failure;
      break;
    }
    if (residual <= options.tolerance && change <= options.tolerance) {
      out.run.termination = Termination::converged;
      break;
    }
    const Eigen::VectorXd next = (1.0 - beta) * logw + beta * lt;
    change = (next - logw).cwiseAbs().maxCoeff();
    logw = next;
    w = logw.array().exp();
    lt = log_map(w, &rank);
    residual = (lt - logw).cwiseAbs().maxCoeff();
    ++out.run.iterations;
  }
  if (out.run.termination == Termination::max_iterations && residual <= options.tolerance &&
      change <= options.tolerance)
    out.run.termination = Termination::converged;
  out.weights = Eigen::VectorXd::Zero(n);
  for (Eigen::Index k = 0; k < nk; ++k) out.weights(keep[static_cast<std::size_t>(k)]) = w(k);
  out.rank = rank;
  out.residual = residual;
  out.sum_error = std::abs(out.weights.sum() - static_cast<double>(rank));
  out.run.evaluations = out.run.iterations + 1;
  out.run.message = out.run.converged() ? "fixed-point residual " : "not converged: residual ";
  out.run.message.append(format_value(residual)).append(", damping ").append(format_value(beta));
  if (p >= 4.0) out.run.message.append(" (p >= 4: damped iteration, a heuristic)");
  out.run.seconds = watch.seconds();
  return out;
}

}  // namespace sampo::sketch

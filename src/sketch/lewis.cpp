#include "sampo/sketch/lewis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <type_traits>

#include "common.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/random_stream.hpp"

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

namespace {
/// The iteration of lewis_weights on the nonzero rows @p ak (dense or sparse) of an n-row A;
/// keep[k] is the row of A that row k of ak is.
template <class Matrix>
LewisResult lewis_iteration(const Matrix& ak, const std::vector<Eigen::Index>& keep,
                            Eigen::Index n, double p, const LewisOptions& options,
                            const Stopwatch& watch) {
  constexpr bool kSparse = std::is_same_v<Matrix, Eigen::SparseMatrix<double>>;
  const Eigen::Index nk = ak.rows();
  LewisResult out;
  out.damping = options.damping > 0.0 ? options.damping : (p < 4.0 ? 1.0 : 4.0 / (p + 2.0));
  const double beta = out.damping;
  const double expo = 0.5 - 1.0 / p;  // rows scaled by w^{1/2 − 1/p}
  Matrix scaled(nk, ak.cols());
  // log T(w) for the current w; also the rank.
  auto log_map = [&](const Eigen::VectorXd& w, Eigen::Index* rank) {
    if constexpr (kSparse) {
      Eigen::VectorXd scale(nk);
      for (Eigen::Index k = 0; k < nk; ++k) scale(k) = std::pow(w(k), expo);
      scaled = scale.asDiagonal() * ak;
    } else {
      for (Eigen::Index k = 0; k < nk; ++k) scaled.row(k) = std::pow(w(k), expo) * ak.row(k);
    }
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
  if constexpr (kSparse) out.run.message.append(" (sparse leverage routes)");
  out.run.seconds = watch.seconds();
  return out;
}

}  // namespace

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
  return lewis_iteration(ak, keep, n, p, options, watch);
}

LewisResult lewis_weights(const Eigen::SparseMatrix<double>& a, double p,
                          const LewisOptions& options) {
  constexpr std::string_view kFn = "sampo::sketch::lewis_weights";
  Stopwatch watch;
  detail::check_sparse_tall(kFn, a);
  detail::check_p(kFn, "p", p);
  options.validate();
  const Eigen::Index n = a.rows();
  // The rows with a nonzero value, renumbered 0..n'−1 in order.
  std::vector<char> nonzero(static_cast<std::size_t>(n), 0);
  for (Eigen::Index j = 0; j < a.outerSize(); ++j)
    for (Eigen::SparseMatrix<double>::InnerIterator it(a, j); it; ++it)
      if (it.value() != 0.0) nonzero[static_cast<std::size_t>(it.row())] = 1;
  std::vector<Eigen::Index> keep;
  std::vector<Eigen::Index> index_of(static_cast<std::size_t>(n), -1);
  for (Eigen::Index i = 0; i < n; ++i)
    if (nonzero[static_cast<std::size_t>(i)] != 0) {
      index_of[static_cast<std::size_t>(i)] = static_cast<Eigen::Index>(keep.size());
      keep.push_back(i);
    }
  if (keep.empty()) throw_invalid_argument(kFn, "a", "a zero matrix", "has rank 0");
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(static_cast<std::size_t>(a.nonZeros()));
  for (Eigen::Index j = 0; j < a.outerSize(); ++j)
    for (Eigen::SparseMatrix<double>::InnerIterator it(a, j); it; ++it)
      if (it.value() != 0.0)
        entries.emplace_back(index_of[static_cast<std::size_t>(it.row())], it.col(), it.value());
  Eigen::SparseMatrix<double> ak(static_cast<Eigen::Index>(keep.size()), a.cols());
  ak.setFromTriplets(entries.begin(), entries.end());
  return lewis_iteration(ak, keep, n, p, options, watch);
}

void ApproxLewisOptions::validate() const {
  constexpr std::string_view kFn = "sampo::sketch::ApproxLewisOptions::validate";
  if (max_iterations == 0) throw_invalid_argument(kFn, "max_iterations", "0", "must be >= 1");
  leverage.validate();
}

namespace {
constexpr std::string_view kApproxLewis = "sampo::sketch::approximate_lewis_weights";

/// max(|log ρ_lo|, |log ρ_hi|) of one approximate leverage result (+inf when a bound is void).
double log_error(const ApproxLeverageResult& r) {
  if (!(r.ratio_lower > 0.0) || !std::isfinite(r.ratio_upper))
    return std::numeric_limits<double>::infinity();
  return std::max(-std::log(r.ratio_lower), std::log(r.ratio_upper));
}

template <class Matrix>
ApproxLewisResult approximate_lewis(const Matrix& a, double p, const ApproxLewisOptions& options) {
  Stopwatch watch;
  const Eigen::Index n = a.rows();
  // Zero rows keep w = 0 and a scaling of 0 (for p < 2, w^{1/2−1/p} would be infinite).
  std::vector<char> nonzero(static_cast<std::size_t>(n), 0);
  if constexpr (std::is_same_v<Matrix, Eigen::SparseMatrix<double>>) {
    for (Eigen::Index j = 0; j < a.outerSize(); ++j)
      for (typename Matrix::InnerIterator it(a, j); it; ++it)
        if (it.value() != 0.0) nonzero[static_cast<std::size_t>(it.row())] = 1;
  } else {
    for (Eigen::Index i = 0; i < n; ++i)
      nonzero[static_cast<std::size_t>(i)] = a.row(i).cwiseAbs().maxCoeff() > 0.0 ? 1 : 0;
  }
  Eigen::Index n_nonzero = 0;
  for (char c : nonzero) n_nonzero += c;
  if (n_nonzero == 0) throw_invalid_argument(kApproxLewis, "a", "a zero matrix", "has rank 0");
  const auto is_row = [&](Eigen::Index i) { return nonzero[static_cast<std::size_t>(i)] != 0; };

  const double expo = 0.5 - 1.0 / p;
  const double gamma = std::abs(1.0 - 0.5 * p);
  // One leverage step at the weights exp(logw): τ̃ of W^{1/2−1/p}A, fresh seed per step.
  const auto step = [&](const Eigen::VectorXd& logw, std::uint64_t t) {
    Eigen::VectorXd scale(n);
    for (Eigen::Index i = 0; i < n; ++i) scale(i) = is_row(i) ? std::exp(expo * logw(i)) : 0.0;
    ApproxLeverageOptions lo = options.leverage;
    lo.seed = parallel::RandomStream(options.leverage.seed, 2, t).next_u64();
    if constexpr (std::is_same_v<Matrix, Eigen::SparseMatrix<double>>) {
      const Eigen::SparseMatrix<double> scaled = scale.asDiagonal() * a;
      return approximate_leverage_scores(scaled, lo);
    } else {
      const Eigen::MatrixXd scaled = scale.asDiagonal() * a;
      return approximate_leverage_scores(scaled, lo);
    }
  };
  // log T̃(w)_i = (p/2)((2/p − 1) log w_i + log τ̃_i); τ̃ = 0 (rounding) maps to the smallest normal.
  const auto log_map = [&](const Eigen::VectorXd& logw, const Eigen::VectorXd& tau) {
    Eigen::VectorXd lt = Eigen::VectorXd::Zero(n);
    for (Eigen::Index i = 0; i < n; ++i)
      if (is_row(i))
        lt(i) = 0.5 * p * ((2.0 / p - 1.0) * logw(i) +
                           std::log(std::max(tau(i), std::numeric_limits<double>::min())));
    return lt;
  };

  ApproxLewisResult out;
  // Step 0 at constant weights (a constant scaling leaves τ unchanged): the rank, then
  // w₀ = rank/n' on the nonzero rows.
  Eigen::VectorXd logw = Eigen::VectorXd::Zero(n);
  ApproxLeverageResult lev = step(logw, 0);
  out.rank = lev.rank;
  double big_l = log_error(lev);
  logw.setConstant(std::log(static_cast<double>(out.rank) / static_cast<double>(n_nonzero)));
  Eigen::VectorXd lt = log_map(logw, lev.scores);
  std::size_t steps = 1;
  double change = std::numeric_limits<double>::infinity();
  out.run.termination = Termination::max_iterations;
  for (;;) {
    // Update w ← T̃(w) (β = 1: p < 4).
    double new_change = 0.0;
    for (Eigen::Index i = 0; i < n; ++i)
      if (is_row(i)) new_change = std::max(new_change, std::abs(lt(i) - logw(i)));
    const double previous_change = change;
    change = new_change;
    logw = lt;
    ++out.run.iterations;
    if (!std::isfinite(change)) {
      out.run.termination = Termination::numerical_failure;
      break;
    }
    // Stop when the iteration term is no larger than the noise term: γΔ <= (p/2)L; with an
    // infinite stated L (a sketch too small for the bound), when the change stops decreasing.
    // (p = 2: γ = 0, the first update is the answer.)
    const bool done = gamma == 0.0 || (std::isfinite(big_l) ? gamma * change <= 0.5 * p * big_l
                                                            : change >= previous_change);
    if (done) {
      out.run.termination = Termination::converged;
      break;
    }
    if (steps >= options.max_iterations) break;
    lev = step(logw, steps);
    ++steps;
    big_l = std::max(big_l, log_error(lev));
    lt = log_map(logw, lev.scores);
  }
  out.weights = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i)
    if (is_row(i)) out.weights(i) = std::exp(logw(i));
  out.leverage_log_error = big_l;
  out.last_change = change;
  out.error_bound = (gamma * change + 0.5 * p * big_l) / (1.0 - gamma);
  out.failure_probability =
      std::min(1.0, 2.0 * options.leverage.delta * static_cast<double>(steps));
  out.run.evaluations = steps;
  out.run.message = out.run.converged() ? "stated max |log(w~/w)| <= " : "not converged: bound ";
  out.run.message.append(format_value(out.error_bound))
      .append(" with probability >= ")
      .append(format_value(1.0 - out.failure_probability))
      .append(" (")
      .append(std::to_string(steps))
      .append(" approximate leverage steps)");
  out.run.seconds = watch.seconds();
  return out;
}

void check_approx_lewis_p(double p) {
  detail::check_p(kApproxLewis, "p", p);
  if (!(p < 4.0))
    throw_invalid_argument(kApproxLewis, "p", format_value(p),
                           "must be < 4 (the undamped iteration and its error bound need p < 4; "
                           "use lewis_weights)");
}
}  // namespace

ApproxLewisResult approximate_lewis_weights(const Eigen::Ref<const Eigen::MatrixXd>& a, double p,
                                            const ApproxLewisOptions& options) {
  detail::check_tall(kApproxLewis, "a", a);
  check_approx_lewis_p(p);
  options.validate();
  return approximate_lewis(a, p, options);
}

ApproxLewisResult approximate_lewis_weights(const Eigen::SparseMatrix<double>& a, double p,
                                            const ApproxLewisOptions& options) {
  detail::check_sparse_tall(kApproxLewis, a);
  check_approx_lewis_p(p);
  options.validate();
  return approximate_lewis(a, p, options);
}

}  // namespace sampo::sketch

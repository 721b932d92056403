#include "sampo/riemann/mean.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "detail.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/linalg/symmetric.hpp"

namespace sampo::riemann {
namespace {

/// Checks the matrices (same size; SPD or just finite) and returns normalized weights.
Eigen::VectorXd prepare(std::string_view fn, const std::vector<Eigen::MatrixXd>& xs,
                        const Eigen::Ref<const Eigen::VectorXd>& weights, bool spd) {
  check_nonempty(fn, "xs", xs.size());
  const Eigen::Index n = static_cast<Eigen::Index>(xs.size());
  check_square(fn, "matrix 0", xs[0]);
  parallel::parallel_for(
      xs.size(),
      [&](std::size_t i) {
        const std::string name = detail::item("matrix", i);
        check_shape(fn, name, xs[i], xs[0].rows(), xs[0].cols());
        if (spd)
          check_spd(fn, name, xs[i]);
        else
          check_finite(fn, name, xs[i]);
      },
      detail::one_per_block());
  if (weights.size() == 0) return Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  if (weights.size() != n)
    throw_invalid_argument(fn, "weights", {},
                           "has " + std::to_string(weights.size()) + " entries for " +
                               std::to_string(n) + " matrices");
  for (Eigen::Index i = 0; i < n; ++i)
    check_nonnegative(fn, "weights[" + std::to_string(i) + "]", weights(i));
  const double total = weights.sum();
  if (!(total > 0.0)) throw_invalid_argument(fn, "weights", "0", "sum to zero");
  return weights / total;
}

constexpr std::size_t kBlock = 8;  // fixed reduction blocks: same sum with any thread count

/// sum_i w_i f(i) with f(i) a matrix (f is not called where w_i = 0), reduced by
/// sampo::parallel::map_reduce over fixed blocks of kBlock matrices in block order, so the
/// sum is bit-identical for any thread count. Local to the process (no MPI).
template <typename F>
Eigen::MatrixXd weighted_sum(std::size_t n, Eigen::Index dim, const Eigen::VectorXd& w, F f) {
  parallel::MapReduceOptions options;
  options.block_size = kBlock;
  options.use_mpi = false;
  return parallel::map_reduce(
      n,
      [&](std::size_t i) -> Eigen::MatrixXd {
        const double wi = w(static_cast<Eigen::Index>(i));
        if (wi == 0.0) return Eigen::MatrixXd::Zero(dim, dim);
        return wi * f(i);
      },
      [](Eigen::MatrixXd a, const Eigen::MatrixXd& b) {
        a += b;
        return a;
      },
      options);
}

/// sum_i w_i log(W X_i Wᵀ) (W empty: the identity) over the same fixed blocks of kBlock
/// matrices in block order as weighted_sum, so the sum is bit-identical for any thread count;
/// each block is one call of linalg::weighted_log_sum (congruences, eigendecompositions and
/// logarithms of the block together, several matrices per SIMD register).
Eigen::MatrixXd block_log_sum(const std::vector<Eigen::MatrixXd>& xs, const Eigen::VectorXd& w,
                              const Eigen::MatrixXd& wm) {
  parallel::MapReduceOptions options;
  options.block_size = 1;  // one item = one block of kBlock matrices
  options.use_mpi = false;
  const std::size_t n = xs.size();
  return parallel::map_reduce(
      (n + kBlock - 1) / kBlock,
      [&](std::size_t b) -> Eigen::MatrixXd {
        const std::size_t i0 = b * kBlock, m = std::min(kBlock, n - i0);
        // prepare() has checked every matrix (same size, SPD).
        return linalg::detail::weighted_log_sum_unchecked(
            std::span<const Eigen::MatrixXd>(xs.data() + i0, m),
            std::span<const double>(w.data() + i0, m), wm);
      },
      [](Eigen::MatrixXd a, const Eigen::MatrixXd& b) {
        a += b;
        return a;
      },
      options);
}

/// J = Σ_i w_i log(M^{-1/2} X_i M^{-1/2}), the mean's gradient in the frame of M^{-1/2} (mm12).
/// With M = L Lᵀ, M^{-1/2} = U L⁻¹ for the orthogonal U = M^{-1/2} L, so every term is
/// U log(L⁻¹ X_i L⁻ᵀ) Uᵀ: the congruences go through the triangular L⁻¹ (n³ flops instead of
/// 3n³ each) and the frame is turned once per pass. Falls back to M^{-1/2} where the Cholesky
/// factorization of M fails.
Eigen::MatrixXd whitened_log_sum(const std::vector<Eigen::MatrixXd>& xs, const Eigen::VectorXd& w,
                                 const Eigen::MatrixXd& m, const Eigen::MatrixXd& mm12) {
  const Eigen::LLT<Eigen::MatrixXd> llt(m);
  if (llt.info() != Eigen::Success) return block_log_sum(xs, w, mm12);
  const Eigen::Index n = m.rows();
  const Eigen::MatrixXd linv = llt.matrixL().solve(Eigen::MatrixXd::Identity(n, n));
  const Eigen::MatrixXd jl = block_log_sum(xs, w, linv.triangularView<Eigen::Lower>());
  const Eigen::MatrixXd u = mm12 * llt.matrixL();
  return u * jl * u.transpose();
}

}  // namespace

void MeanOptions::validate() const {
  check_positive("sampo::riemann::MeanOptions", "tolerance", tolerance);
}

Eigen::MatrixXd mean_euclid(const std::vector<Eigen::MatrixXd>& xs,
                            const Eigen::Ref<const Eigen::VectorXd>& weights) {
  const Eigen::VectorXd w = prepare("sampo::riemann::mean_euclid", xs, weights, false);
  return weighted_sum(xs.size(), xs[0].rows(), w, [&](std::size_t i) { return xs[i]; });
}

Eigen::MatrixXd mean_logeuclid(const std::vector<Eigen::MatrixXd>& xs,
                               const Eigen::Ref<const Eigen::VectorXd>& weights) {
  const Eigen::VectorXd w = prepare("sampo::riemann::mean_logeuclid", xs, weights, true);
  Eigen::MatrixXd l = block_log_sum(xs, w, Eigen::MatrixXd());
  linalg::symmetrize_in_place(l);
  return linalg::spd_exp(l);
}

std::string_view to_string(MeanStepRule rule) noexcept {
  return rule == MeanStepRule::pyriemann ? "pyriemann" : "secant";
}

MeanStepRule mean_step_rule_from_string(std::string_view name) {
  if (name == "secant") return MeanStepRule::secant;
  if (name == "pyriemann") return MeanStepRule::pyriemann;
  throw_invalid_argument("sampo::riemann::mean_step_rule_from_string", "name", name,
                         "unknown step rule; known: secant, pyriemann");
}

MeanResult mean_riemann(const std::vector<Eigen::MatrixXd>& xs, const MeanOptions& options,
                        const Eigen::Ref<const Eigen::VectorXd>& weights) {
  constexpr const char* fn = "sampo::riemann::mean_riemann";
  options.validate();
  Stopwatch watch;
  const Eigen::VectorXd w = prepare(fn, xs, weights, true);
  const Eigen::Index dim = xs[0].rows();
  MeanResult result;
  if (options.init.size() != 0) {
    check_shape(fn, "options.init", options.init, dim, dim);
    check_spd(fn, "options.init", options.init);
    result.mean = options.init;
  } else {
    result.mean = weighted_sum(xs.size(), dim, w, [&](std::size_t i) { return xs[i]; });
  }
  const bool pyriemann = options.step_rule == MeanStepRule::pyriemann;
  double nu = 1.0, tau = std::numeric_limits<double>::max(), crit = 0.0;
  // The secant rule's memory: the last pass's gradient and step, the smallest ||J|| so far.
  Eigen::MatrixXd j_prev;
  double nu_prev = 1.0, crit_min = std::numeric_limits<double>::infinity();
  // The stall rule's memory (MeanOptions::stall_passes): ||J|| when it last halved, and the
  // passes since.
  double stall_ref = std::numeric_limits<double>::infinity();
  std::size_t stalled = 0;
  bool stall_stop = false;
  std::size_t it = 0;
  Termination why = Termination::max_iterations;
  for (; it < options.max_iterations; ++it) {
    if (cancel_requested(options.cancel)) {
      why = Termination::user_stopped;
      break;
    }
    const linalg::SymmetricEigen em = linalg::symmetric_eigen(result.mean);
    // The iterate must pass the SPD rule that spd_sqrt / spd_invsqrt apply; losing it is an
    // outcome (numerical_failure), not an error.
    if (!is_spd_spectrum(em.size(), em.min_eigenvalue(), em.max_eigenvalue())) {
      why = Termination::numerical_failure;
      break;
    }
    const Eigen::MatrixXd m12 = linalg::spd_sqrt(em);
    const Eigen::MatrixXd mm12 = linalg::spd_invsqrt(em);
    Eigen::MatrixXd j = whitened_log_sum(xs, w, result.mean, mm12);
    result.run.evaluations += xs.size();
    linalg::symmetrize_in_place(j);
    crit = j.norm();
    if (!pyriemann && it > 0) {
      // Barzilai–Borwein: s = nu_prev J_prev, y = J_prev − J (both in the whitened frame of
      // their iterate; the frames differ by a rotation of order ||nu J||, a second-order
      // effect on <s, y>); nu = <s, y>/<y, y> in [kMinStep, kMaxStep]. The iteration is
      // allowed to be non-monotone, as BB steps are, but a pass whose ||J|| exceeds
      // kBlowUp times the smallest so far halves the last step instead.
      constexpr double kMinStep = 0.1, kMaxStep = 10.0, kBlowUp = 4.0;
      if (!(crit <= kBlowUp * crit_min)) {
        nu = 0.5 * nu_prev;
      } else {
        const Eigen::MatrixXd y = j_prev - j;
        const double yy = y.squaredNorm();
        const double sy = nu_prev * j_prev.cwiseProduct(y).sum();
        nu = yy > 0.0 && sy > 0.0 ? std::clamp(sy / yy, kMinStep, kMaxStep) : nu_prev;
      }
    }
    if (std::isfinite(crit)) result.mean = linalg::congruence(m12, linalg::spd_exp(nu * j));
    if (options.progress != nullptr) options.progress->advance();
    if (pyriemann) {
      const double h = nu * crit;
      if (h < tau) {
        nu *= 0.95;
        tau = h;
      } else {
        nu *= 0.5;
      }
    } else {
      j_prev = std::move(j);
      nu_prev = nu;
      crit_min = std::min(crit_min, crit);
    }
    if (!std::isfinite(crit)) {
      why = Termination::numerical_failure;
      ++it;
      break;
    }
    if (crit <= options.tolerance) {
      why = Termination::converged;
      ++it;
      break;
    }
    if (nu <= options.tolerance) {
      why = Termination::numerical_failure;
      ++it;
      break;
    }
    if (crit < 0.5 * stall_ref) {
      stall_ref = crit;
      stalled = 0;
    } else if (options.stall_passes > 0 && ++stalled >= options.stall_passes) {
      why = Termination::numerical_failure;
      stall_stop = true;
      ++it;
      break;
    }
  }
  result.gradient_norm = crit;
  result.run.iterations = it;
  result.run.termination = why;
  result.run.seconds = watch.seconds();
  switch (why) {
    case Termination::converged:
      result.run.message = "||J||_F = " + format_value(crit) + " <= tolerance after " +
                           std::to_string(it) + " iterations";
      break;
    case Termination::numerical_failure:
      if (stall_stop) {
        result.run.message = "||J||_F stalled at " + format_value(crit) + " (reference " +
                             format_value(stall_ref) + "): not halved in " +
                             std::to_string(options.stall_passes) +
                             " passes; the rounding floor of these matrices lies above the "
                             "tolerance";
        break;
      }
      result.run.message = std::isfinite(crit) && nu <= options.tolerance
                               ? "step nu = " + format_value(nu) +
                                     " fell to the tolerance with ||J||_F = " + format_value(crit)
                               : "the iterate lost positive definiteness or ||J|| is not finite";
      break;
    case Termination::user_stopped:
      result.run.message = "stopped by the cancellation flag after " + std::to_string(it) +
                           " iterations" +
                           (it == 0 ? std::string(" (||J||_F not computed)")
                                    : ", ||J||_F = " + format_value(crit));
      break;
    default:
      // Reported in the Result (termination, message), not logged: callers decide (the CLI
      // prints it and exits with status 3).
      result.run.message =
          it == 0 ? "Convergence not reached: max_iterations = 0, the initial guess is returned "
                    "without any iteration (||J||_F not computed)"
                  : "Convergence not reached: ||J||_F = " + format_value(crit) + " after " +
                        std::to_string(it) + " iterations";
  }
  return result;
}

MeanResult mean(const std::vector<Eigen::MatrixXd>& xs, Metric metric, const MeanOptions& options,
                const Eigen::Ref<const Eigen::VectorXd>& weights) {
  if (metric == Metric::riemann) return mean_riemann(xs, options, weights);
  Stopwatch watch;
  MeanResult r;
  r.mean = metric == Metric::log_euclid ? mean_logeuclid(xs, weights) : mean_euclid(xs, weights);
  r.run.termination = Termination::converged;
  r.run.message = "closed form";
  r.run.seconds = watch.seconds();
  return r;
}

}  // namespace sampo::riemann

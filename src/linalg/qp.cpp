#include "sampo/linalg/qp.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/symmetric.hpp"

namespace sampo::linalg {
namespace {

/// The feasible set: projection and the exact solve on a fixed active set.
struct Feasible {
  bool simplex = true;
  Eigen::VectorXd lower, upper;  // box only

  Eigen::VectorXd project(const Eigen::VectorXd& v) const {
    if (simplex) return project_to_simplex(v);
    return v.cwiseMax(lower).cwiseMin(upper);
  }
};

/// Solves the QP with the variables outside the free set fixed where @p x has them
/// (simplex: x_i = 0; box: at a bound), the constraint Σx = 1 kept on the simplex.
/// Returns false if there is no free variable or the solution leaves the feasible set.
bool polish(const Feasible& set, const Eigen::MatrixXd& h, const Eigen::VectorXd& g,
            const Eigen::VectorXd& x, Eigen::VectorXd& candidate) {
  const Eigen::Index n = x.size();
  std::vector<Eigen::Index> free;
  for (Eigen::Index i = 0; i < n; ++i) {
    const bool fixed = set.simplex ? x(i) <= 0 : (x(i) <= set.lower(i) || x(i) >= set.upper(i));
    if (!fixed) free.push_back(i);
  }
  const auto nf = static_cast<Eigen::Index>(free.size());
  if (nf == 0) return false;
  candidate = x;
  if (set.simplex)
    for (Eigen::Index i = 0; i < n; ++i) candidate(i) = 0;  // fixed entries are exactly 0
  // Right-hand side -(g_F + H_F,fixed x_fixed).
  Eigen::VectorXd fixed_part = candidate;
  for (auto i : free) fixed_part(i) = 0;
  const Eigen::Index m = nf + (set.simplex ? 1 : 0);
  Eigen::MatrixXd k = Eigen::MatrixXd::Zero(m, m);
  Eigen::VectorXd rhs(m);
  for (Eigen::Index a = 0; a < nf; ++a) {
    for (Eigen::Index b = 0; b < nf; ++b) k(a, b) = h(free[a], free[b]);
    rhs(a) = -(g(free[a]) + h.row(free[a]).dot(fixed_part));
  }
  if (set.simplex) {
    k.row(nf).head(nf).setOnes();
    k.col(nf).head(nf).setOnes();
    rhs(nf) = 1.0;
  }
  const Eigen::VectorXd sol = Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(k).solve(rhs);
  for (Eigen::Index a = 0; a < nf; ++a) {
    const double v = sol(a);
    const Eigen::Index i = free[a];
    if (!std::isfinite(v)) return false;
    if (set.simplex ? v < 0 : (v < set.lower(i) || v > set.upper(i))) return false;
    candidate(i) = v;
  }
  return true;
}

QpResult solve(std::string_view fn, const Eigen::Ref<const Eigen::MatrixXd>& h_in,
               const Eigen::Ref<const Eigen::VectorXd>& g_in, const Feasible& set,
               Eigen::VectorXd x, const QpOptions& options) {
  Stopwatch clock;
  Eigen::MatrixXd h = h_in;
  symmetrize_in_place(h);
  const Eigen::VectorXd g = g_in;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(h, Eigen::EigenvaluesOnly);
  const double lmin = es.eigenvalues()(0), lmax = es.eigenvalues()(h.rows() - 1);
  const double hnorm = std::max(std::abs(lmin), std::abs(lmax));
  if (lmin < -1e-10 * hnorm)
    throw_invalid_argument(fn, "h", {},
                           "is not positive semidefinite (smallest eigenvalue " +
                               format_value(lmin) + ", largest " + format_value(lmax) + ")");
  const double gnorm = g.cwiseAbs().maxCoeff();
  double bound = 1.0;
  if (!set.simplex)
    bound = std::max({1.0, set.lower.cwiseAbs().maxCoeff(), set.upper.cwiseAbs().maxCoeff()});
  // Lipschitz constant of ∇f; kept away from 0 so that a linear objective takes finite steps.
  const double lip = std::max({lmax, 1e-14 * (lmax + gnorm), std::numeric_limits<double>::min()});
  // Reference step of the optimality measure: bound / (gradient scale), so that a step moves x
  // by at most about the size of the feasible set whatever the units of H and g.
  double scale = lmax * bound + gnorm;
  if (!(scale > 0)) scale = 1.0;
  const double t_ref = bound / scale;

  QpResult out;
  std::size_t products = 0;
  auto gradient = [&](const Eigen::VectorXd& v) {
    ++products;
    Eigen::VectorXd gr = g;
    gr.noalias() += h * v;
    return gr;
  };
  auto residual = [&](const Eigen::VectorXd& v, const Eigen::VectorXd& grad) {
    return (v - set.project(v - t_ref * grad)).cwiseAbs().maxCoeff() / bound;
  };

  Eigen::VectorXd grad = gradient(x);
  double res = residual(x, grad);
  Eigen::VectorXd y = x, candidate;
  double theta = 1.0;
  std::size_t it = 0;
  Termination why = Termination::max_iterations;
  while (true) {
    if (!std::isfinite(res)) {
      why = Termination::numerical_failure;
      break;
    }
    if (res <= options.tolerance) {
      why = Termination::converged;
      break;
    }
    if (cancel_requested(options.cancel)) {
      why = Termination::user_stopped;
      break;
    }
    if (it >= options.max_iterations) break;
    ++it;
    if (options.progress != nullptr) options.progress->advance();
    const Eigen::VectorXd x_new = set.project(y - gradient(y) / lip);
    if ((y - x_new).dot(x_new - x) > 0) theta = 1.0;  // restart: momentum points uphill
    const double theta_new = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * theta * theta));
    y = x_new + ((theta - 1.0) / theta_new) * (x_new - x);
    theta = theta_new;
    x = x_new;
    grad = gradient(x);
    res = residual(x, grad);
    if (res > options.tolerance && it % 5 == 0 && polish(set, h, g, x, candidate)) {
      const Eigen::VectorXd cgrad = gradient(candidate);
      const double cres = residual(candidate, cgrad);
      if (cres < res) {
        x = candidate;
        y = candidate;
        grad = cgrad;
        res = cres;
        theta = 1.0;
      }
    }
  }
  out.x = std::move(x);
  out.objective = out.x.dot(0.5 * (h * out.x) + g);
  out.kkt_residual = res;
  out.run.termination = why;
  out.run.iterations = it;
  out.run.evaluations = products;
  out.run.seconds = clock.seconds();
  switch (why) {
    case Termination::converged:
      out.run.message = "relative KKT residual " + format_value(res) + " <= tolerance";
      break;
    case Termination::numerical_failure:
      out.run.message = "the KKT residual became non-finite";
      break;
    case Termination::user_stopped:
      out.run.message = "stopped by the cancellation flag after " + std::to_string(it) +
                        " iterations with relative KKT residual " + format_value(res);
      break;
    default:
      out.run.message = "max_iterations reached with relative KKT residual " + format_value(res);
  }
  return out;
}

void check_problem(std::string_view fn, const Eigen::Ref<const Eigen::MatrixXd>& h,
                   const Eigen::Ref<const Eigen::VectorXd>& g) {
  check_symmetric(fn, "h", h);
  check_shape(fn, "g", g, h.rows(), 1);
  check_finite(fn, "g", g);
}

}  // namespace

void QpOptions::validate() const {
  constexpr std::string_view fn = "sampo::linalg::QpOptions";
  check_positive(fn, "tolerance", tolerance);
  if (max_iterations == 0) throw_invalid_argument(fn, "max_iterations", "0", "must be >= 1");
}

Eigen::VectorXd project_to_simplex(const Eigen::Ref<const Eigen::VectorXd>& v) {
  constexpr std::string_view fn = "sampo::linalg::project_to_simplex";
  check_nonempty(fn, "v", static_cast<std::size_t>(v.size()));
  check_finite(fn, "v", v);
  std::vector<double> u(v.data(), v.data() + v.size());
  std::sort(u.begin(), u.end(), std::greater<>());
  // τ = (Σ_{i<=ρ} u_i - 1)/ρ for the largest ρ with u_ρ > τ_ρ (Held, Wolfe & Crowder 1974).
  double cumulative = 0, tau = 0;
  for (std::size_t j = 0; j < u.size(); ++j) {
    cumulative += u[j];
    const double t = (cumulative - 1.0) / static_cast<double>(j + 1);
    if (u[j] > t) tau = t;
  }
  return (v.array() - tau).cwiseMax(0.0).matrix();
}

QpResult qp_simplex(const Eigen::Ref<const Eigen::MatrixXd>& h,
                    const Eigen::Ref<const Eigen::VectorXd>& g, const QpOptions& options) {
  constexpr std::string_view fn = "sampo::linalg::qp_simplex";
  options.validate();
  check_problem(fn, h, g);
  const Eigen::Index n = h.rows();
  return solve(fn, h, g, Feasible{}, Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n)),
               options);
}

QpResult qp_box(const Eigen::Ref<const Eigen::MatrixXd>& h, const Eigen::Ref<const Eigen::VectorXd>& g,
                const Eigen::Ref<const Eigen::VectorXd>& lower,
                const Eigen::Ref<const Eigen::VectorXd>& upper, const QpOptions& options) {
  constexpr std::string_view fn = "sampo::linalg::qp_box";
  options.validate();
  check_problem(fn, h, g);
  check_shape(fn, "lower", lower, h.rows(), 1);
  check_shape(fn, "upper", upper, h.rows(), 1);
  check_finite(fn, "lower", lower);
  check_finite(fn, "upper", upper);
  for (Eigen::Index i = 0; i < lower.size(); ++i)
    if (lower(i) > upper(i))
      throw_invalid_argument(fn, "lower", {},
                             "entry " + std::to_string(i) + " = " + format_value(lower(i)) +
                                 " exceeds upper = " + format_value(upper(i)));
  Feasible set{false, lower, upper};
  Eigen::VectorXd x0 = Eigen::VectorXd::Zero(h.rows()).cwiseMax(lower).cwiseMin(upper);
  return solve(fn, h, g, set, std::move(x0), options);
}

}  // namespace sampo::linalg

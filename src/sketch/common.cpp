#include "common.hpp"

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/qr.hpp"

namespace sampo::sketch::detail {
namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();

/// φ(r) = (r² + η²)^{p/2} and its first two derivatives (η = 0: |r|^p).
struct Smoothed {
  double p, eta2;
  [[nodiscard]] double value(double r) const {
    const double s = r * r + eta2;
    return s == 0.0 ? 0.0 : std::pow(s, 0.5 * p);
  }
  [[nodiscard]] double first(double r) const {
    const double s = r * r + eta2;
    return s == 0.0 ? 0.0 : p * r * std::pow(s, 0.5 * p - 1.0);
  }
  [[nodiscard]] double second(double r) const {
    const double s = r * r + eta2;
    if (s == 0.0) return p == 2.0 ? 2.0 : 0.0;
    return p * std::pow(s, 0.5 * p - 2.0) * ((p - 1.0) * r * r + eta2);
  }
};

double smoothed_sum(const Eigen::VectorXd& r, const Smoothed& phi) {
  double f = 0.0;
  for (Eigen::Index j = 0; j < r.size(); ++j) f += phi.value(r(j));
  return f;
}

/// The dual bound of solve_lp's comment for the gradient u at residual r (scaled problem).
double dual_bound(const Eigen::Ref<const Eigen::MatrixXd>& m, const Eigen::VectorXd& b,
                  const Eigen::VectorXd* c, const Eigen::VectorXd& u, double p) {
  Eigen::VectorXd mu = m.transpose() * u;
  double lambda = 0.0;
  if (c != nullptr) {
    lambda = c->dot(mu) / c->squaredNorm();
    mu -= lambda * *c;
  }
  const Eigen::VectorXd proj = u - m * mu;
  const double q = p == 1.0 ? std::numeric_limits<double>::infinity() : p / (p - 1.0);
  const double norm_q = lp_norm(proj, q);
  if (!(norm_q > 0.0)) return 0.0;
  const double bound = (lambda - (b.size() ? proj.dot(b) : 0.0)) / norm_q;
  return std::isfinite(bound) ? std::max(bound, 0.0) : 0.0;
}
/// The p = 1 vertex polish of solve_lp: with S the k = r − (1 if constrained) rows of smallest
/// |residual|, the y with (My − b)_S = 0 (and cᵀy = 1), and the dual u = sign(r) off S with
/// u_S (and λ) solving Mᵀu = λc: an exact optimality certificate when |u_S| <= 1.
struct L1Vertex {
  bool ok = false;
  Eigen::VectorXd y;
  double upper = 0.0, lower = 0.0;
};
L1Vertex l1_vertex(const Eigen::Ref<const Eigen::MatrixXd>& m, const Eigen::VectorXd& b,
                   const Eigen::VectorXd* c, const Eigen::VectorXd& res) {
  const Eigen::Index rows = m.rows(), r = m.cols();
  const Eigen::Index k = r - (c != nullptr ? 1 : 0);
  L1Vertex out;
  if (k > rows) return out;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(rows));
  for (Eigen::Index j = 0; j < rows; ++j) order[static_cast<std::size_t>(j)] = j;
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](Eigen::Index i, Eigen::Index j) {
    return std::abs(res(i)) < std::abs(res(j)) || (std::abs(res(i)) == std::abs(res(j)) && i < j);
  });
  Eigen::MatrixXd sys(r, r);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(r);
  for (Eigen::Index q = 0; q < k; ++q) {
    const Eigen::Index j = order[static_cast<std::size_t>(q)];
    sys.row(q) = m.row(j);
    if (b.size()) rhs(q) = b(j);
  }
  if (c != nullptr) {
    sys.row(k) = c->transpose();
    rhs(k) = 1.0;
  }
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(sys);
  if (!lu.isInvertible()) return out;
  out.y = lu.solve(rhs);
  Eigen::VectorXd vres = m * out.y;
  if (b.size()) vres -= b;
  out.upper = vres.cwiseAbs().sum();
  // Dual: u = sign(res) off S; on S (and λ) from Mᵀu = λc, i.e. sysᵀ [u_S; −λ] = −M_offᵀ sign.
  Eigen::VectorXd u(rows);
  for (Eigen::Index j = 0; j < rows; ++j) u(j) = vres(j) > 0 ? 1.0 : (vres(j) < 0 ? -1.0 : 0.0);
  for (Eigen::Index q = 0; q < k; ++q) u(order[static_cast<std::size_t>(q)]) = 0.0;
  const Eigen::VectorXd z = lu.transpose().solve(Eigen::VectorXd(-(m.transpose() * u)));
  for (Eigen::Index q = 0; q < k; ++q) u(order[static_cast<std::size_t>(q)]) = z(q);
  out.lower = dual_bound(m, b, c, u, 1.0);
  out.ok = std::isfinite(out.upper);
  return out;
}
}  // namespace

void check_p(std::string_view function, std::string_view name, double p) {
  if (!(p >= 1.0) || !std::isfinite(p))
    throw_invalid_argument(function, name, format_value(p), "must be finite and >= 1");
}

void check_irls_options(std::string_view function, double tolerance,
                        std::size_t max_iterations, double smoothing_floor) {
  if (!(tolerance > 0.0 && tolerance < 1.0))
    throw_invalid_argument(function, "tolerance", format_value(tolerance), "must be in (0, 1)");
  if (max_iterations == 0) throw_invalid_argument(function, "max_iterations", "0", "must be >= 1");
  if (!(smoothing_floor > 0.0 && smoothing_floor < 1.0))
    throw_invalid_argument(function, "smoothing_floor", format_value(smoothing_floor),
                           "must be in (0, 1)");
}

void check_tall(std::string_view function, std::string_view name,
                const Eigen::Ref<const Eigen::MatrixXd>& a) {
  check_nonempty(function, name, static_cast<std::size_t>(a.size()));
  if (a.rows() < a.cols()) {
    std::string shape = std::to_string(a.rows());
    shape.append(" x ").append(std::to_string(a.cols()));
    throw_invalid_argument(function, name, shape,
                           "must have at least as many rows as columns (n >= d)");
  }
  check_finite(function, name, a);
}

RangeBasis range_basis(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  const linalg::ThinQr qr = linalg::thin_qr(a);
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(qr.r, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::VectorXd& sigma = svd.singularValues();
  const Eigen::Index d = a.cols();
  const double tol = static_cast<double>(std::max(a.rows(), d)) * kEps * sigma(0);
  RangeBasis out;
  while (out.rank < d && sigma(out.rank) > tol) ++out.rank;
  const Eigen::Index r = out.rank;
  out.u = qr.q * svd.matrixU().leftCols(r);
  out.t = svd.matrixV().leftCols(r) * sigma.head(r).cwiseInverse().asDiagonal();
  return out;
}

double lp_norm(const Eigen::Ref<const Eigen::VectorXd>& v, double p) {
  const double scale = v.size() ? v.cwiseAbs().maxCoeff() : 0.0;
  if (std::isinf(p) || scale == 0.0) return scale;
  double s = 0.0;
  for (Eigen::Index j = 0; j < v.size(); ++j) s += std::pow(std::abs(v(j)) / scale, p);
  return scale * std::pow(s, 1.0 / p);
}

LpSolveOutcome solve_lp(const Eigen::Ref<const Eigen::MatrixXd>& m,
                        const Eigen::Ref<const Eigen::VectorXd>& b_in, const Eigen::VectorXd* c_in,
                        const LpSolveSettings& s) {
  const Eigen::Index rows = m.rows(), r = m.cols();
  const double p = s.p;
  // Scale to a unit problem: ĉ = c/‖c‖ (y = ŷ/‖c‖) or b̂ = b/‖b‖ (y = ‖b‖ŷ); norms scale alike.
  double scale = 1.0;
  Eigen::VectorXd c, b;
  if (c_in != nullptr) {
    scale = 1.0 / c_in->norm();
    c = *c_in * scale;
    if (b_in.size()) b = b_in / scale;
  } else {
    scale = b_in.size() ? b_in.norm() : 0.0;
    if (scale > 0.0) b = b_in / scale;
  }
  LpSolveOutcome out;
  // The ℓ2 solution: y = Mᵀb (+ c(1 − cᵀMᵀb) constrained, ‖c‖ = 1).
  Eigen::VectorXd y = b.size() ? Eigen::VectorXd(m.transpose() * b) : Eigen::VectorXd::Zero(r);
  if (c_in != nullptr) y += c * (1.0 - c.dot(y));
  auto residual = [&](const Eigen::VectorXd& v) -> Eigen::VectorXd {
    Eigen::VectorXd res = m * v;
    if (b.size()) res -= b;
    return res;
  };
  Eigen::VectorXd res = residual(y);
  const double rms = res.norm() / std::sqrt(static_cast<double>(rows));
  if (c_in == nullptr && (scale == 0.0 || rms == 0.0)) {  // b = 0 or b in range(M): exact fit
    out.y = y * scale;
    out.converged = true;
    return out;
  }
  const bool smooth = p < 2.0;
  double eta = smooth ? rms : 0.0;
  const double eta_min = s.smoothing_floor * rms;
  double upper = lp_norm(res, p), lower = 0.0;
  Eigen::VectorXd best_y = y;
  for (;;) {
    const Smoothed phi{p, eta * eta};
    double f = smoothed_sum(res, phi);
    bool stage_done = false;
    while (!stage_done && out.iterations < s.max_iterations) {
      ++out.iterations;
      Eigen::VectorXd g1(rows), h(rows);
      for (Eigen::Index j = 0; j < rows; ++j) {
        g1(j) = phi.first(res(j));
        h(j) = phi.second(res(j));
      }
      const Eigen::VectorXd g = m.transpose() * g1;
      Eigen::MatrixXd hess = m.transpose() * h.asDiagonal() * m;
      const double ridge = 1e-14 * std::max(hess.diagonal().maxCoeff(), 1e-300);
      hess.diagonal().array() += ridge;
      const Eigen::LDLT<Eigen::MatrixXd> ldlt(hess);
      Eigen::VectorXd step = -ldlt.solve(g);
      if (c_in != nullptr) {
        const Eigen::VectorXd v = ldlt.solve(c);
        step -= v * (c.dot(step) / c.dot(v));  // keep cᵀ step = 0
      }
      const double slope = g.dot(step);
      if (!std::isfinite(slope) || slope >= 0.0 || -slope <= 1e-15 * f) {
        stage_done = true;
        break;
      }
      double t = 1.0;
      bool accepted = false;
      for (int k = 0; k < 60; ++k, t *= 0.5) {
        const Eigen::VectorXd trial = y + t * step;
        const Eigen::VectorXd trial_res = residual(trial);
        const double ft = smoothed_sum(trial_res, phi);
        if (ft <= f + 0.25 * t * slope) {
          y = trial;
          res = trial_res;
          if (c_in != nullptr) {  // undo the rounding drift of cᵀy (H⁻¹ may be huge for p < 2)
            y += c * (1.0 - c.dot(y));
            res = residual(y);
          }
          accepted = ft < f;
          f = ft;
          break;
        }
      }
      if (!accepted || -slope <= 1e-13 * f) stage_done = true;
    }
    // Certificate at this stage's iterate.
    Eigen::VectorXd u(rows);
    const Smoothed cert{p, eta * eta};
    for (Eigen::Index j = 0; j < rows; ++j) u(j) = cert.first(res(j));
    const double value = lp_norm(res, p);
    if (value <= upper) {
      upper = value;
      best_y = y;
    }
    lower = std::max(lower, dual_bound(m, b, c_in != nullptr ? &c : nullptr, u, p));
    if (p == 1.0) {
      // An LP: try the vertex whose active set is the smallest residuals, and its exact dual.
      const L1Vertex v = l1_vertex(m, b, c_in != nullptr ? &c : nullptr, res);
      if (v.ok) {
        if (v.upper < upper) {
          upper = v.upper;
          best_y = v.y;
        }
        lower = std::max(lower, v.lower);
      }
    }
    // Converged: the certified relative gap, or a gap at rounding level of the unit problem.
    if (upper - lower <= s.tolerance * upper + 64 * kEps * std::pow(static_cast<double>(rows), 1.0 / p)) {
      out.converged = true;
      break;
    }
    if (!smooth || eta <= eta_min || out.iterations >= s.max_iterations) break;
    eta = std::max(eta * 0.1, eta_min);
  }
  out.y = best_y * scale;
  out.upper = upper * scale;
  out.lower = std::min(lower, upper) * scale;
  return out;
}

}  // namespace sampo::sketch::detail

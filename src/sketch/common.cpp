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
#include "sampo/linalg/symmetric.hpp"

namespace sampo::sketch::detail {
namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();

/// φ(r) = (r² + η²)^{p/2} and its first two derivatives (η = 0: |r|^p).
/// p = 1 and p = 2 by square roots and products (no pow: the solver's hot loops), p = 3 with
/// η = 0 likewise; derivatives() gives φ' and φ'' from one pow for other p.
struct Smoothed {
  double p, eta2;
  [[nodiscard]] double value(double r) const {
    const double s = r * r + eta2;
    if (s == 0.0) return 0.0;
    if (p == 1.0) return std::sqrt(s);
    if (p == 2.0) return s;
    if (p == 3.0 && eta2 == 0.0) return s * std::abs(r);
    return std::pow(s, 0.5 * p);
  }
  [[nodiscard]] double first(double r) const {
    double g = 0.0, h = 0.0;
    derivatives(r, g, h);
    return g;
  }
  /// g = φ'(r) = p r s^{p/2−1}, h = φ''(r) = p s^{p/2−2}((p − 1)r² + η²), s = r² + η².
  void derivatives(double r, double& g, double& h) const {
    const double s = r * r + eta2;
    if (s == 0.0) {
      g = 0.0;
      h = p == 2.0 ? 2.0 : 0.0;
      return;
    }
    if (p == 1.0) {
      const double root = std::sqrt(s);
      g = r / root;
      h = eta2 / (s * root);
      return;
    }
    if (p == 2.0) {
      g = 2.0 * r;
      h = 2.0;
      return;
    }
    if (p == 3.0 && eta2 == 0.0) {
      const double a = std::abs(r);
      g = 3.0 * r * a;
      h = 6.0 * a;
      return;
    }
    const double t = std::pow(s, 0.5 * p - 2.0);  // s^{p/2−2}
    g = p * r * (s * t);
    h = p * t * ((p - 1.0) * r * r + eta2);
  }
};

/// The operations of solve_lp on its basis M: dense and sparse (M = A·T, never formed).
using DenseRef = Eigen::Ref<const Eigen::MatrixXd>;
Eigen::Index basis_rows(const DenseRef& m) { return m.rows(); }
Eigen::Index basis_cols(const DenseRef& m) { return m.cols(); }
Eigen::VectorXd times(const DenseRef& m, const Eigen::VectorXd& y) { return m * y; }
Eigen::VectorXd times_t(const DenseRef& m, const Eigen::VectorXd& u) { return m.transpose() * u; }
Eigen::VectorXd minus_times(const DenseRef& m, const Eigen::VectorXd& u, const Eigen::VectorXd& y) {
  return u - m * y;
}
/// MᵀDM = WᵀW with W = D^{1/2}M (D >= 0: φ is convex) by linalg::gram (the lower triangle
/// only, its AVX2 + FMA kernel where the processor has it), over fixed chunks of rows added in
/// order (each chunk below gram's blocking threshold: one serial kernel call, no OpenMP region
/// inside the caller's rows). A non-finite h falls back to the general product.
Eigen::MatrixXd weighted_gram(const DenseRef& m, const Eigen::VectorXd& h) {
  if (!h.allFinite()) return m.transpose() * h.asDiagonal() * m;
  constexpr Eigen::Index kChunk = 4096;
  const Eigen::Index n = m.rows(), r = m.cols();
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(r, r);
  Eigen::MatrixXd w;
  for (Eigen::Index r0 = 0; r0 < n; r0 += kChunk) {
    const Eigen::Index len = std::min(kChunk, n - r0);
    w = h.segment(r0, len).cwiseSqrt().asDiagonal() * m.middleRows(r0, len);
    out += linalg::gram(w);
  }
  return out;
}
Eigen::RowVectorXd basis_row(const DenseRef& m, Eigen::Index j) { return m.row(j); }

Eigen::Index basis_rows(const SparseBasis& m) { return m.a.rows(); }
Eigen::Index basis_cols(const SparseBasis& m) { return m.t.cols(); }
Eigen::VectorXd times(const SparseBasis& m, const Eigen::VectorXd& y) {
  const Eigen::VectorXd x = m.t * y;
  Eigen::VectorXd out(m.a.rows());
  for (Eigen::Index i = 0; i < m.a.rows(); ++i) {
    double v = 0.0;
    for (RowSparse::InnerIterator it(m.a, i); it; ++it) v += it.value() * x(it.col());
    out(i) = v;
  }
  return out;
}
Eigen::VectorXd times_t(const SparseBasis& m, const Eigen::VectorXd& u) {
  Eigen::VectorXd w = Eigen::VectorXd::Zero(m.a.cols());
  for (Eigen::Index i = 0; i < m.a.rows(); ++i) {
    const double ui = u(i);
    if (ui == 0.0) continue;
    for (RowSparse::InnerIterator it(m.a, i); it; ++it) w(it.col()) += it.value() * ui;
  }
  return m.t.transpose() * w;
}
Eigen::VectorXd minus_times(const SparseBasis& m, const Eigen::VectorXd& u, const Eigen::VectorXd& y) {
  return u - times(m, y);
}
Eigen::MatrixXd weighted_gram(const SparseBasis& m, const Eigen::VectorXd& h) {
  const Eigen::Index d = m.a.cols();
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(d, d);  // upper triangle of AᵀDA
  for (Eigen::Index i = 0; i < m.a.rows(); ++i) {
    const double hi = h(i);
    if (hi == 0.0) continue;
    for (RowSparse::InnerIterator it(m.a, i); it; ++it) {
      const double v = hi * it.value();
      for (RowSparse::InnerIterator jt = it; jt; ++jt) g(it.col(), jt.col()) += v * jt.value();
    }
  }
  const Eigen::MatrixXd gt = g.selfadjointView<Eigen::Upper>() * m.t;
  return m.t.transpose() * gt;
}
Eigen::RowVectorXd basis_row(const SparseBasis& m, Eigen::Index j) {
  Eigen::RowVectorXd out = Eigen::RowVectorXd::Zero(m.t.cols());
  for (RowSparse::InnerIterator it(m.a, j); it; ++it) out += it.value() * m.t.row(it.col());
  return out;
}

double smoothed_sum(const Eigen::VectorXd& r, const Smoothed& phi) {
  double f = 0.0;
  for (Eigen::Index j = 0; j < r.size(); ++j) f += phi.value(r(j));
  return f;
}

/// The dual bound of solve_lp's comment for the gradient u at residual r (scaled problem).
template <class Basis>
double dual_bound(const Basis& m, const Eigen::VectorXd& b, const Eigen::VectorXd* c,
                  const Eigen::VectorXd& u, double p) {
  Eigen::VectorXd mu = times_t(m, u);
  double lambda = 0.0;
  if (c != nullptr) {
    lambda = c->dot(mu) / c->squaredNorm();
    mu -= lambda * *c;
  }
  const Eigen::VectorXd proj = minus_times(m, u, mu);
  const double q = p == 1.0 ? std::numeric_limits<double>::infinity() : p / (p - 1.0);
  const double norm_q = lp_norm(proj, q);
  if (!(norm_q > 0.0)) return 0.0;
  const double bound = (lambda - (b.size() ? proj.dot(b) : 0.0)) / norm_q;
  return std::isfinite(bound) ? std::max(bound, 0.0) : 0.0;
}
/// The p = 1 vertex polish of solve_lp: with S the k = r − (1 if constrained) rows of smallest
/// |residual| (when those are dependent: the smallest that are independent), the y with (My − b)_S = 0 (and cᵀy = 1), and the dual u = sign(r) off S with
/// u_S (and λ) solving Mᵀu = λc: an exact optimality certificate when |u_S| <= 1.
struct L1Vertex {
  bool ok = false;
  Eigen::VectorXd y;
  double upper = 0.0, lower = 0.0;
};
template <class Basis>
L1Vertex l1_vertex(const Basis& m, const Eigen::VectorXd& b, const Eigen::VectorXd* c,
                   const Eigen::VectorXd& res, const Eigen::VectorXd& smooth_dual) {
  const Eigen::Index rows = basis_rows(m), r = basis_cols(m);
  const Eigen::Index k = r - (c != nullptr ? 1 : 0);
  L1Vertex out;
  if (k > rows) return out;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(rows));
  for (Eigen::Index j = 0; j < rows; ++j) order[static_cast<std::size_t>(j)] = j;
  const auto smaller = [&](Eigen::Index i, Eigen::Index j) {
    return std::abs(res(i)) < std::abs(res(j)) || (std::abs(res(i)) == std::abs(res(j)) && i < j);
  };
  std::partial_sort(order.begin(), order.begin() + k, order.end(), smaller);
  Eigen::MatrixXd sys(r, r);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(r);
  const auto fill = [&] {
    for (Eigen::Index q = 0; q < k; ++q) {
      const Eigen::Index j = order[static_cast<std::size_t>(q)];
      sys.row(q) = basis_row(m, j);
      rhs(q) = b.size() ? b(j) : 0.0;
    }
    if (c != nullptr) {
      sys.row(k) = c->transpose();
      rhs(k) = 1.0;
    }
  };
  fill();
  Eigen::FullPivLU<Eigen::MatrixXd> lu(sys);
  if (!lu.isInvertible()) {
    // A degenerate LP (e.g. repeated or parallel rows, as in sparse A): the k smallest
    // residuals need not give independent rows. Take instead, in the same order, each row
    // independent of (c and) the rows already taken (Gram–Schmidt, twice; relative 1e-8).
    std::sort(order.begin(), order.end(), smaller);
    Eigen::MatrixXd basis(r, r);
    Eigen::Index taken = 0;
    if (c != nullptr) {
      basis.col(0) = *c / c->norm();
      taken = 1;
    }
    Eigen::Index chosen = 0;
    for (std::size_t pos = 0; pos < order.size() && chosen < k; ++pos) {
      Eigen::VectorXd v = basis_row(m, order[pos]).transpose();
      const double norm = v.norm();
      if (!(norm > 0.0)) continue;
      for (int pass = 0; pass < 2; ++pass)
        v -= basis.leftCols(taken) * (basis.leftCols(taken).transpose() * v);
      const double left = v.norm();
      if (!(left > 1e-8 * norm)) continue;
      basis.col(taken++) = v / left;
      order[static_cast<std::size_t>(chosen++)] = order[pos];
    }
    if (chosen < k) return out;
    fill();
    lu.compute(sys);
    if (!lu.isInvertible()) return out;
  }
  out.y = lu.solve(rhs);
  Eigen::VectorXd vres = times(m, out.y);
  if (b.size()) vres -= b;
  out.upper = vres.cwiseAbs().sum();
  // Dual: u = sign(res) off S; on S (and λ) from Mᵀu = λc, i.e. sysᵀ [u_S; −λ] = −M_offᵀ sign.
  // A degenerate vertex also has zero residuals off S (at rounding level, whose sign is noise):
  // there u takes the smoothed problem's dual φ'(r) (in [−1, 1]) instead.
  Eigen::VectorXd u(rows);
  const double zero = 1e-12 * vres.cwiseAbs().maxCoeff();
  for (Eigen::Index j = 0; j < rows; ++j) {
    if (std::abs(vres(j)) <= zero)
      u(j) = std::clamp(smooth_dual(j), -1.0, 1.0);
    else
      u(j) = vres(j) > 0 ? 1.0 : -1.0;
  }
  for (Eigen::Index q = 0; q < k; ++q) u(order[static_cast<std::size_t>(q)]) = 0.0;
  const Eigen::VectorXd z = lu.transpose().solve(Eigen::VectorXd(-times_t(m, u)));
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

namespace {
/// T = V_r Σ_r⁻¹ and the rank from the SVD of R (A = QR, n rows): singular values below
/// max(n, d)·eps·σ_max count as zero.
template <class Svd>
void transform_from_svd(const Svd& svd, Eigen::Index n, RangeBasis& out) {
  const Eigen::VectorXd& sigma = svd.singularValues();
  const Eigen::Index d = sigma.size();
  const double tol = static_cast<double>(std::max(n, d)) * kEps * sigma(0);
  while (out.rank < d && sigma(out.rank) > tol) ++out.rank;
  out.t = svd.matrixV().leftCols(out.rank) * sigma.head(out.rank).cwiseInverse().asDiagonal();
}
}  // namespace

RangeBasis range_basis(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  const linalg::ThinQr qr = linalg::thin_qr(a);
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(qr.r, Eigen::ComputeFullU | Eigen::ComputeFullV);
  RangeBasis out;
  transform_from_svd(svd, a.rows(), out);
  out.u = qr.q * svd.matrixU().leftCols(out.rank);
  return out;
}

RangeBasis range_transform(const Eigen::SparseMatrix<double>& a) {
  const Eigen::MatrixXd r = linalg::sparse_qr_r(a);
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(r, Eigen::ComputeFullV);
  RangeBasis out;
  transform_from_svd(svd, a.rows(), out);
  return out;
}

void check_sparse_tall(std::string_view fn, const Eigen::SparseMatrix<double>& a) {
  if (a.rows() == 0 || a.cols() == 0) throw_invalid_argument(fn, "a", "empty", "is empty");
  if (a.rows() < a.cols()) {
    std::string shape = std::to_string(a.rows());
    shape.append(" x ").append(std::to_string(a.cols()));
    throw_invalid_argument(fn, "a", shape, "must have at least as many rows as columns (n >= d)");
  }
  for (Eigen::Index j = 0; j < a.outerSize(); ++j)
    for (Eigen::SparseMatrix<double>::InnerIterator it(a, j); it; ++it)
      if (!std::isfinite(it.value())) {
        std::string where = "a(";
        where.append(std::to_string(it.row())).append(", ").append(std::to_string(it.col())).append(")");
        throw_invalid_argument(fn, where, format_value(it.value()), "must be finite");
      }
}

double lp_norm(const Eigen::Ref<const Eigen::VectorXd>& v, double p) {
  const double scale = v.size() ? v.cwiseAbs().maxCoeff() : 0.0;
  if (std::isinf(p) || scale == 0.0) return scale;
  double s = 0.0;
  for (Eigen::Index j = 0; j < v.size(); ++j) s += std::pow(std::abs(v(j)) / scale, p);
  return scale * std::pow(s, 1.0 / p);
}

namespace {
template <class Basis>
LpSolveOutcome solve_lp_impl(const Basis& m, const Eigen::Ref<const Eigen::VectorXd>& b_in,
                             const Eigen::VectorXd* c_in, const LpSolveSettings& s) {
  const Eigen::Index rows = basis_rows(m), r = basis_cols(m);
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
  Eigen::VectorXd y = b.size() ? times_t(m, b) : Eigen::VectorXd::Zero(r);
  if (c_in != nullptr) y += c * (1.0 - c.dot(y));
  auto residual = [&](const Eigen::VectorXd& v) -> Eigen::VectorXd {
    Eigen::VectorXd res = times(m, v);
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
    // Intermediate smoothing stages only need a point near their centre for the next stage to
    // start from; the last one (and p >= 2) is solved to rounding.
    const double stage_tolerance = smooth && eta > eta_min ? 1e-6 : 1e-13;
    double f = smoothed_sum(res, phi);
    bool stage_done = false;
    while (!stage_done && out.iterations < s.max_iterations) {
      ++out.iterations;
      Eigen::VectorXd g1(rows), h(rows);
      for (Eigen::Index j = 0; j < rows; ++j) phi.derivatives(res(j), g1(j), h(j));
      const Eigen::VectorXd g = times_t(m, g1);
      Eigen::MatrixXd hess = weighted_gram(m, h);
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
      if (!accepted || -slope <= stage_tolerance * f) stage_done = true;
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
      const L1Vertex v = l1_vertex(m, b, c_in != nullptr ? &c : nullptr, res, u);
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

}  // namespace

LpSolveOutcome solve_lp(const Eigen::Ref<const Eigen::MatrixXd>& m,
                        const Eigen::Ref<const Eigen::VectorXd>& b, const Eigen::VectorXd* c,
                        const LpSolveSettings& settings) {
  return solve_lp_impl(m, b, c, settings);
}

LpSolveOutcome solve_lp(const SparseBasis& m, const Eigen::VectorXd* c,
                        const LpSolveSettings& settings) {
  return solve_lp_impl(m, Eigen::VectorXd(), c, settings);
}

}  // namespace sampo::sketch::detail

#include "sampo/linalg/least_squares.hpp"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::linalg {

void OlsOptions::validate() const {
  if (!(rank_tolerance >= 0 && rank_tolerance < 1))
    throw_invalid_argument("sampo::linalg::OlsOptions", "rank_tolerance",
                           format_value(rank_tolerance), "must lie in [0, 1)");
}

OlsResult ols(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
              const OlsOptions& options) {
  constexpr std::string_view fn = "sampo::linalg::ols";
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const Stopwatch clock;
  options.validate();
  check_nonempty(fn, "y", static_cast<std::size_t>(y.size()));
  if (x.rows() != y.size())
    throw_invalid_argument(fn, "x", {},
                           "has " + std::to_string(x.rows()) + " rows but y has " +
                               std::to_string(y.size()) + " entries");
  check_finite(fn, "x", x);
  check_finite(fn, "y", y);
  const Eigen::Index n = y.size(), c0 = options.add_intercept ? 1 : 0, m = x.cols() + c0;
  if (m == 0) throw_invalid_argument(fn, "x", {}, "has no columns and add_intercept is false");

  // Design, equilibrated by powers of two (exact): column j times scale(j).
  Eigen::MatrixXd d(n, m);
  if (c0) d.col(0).setOnes();
  d.rightCols(x.cols()) = x;
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(m);
  for (Eigen::Index j = 0; j < m; ++j) {
    const double norm = d.col(j).norm();
    if (norm > 0 && std::isfinite(norm)) {
      int e = 0;
      std::frexp(norm, &e);  // norm = f·2^e, f in [1/2, 1)
      scale(j) = std::ldexp(1.0, -e);
      d.col(j) *= scale(j);
    }
  }
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(n, m);
  qr.setThreshold(options.rank_tolerance);
  qr.compute(d);
  const Eigen::Index r = qr.rank();
  const auto& perm = qr.colsPermutation().indices();

  OlsResult out;
  out.rank = r;
  out.rank_deficient = r < m;
  out.degrees_of_freedom = n - r;
  out.coefficients = Eigen::VectorXd::Zero(m);
  out.standard_errors = Eigen::VectorXd::Constant(m, kNaN);
  out.covariance = Eigen::MatrixXd::Constant(m, m, kNaN);
  for (Eigen::Index k = r; k < m; ++k) out.aliased.push_back(perm(k));
  std::sort(out.aliased.begin(), out.aliased.end());

  if (r > 0) {
    // z = Qᵀ y; R11 w = z(0:r); coefficient of column perm(k) is w(k)·scale.
    Eigen::VectorXd z = y;
    z.applyOnTheLeft(qr.householderQ().adjoint());  // reflectors >= r leave z(0:r) alone
    const auto r11 = qr.matrixR().topLeftCorner(r, r).triangularView<Eigen::Upper>();
    const Eigen::VectorXd w = r11.solve(z.head(r));
    for (Eigen::Index k = 0; k < r; ++k) out.coefficients(perm(k)) = w(k) * scale(perm(k));
  }
  // Residuals from the original data (unscaled design) and the final coefficients.
  out.residuals = y;
  if (c0) out.residuals.array() -= out.coefficients(0);
  out.residuals.noalias() -= x * out.coefficients.tail(x.cols());
  const double rss = out.residuals.squaredNorm();

  out.residual_variance = out.degrees_of_freedom > 0
                              ? rss / static_cast<double>(out.degrees_of_freedom)
                              : kNaN;
  out.residual_std = std::sqrt(out.residual_variance);
  const double tss = c0 ? (y.array() - y.mean()).matrix().squaredNorm() : y.squaredNorm();
  out.r_squared = tss > 0 ? 1.0 - rss / tss : kNaN;

  if (r > 0) {
    // (DᵀD)⁻¹ on the estimable block: S P R11⁻¹ R11⁻ᵀ Pᵀ S.
    Eigen::MatrixXd rinv = Eigen::MatrixXd::Identity(r, r);
    qr.matrixR().topLeftCorner(r, r).triangularView<Eigen::Upper>().solveInPlace(rinv);
    Eigen::MatrixXd c(r, r);
    c.noalias() = rinv * rinv.transpose();
    for (Eigen::Index b = 0; b < r; ++b)
      for (Eigen::Index a = 0; a < r; ++a) {
        const Eigen::Index i = perm(a), j = perm(b);
        const double v = a >= b ? c(a, b) : c(b, a);  // exactly symmetric
        out.covariance(i, j) = out.residual_variance * v * scale(i) * scale(j);
      }
    for (Eigen::Index k = 0; k < r; ++k) {
      const Eigen::Index i = perm(k);
      out.standard_errors(i) = std::sqrt(out.covariance(i, i));
    }
  }
  // A direct method: it always "converges"; rank deficiency is an outcome, said in words.
  out.run.termination = Termination::converged;
  out.run.message = "rank " + std::to_string(r) + " of " + std::to_string(m) + " coefficients";
  if (out.rank_deficient) {
    out.run.message += "; aliased (left out):";
    for (const Eigen::Index k : out.aliased) out.run.message.append(" ").append(std::to_string(k));
  }
  out.run.seconds = clock.seconds();
  return out;
}

}  // namespace sampo::linalg

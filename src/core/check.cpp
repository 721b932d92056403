#include "sampo/core/check.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "sampo/core/error.hpp"

namespace sampo {
namespace {
// Built with append(): GCC 12 warns falsely (-Wrestrict, PR 105651) on `"(" + std::string`.
std::string entry(Eigen::Index i, Eigen::Index j) {
  std::string s("(");
  return s.append(std::to_string(i)).append(", ").append(std::to_string(j)).append(")");
}
std::string dims(Eigen::Index r, Eigen::Index c) {
  std::string s = std::to_string(r);
  return s.append("x").append(std::to_string(c));
}

// A sufficient condition for the SPD rule at the cost of one Cholesky factorization (n³/3
// flops instead of the eigenvalues' 4n³/3 and their QR iterations), for the symmetric matrix
// whose lower triangle is that of m (the triangle the eigenvalue path reads). With
// b = max_i Σ_j |m_ij| >= λ_max, if the Cholesky factorization of m − δI runs to completion,
// then m − δI + E is positive definite for a backward error ‖E‖₂ <= (n+1)·n·u·‖m − δI‖₂
// (u = eps/2; Higham, "Accuracy and Stability of Numerical Algorithms", Thm 10.5 with
// ‖|Rᵀ||R|‖₂ <= n‖RᵀR‖₂), so λ_min(m) > δ − (n+1)·n·u·(b + δ). With δ = (n + 2(n+1)n)·eps·b
// that exceeds n·eps·b >= n·eps·λ_max: the rule holds. When the factorization fails the
// caller decides by the eigenvalues, so the answer never depends on this shortcut.
bool spd_by_shifted_cholesky(const Eigen::Ref<const Eigen::MatrixXd>& m, double b) {
  if (!(b > 0.0) || !std::isfinite(b)) return false;
  const Eigen::Index n = m.rows();
  constexpr double eps = std::numeric_limits<double>::epsilon();
  const double nd = static_cast<double>(n);
  const double delta = (nd + 2.0 * (nd + 1.0) * nd) * eps * b;
  // Factored in place in this thread's buffer: a check in a loop over many small matrices
  // (the riemann module's) allocates nothing. LLT<Ref> runs the same blocked algorithm as
  // LLT<MatrixXd>, so the verdict is the same bit for bit.
  thread_local Eigen::MatrixXd buffer;
  if (buffer.rows() != n) buffer.resize(n, n);
  buffer.triangularView<Eigen::Lower>() = m;
  buffer.diagonal().array() -= delta;
  const Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>, Eigen::Lower> llt(buffer);
  return llt.info() == Eigen::Success;
}

/// b = max_i Σ_j |m_ij| over the symmetric matrix whose lower triangle is that of m.
double lower_row_sum_bound(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  const Eigen::Index n = m.rows();
  double b = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    double row = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) row += std::abs(j <= i ? m(i, j) : m(j, i));
    b = std::max(b, row);
  }
  return b;
}

}  // namespace

void check_finite(std::string_view function, std::string_view name, double x) {
  if (!std::isfinite(x)) throw_invalid_argument(function, name, format_value(x), "must be finite");
}

void check_finite(std::string_view function, std::string_view name,
                  const Eigen::Ref<const Eigen::MatrixXd>& m) {
  if (m.allFinite()) return;  // the common case, vectorized; the loop below finds the entry
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (!std::isfinite(m(i, j)))
        throw_invalid_argument(function, name, {},
                               "entry " + entry(i, j) + " is " + format_value(m(i, j)) +
                                   "; all entries must be finite");
}

void check_positive(std::string_view function, std::string_view name, double x) {
  if (!(std::isfinite(x) && x > 0))
    throw_invalid_argument(function, name, format_value(x), "must be finite and > 0");
}

void check_nonnegative(std::string_view function, std::string_view name, double x) {
  if (!(std::isfinite(x) && x >= 0))
    throw_invalid_argument(function, name, format_value(x), "must be finite and >= 0");
}

void check_in_range(std::string_view function, std::string_view name, double x, double lo,
                    double hi) {
  if (!(x >= lo && x <= hi))
    throw_invalid_argument(function, name, format_value(x),
                           "must lie in [" + format_value(lo) + ", " + format_value(hi) + "]");
}

void check_nonempty(std::string_view function, std::string_view name, std::size_t size) {
  if (size == 0) throw_invalid_argument(function, name, {}, "is empty");
}

void check_shape(std::string_view function, std::string_view name,
                 const Eigen::Ref<const Eigen::MatrixXd>& m, Eigen::Index rows,
                 Eigen::Index cols) {
  if ((rows >= 0 && m.rows() != rows) || (cols >= 0 && m.cols() != cols)) {
    std::string want = (rows >= 0 ? std::to_string(rows) : std::string("any")) + "x" +
                       (cols >= 0 ? std::to_string(cols) : std::string("any"));
    throw_invalid_argument(function, name, {},
                           "has shape " + dims(m.rows(), m.cols()) + ", expected " + want);
  }
}

void check_square(std::string_view function, std::string_view name,
                  const Eigen::Ref<const Eigen::MatrixXd>& m) {
  if (m.rows() == 0 || m.cols() == 0) throw_invalid_argument(function, name, {}, "is empty");
  if (m.rows() != m.cols())
    throw_invalid_argument(function, name, {},
                           "has shape " + dims(m.rows(), m.cols()) + ", expected a square matrix");
}

void check_symmetric(std::string_view function, std::string_view name,
                     const Eigen::Ref<const Eigen::MatrixXd>& m, double rel_tol) {
  check_square(function, name, m);
  check_finite(function, name, m);
  const double scale = m.cwiseAbs().maxCoeff();
  // One branch-free pass in the common case; the loop below finds the first offending entry.
  if ((m - m.transpose()).cwiseAbs().maxCoeff() <= rel_tol * scale) return;
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = j + 1; i < m.rows(); ++i)
      if (std::abs(m(i, j) - m(j, i)) > rel_tol * scale)
        throw_invalid_argument(function, name, {},
                               "is not symmetric: entry " + entry(i, j) + " = " +
                                   format_value(m(i, j)) + " but entry " + entry(j, i) + " = " +
                                   format_value(m(j, i)));
}

void throw_not_spd(std::string_view function, std::string_view name, double smallest_eigenvalue,
                   std::string_view advice) {
  std::string what = "is not symmetric positive definite (smallest eigenvalue " +
                     format_value(smallest_eigenvalue) + ")";
  if (!advice.empty()) what.append("; ").append(advice);
  throw not_spd_error(argument_message(function, name, {}, what));
}

bool is_spd_spectrum(Eigen::Index n, double lambda_min, double lambda_max) noexcept {
  constexpr double eps = std::numeric_limits<double>::epsilon();
  return lambda_min > static_cast<double>(n) * eps * lambda_max && lambda_min > 0.0;
}

void check_spd_eigenvalues(std::string_view function, std::string_view name,
                           const Eigen::Ref<const Eigen::VectorXd>& eigenvalues,
                           std::string_view advice) {
  check_nonempty(function, name, static_cast<std::size_t>(eigenvalues.size()));
  // minCoeff / maxCoeff skip nothing: a NaN anywhere must fail, so look for it explicitly.
  double lo = eigenvalues(0), hi = eigenvalues(0);
  for (Eigen::Index j = 0; j < eigenvalues.size(); ++j) {
    const double v = eigenvalues(j);
    if (std::isnan(v)) throw_not_spd(function, name, v, advice);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!is_spd_spectrum(eigenvalues.size(), lo, hi)) throw_not_spd(function, name, lo, advice);
}

void check_spd(std::string_view function, std::string_view name,
               const Eigen::Ref<const Eigen::MatrixXd>& m, double rel_tol) {
  check_symmetric(function, name, m, rel_tol);
  if (spd_by_shifted_cholesky(m, lower_row_sum_bound(m))) return;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(m, Eigen::EigenvaluesOnly);
  if (es.info() != Eigen::Success)
    throw_numerical_error(function, "the eigenvalues of '" + std::string(name) +
                                        "' (for the SPD check) did not converge");
  check_spd_eigenvalues(function, name, es.eigenvalues());
}

}  // namespace sampo

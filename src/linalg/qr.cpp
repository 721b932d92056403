#include "sampo/linalg/qr.hpp"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

#include "sparse_qr.hpp"

namespace sampo::linalg {

ThinQr thin_qr(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  constexpr std::string_view fn = "sampo::linalg::thin_qr";
  check_nonempty(fn, "a", static_cast<std::size_t>(a.size()));
  if (a.rows() < a.cols())
    throw_invalid_argument(fn, "a", {},
                           "has shape " + std::to_string(a.rows()) + "x" +
                               std::to_string(a.cols()) + "; thin QR needs rows >= cols");
  check_finite(fn, "a", a);
  const Eigen::Index n = a.rows(), p = a.cols();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  ThinQr out;
  out.r = qr.matrixQR().topRows(p).triangularView<Eigen::Upper>();
  out.q = Eigen::MatrixXd::Identity(n, p);
  qr.householderQ().applyThisOnTheLeft(out.q);  // blocked application, no n x n matrix
  for (Eigen::Index j = 0; j < p; ++j)
    if (out.r(j, j) < 0) {
      out.r.row(j) *= -1.0;
      out.q.col(j) *= -1.0;
    }
  return out;
}

namespace detail {

Eigen::MatrixXd sparse_qr_r_unchecked(const Eigen::SparseMatrix<double, Eigen::RowMajor>& a) {
  using RowSparse = Eigen::SparseMatrix<double, Eigen::RowMajor>;
  const Eigen::Index n = a.rows(), p = a.cols();
  const Eigen::Index block_rows = std::max<Eigen::Index>(4 * p, 8192);
  Eigen::MatrixXd stack;  // [R; A_block]
  Eigen::MatrixXd r = Eigen::MatrixXd::Zero(0, p);
  for (Eigen::Index r0 = 0; r0 < n; r0 += block_rows) {
    const Eigen::Index len = std::min(block_rows, n - r0);
    stack.setZero(r.rows() + len, p);
    stack.topRows(r.rows()) = r;
    for (Eigen::Index i = 0; i < len; ++i)
      for (RowSparse::InnerIterator it(a, r0 + i); it; ++it)
        stack(r.rows() + i, it.col()) = it.value();
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(stack);
    const Eigen::Index rows = std::min(stack.rows(), p);
    r = qr.matrixQR().topRows(rows).triangularView<Eigen::Upper>();
  }
  // n >= p and block_rows >= 4p: the first block already has >= p rows, so r is p x p.
  return r;
}

void check_sparse_tall(std::string_view fn, const Eigen::SparseMatrix<double>& a,
                       std::string_view need) {
  check_nonempty(fn, "a", static_cast<std::size_t>(a.rows() * a.cols()));
  if (a.rows() < a.cols()) {
    std::string what = "has shape ";
    what.append(std::to_string(a.rows()))
        .append("x")
        .append(std::to_string(a.cols()))
        .append("; ")
        .append(need)
        .append(" rows >= cols");
    throw_invalid_argument(fn, "a", {}, what);
  }
  for (Eigen::Index j = 0; j < a.outerSize(); ++j)
    for (Eigen::SparseMatrix<double>::InnerIterator it(a, j); it; ++it)
      if (!std::isfinite(it.value())) {
        std::string what = "entry (";
        what.append(std::to_string(it.row()))
            .append(", ")
            .append(std::to_string(it.col()))
            .append(") is ")
            .append(format_value(it.value()))
            .append("; all entries must be finite");
        throw_invalid_argument(fn, "a", {}, what);
      }
}

}  // namespace detail

Eigen::MatrixXd sparse_qr_r(const Eigen::SparseMatrix<double>& a) {
  constexpr std::string_view fn = "sampo::linalg::sparse_qr_r";
  detail::check_sparse_tall(fn, a, "thin QR needs");
  const Eigen::SparseMatrix<double, Eigen::RowMajor> rows = a;
  Eigen::MatrixXd r = detail::sparse_qr_r_unchecked(rows);
  for (Eigen::Index j = 0; j < r.rows(); ++j)
    if (r(j, j) < 0) r.row(j) *= -1.0;
  return r;
}

}  // namespace sampo::linalg

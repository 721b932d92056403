#include "sampo/linalg/qr.hpp"

#include <Eigen/QR>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

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

}  // namespace sampo::linalg

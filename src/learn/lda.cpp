#include "sampo/learn/lda.hpp"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/learn/covariance.hpp"
#include "sampo/learn/labels.hpp"

namespace sampo::learn {
namespace {

/// Ledoit–Wolf covariance of the rows of @p xg (n_k x d) in scikit-learn's LDA "auto" form:
/// standardize each feature, shrink, scale back.
Eigen::MatrixXd standardized_ledoit_wolf(const Eigen::MatrixXd& xg) {
  const double n = static_cast<double>(xg.rows());
  const Eigen::RowVectorXd mean = xg.colwise().mean();
  const Eigen::MatrixXd centred = xg.rowwise() - mean;
  Eigen::VectorXd scale = (centred.colwise().squaredNorm() / n).cwiseSqrt().transpose();
  for (Eigen::Index j = 0; j < scale.size(); ++j)
    if (scale(j) == 0.0) scale(j) = 1.0;  // StandardScaler leaves constant features unscaled
  const Eigen::MatrixXd z = centred * scale.cwiseInverse().asDiagonal();
  // ledoit_wolf takes variables x samples.
  const Eigen::MatrixXd s = ledoit_wolf(z.transpose()).covariance;
  return scale.asDiagonal() * s * scale.asDiagonal();
}

}  // namespace

Eigen::MatrixXd lda_coefficients(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                 const std::vector<int>& labels) {
  constexpr const char* fn = "sampo::learn::lda_coefficients";
  check_finite(fn, "x", x);
  const std::vector<int> classes =
      learn::class_list(fn, static_cast<std::size_t>(x.rows()), labels, "rows");
  const Eigen::Index d = x.cols(), k = static_cast<Eigen::Index>(classes.size());
  Eigen::MatrixXd means(d, k);
  Eigen::MatrixXd within = Eigen::MatrixXd::Zero(d, d);
  for (Eigen::Index c = 0; c < k; ++c) {
    std::vector<Eigen::Index> rows;
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == classes[static_cast<std::size_t>(c)])
        rows.push_back(static_cast<Eigen::Index>(i));
    if (rows.size() < 2)
      throw_invalid_argument(fn, "labels", std::to_string(classes[static_cast<std::size_t>(c)]),
                             "has fewer than 2 samples: its covariance is undefined");
    Eigen::MatrixXd xg(static_cast<Eigen::Index>(rows.size()), d);
    for (std::size_t r = 0; r < rows.size(); ++r)
      xg.row(static_cast<Eigen::Index>(r)) = x.row(rows[r]);
    means.col(c) = xg.colwise().mean().transpose();
    within += (static_cast<double>(rows.size()) / static_cast<double>(x.rows())) *
              standardized_ledoit_wolf(xg);
  }
  // Σ B = M. The Ledoit–Wolf estimates are SPD whenever their shrinkage is positive, so a
  // Cholesky solve (d³/3 flops; the least-squares solution scipy's lstsq returns) serves; a
  // singular Σ (no shrinkage and fewer samples than features) falls back to the minimum-norm
  // least-squares solution, as lstsq's.
  const Eigen::LLT<Eigen::MatrixXd> llt(within);
  const Eigen::MatrixXd b =
      llt.info() == Eigen::Success
          ? Eigen::MatrixXd(llt.solve(means))
          : Eigen::MatrixXd(within.completeOrthogonalDecomposition().solve(means));
  if (k == 2) return (b.col(1) - b.col(0)).transpose();
  return b.transpose();
}

}  // namespace sampo::learn

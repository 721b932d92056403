#include "sampo/riemann/fgmdm.hpp"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <cmath>
#include <map>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/learn/labels.hpp"
#include "sampo/learn/lda.hpp"
#include "sampo/riemann/covariance.hpp"
#include "sampo/riemann/tangent_space.hpp"

namespace sampo::riemann {
Fgda::Fgda(MeanOptions mean) : mean_(std::move(mean)) { mean_.validate(); }

void Fgda::fit(const std::vector<Eigen::MatrixXd>& covs, const std::vector<int>& labels) {
  (void)learn::class_list("sampo::riemann::Fgda::fit", covs.size(), labels, "matrices");
  MeanResult r = mean_riemann(covs, mean_);
  // Cancelled (mean_.cancel): return at once, before the tangent space and the LDA (whose cost
  // grows as n⁶), keeping the last fit.
  if (r.run.termination == Termination::user_stopped) return;
  Eigen::MatrixXd reference = std::move(r.mean);
  const Eigen::MatrixXd ts = tangent_space(covs, reference);
  const Eigen::MatrixXd w = learn::lda_coefficients(ts, labels);  // K' x d
  const Eigen::MatrixXd gram_pinv =
      (w * w.transpose()).completeOrthogonalDecomposition().pseudoInverse();
  projection_ = w.transpose() * gram_pinv * w;
  reference_ = std::move(reference);
}

std::vector<Eigen::MatrixXd> Fgda::transform(const std::vector<Eigen::MatrixXd>& covs) const {
  if (reference_.size() == 0)
    throw sampo::invalid_argument("sampo::riemann::Fgda::transform: the filter is not fitted");
  const Eigen::MatrixXd ts = tangent_space(covs, reference_);
  return untangent_space(ts * projection_, reference_);  // P is symmetric: rows t_iᵀ P
}

FgMdm::FgMdm(MeanOptions mean)
    : fgda_(mean), mdm_([&] {
        MdmOptions o;
        o.mean = mean;
        return o;
      }()) {}

void FgMdm::fit(const std::vector<Eigen::MatrixXd>& covs, const std::vector<int>& labels) {
  // Fitted on fresh objects with the same options, kept only when neither was cancelled
  // (mean_options().cancel): a cancelled fit returns at once and leaves the last fit as it was.
  const CancellationFlag* cancel = mean_options().cancel;
  Fgda fgda(fgda_.mean_options());
  fgda.fit(covs, labels);
  if (cancel_requested(cancel)) return;
  Mdm mdm(mdm_.options());
  mdm.fit(fgda.transform(covs), labels);
  if (cancel_requested(cancel)) return;
  fgda_ = std::move(fgda);
  mdm_ = std::move(mdm);
}

std::vector<int> FgMdm::predict(const std::vector<Eigen::MatrixXd>& covs) const {
  return mdm_.predict(fgda_.transform(covs));
}

Eigen::MatrixXd FgMdm::predict_proba(const std::vector<Eigen::MatrixXd>& covs) const {
  return mdm_.predict_proba(fgda_.transform(covs));
}

Eigen::MatrixXd FgMdm::transform(const std::vector<Eigen::MatrixXd>& covs) const {
  return mdm_.transform(fgda_.transform(covs));
}

}  // namespace sampo::riemann

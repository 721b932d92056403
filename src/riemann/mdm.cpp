#include "sampo/riemann/mdm.hpp"

#include <algorithm>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/learn/labels.hpp"
#include "sampo/riemann/distance.hpp"

namespace sampo::riemann {

Mdm::Mdm(MdmOptions options) : options_(std::move(options)) { options_.validate(); }

void Mdm::fit(const std::vector<Eigen::MatrixXd>& covs, const std::vector<int>& labels) {
  std::vector<int> classes =
      learn::class_list("sampo::riemann::Mdm::fit", covs.size(), labels, "matrices");
  std::vector<Eigen::MatrixXd> means;
  std::vector<Run> runs;
  for (int c : classes) {
    std::vector<Eigen::MatrixXd> members;
    for (std::size_t i = 0; i < covs.size(); ++i)
      if (labels[i] == c) members.push_back(covs[i]);
    MeanResult r = mean(members, options_.metric, options_.mean);
    if (r.run.termination == Termination::user_stopped) return;  // cancelled: keep the last fit
    means.push_back(std::move(r.mean));
    runs.push_back(std::move(r.run));
  }
  classes_ = std::move(classes);
  means_ = std::move(means);
  runs_ = std::move(runs);
}

Eigen::MatrixXd Mdm::transform(const std::vector<Eigen::MatrixXd>& covs) const {
  if (means_.empty())
    throw sampo::invalid_argument("sampo::riemann::Mdm::transform: the classifier is not fitted");
  return distances(covs, means_, options_.metric);
}

std::vector<int> Mdm::predict(const std::vector<Eigen::MatrixXd>& covs) const {
  const Eigen::MatrixXd d = transform(covs);
  std::vector<int> out(covs.size());
  for (Eigen::Index i = 0; i < d.rows(); ++i) {
    Eigen::Index k;
    d.row(i).minCoeff(&k);
    out[static_cast<std::size_t>(i)] = classes_[static_cast<std::size_t>(k)];
  }
  return out;
}

Eigen::MatrixXd Mdm::predict_proba(const std::vector<Eigen::MatrixXd>& covs) const {
  return softmax_neg_squared(transform(covs));
}

Eigen::MatrixXd softmax_neg_squared(const Eigen::Ref<const Eigen::MatrixXd>& d) {
  Eigen::MatrixXd p = -d.array().square().matrix();
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    p.row(i).array() -= p.row(i).maxCoeff();
    p.row(i) = p.row(i).array().exp().matrix();
    p.row(i) /= p.row(i).sum();
  }
  return p;
}

}  // namespace sampo::riemann

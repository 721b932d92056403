#include "sampo/riemann/pipeline.hpp"

#include <string>

#include "sampo/core/error.hpp"
#include "sampo/learn/labels.hpp"
#include "sampo/riemann/tangent_space.hpp"

namespace sampo::riemann {
namespace {
bool is_acm(PipelineKind k) { return k == PipelineKind::acm_ts_svm || k == PipelineKind::acm_mdm; }
bool is_mdm(PipelineKind k) { return k == PipelineKind::mdm || k == PipelineKind::acm_mdm; }
}  // namespace

std::string_view to_string(PipelineKind k) noexcept {
  switch (k) {
    case PipelineKind::mdm:
      return "mdm";
    case PipelineKind::ts_lr:
      return "ts-lr";
    case PipelineKind::ts_svm:
      return "ts-svm";
    case PipelineKind::acm_ts_svm:
      return "acm-ts-svm";
    case PipelineKind::acm_mdm:
      return "acm-mdm";
    case PipelineKind::fgmdm:
      return "fgmdm";
  }
  return "unknown";
}

PipelineKind pipeline_from_string(std::string_view name) {
  for (PipelineKind k : {PipelineKind::mdm, PipelineKind::ts_lr, PipelineKind::ts_svm,
                         PipelineKind::acm_ts_svm, PipelineKind::acm_mdm, PipelineKind::fgmdm})
    if (name == to_string(k)) return k;
  throw_invalid_argument("sampo::riemann::pipeline_from_string", "name", name,
                         "is not a pipeline (mdm, ts-lr, ts-svm, acm-ts-svm, acm-mdm, fgmdm)");
}

void PipelineOptions::validate() const {
  constexpr const char* fn = "sampo::riemann::PipelineOptions";
  covariance.validate();
  mean.validate();
  logistic.validate();
  svm.validate();
  if (order < 1) throw_invalid_argument(fn, "order", std::to_string(order), "must be >= 1");
  if (lag < 1) throw_invalid_argument(fn, "lag", std::to_string(lag), "must be >= 1");
}

Pipeline::Pipeline(PipelineOptions options) : options_(std::move(options)) { options_.validate(); }
Pipeline::~Pipeline() = default;
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;

std::vector<Eigen::MatrixXd> Pipeline::features(const std::vector<Eigen::MatrixXd>& trials) const {
  if (is_acm(options_.kind))
    return augmented_covariances(trials, options_.order, options_.lag, options_.covariance);
  return covariances(trials, options_.covariance);
}

void Pipeline::fit(const std::vector<Eigen::MatrixXd>& trials, const std::vector<int>& labels) {
  fit_covariances(features(trials), labels);
}

void Pipeline::fit_covariances(const std::vector<Eigen::MatrixXd>& covs,
                               const std::vector<int>& labels) {
  classes_ = learn::class_list("sampo::riemann::Pipeline::fit", covs.size(), labels, "matrices");
  mdm_.reset();
  fgmdm_.reset();
  lr_.reset();
  svm_.reset();
  reference_.resize(0, 0);
  classifier_run_ = sampo::Run{};
  if (is_mdm(options_.kind)) {
    MdmOptions mo;
    mo.mean = options_.mean;
    mdm_ = std::make_unique<Mdm>(mo);
    mdm_->fit(covs, labels);
    return;
  }
  if (options_.kind == PipelineKind::fgmdm) {
    fgmdm_ = std::make_unique<FgMdm>(options_.mean);
    fgmdm_->fit(covs, labels);
    reference_ = fgmdm_->filter().reference();
    return;
  }
  reference_ = mean_riemann(covs, options_.mean).mean;
  const Eigen::MatrixXd ts = tangent_space(covs, reference_);
  if (options_.kind == PipelineKind::ts_lr) {
    lr_ = std::make_unique<learn::LogisticRegression>(options_.logistic);
    classifier_run_ = lr_->fit(ts, labels).run;
  } else {
    svm_ = std::make_unique<learn::Svm>(options_.svm);
    classifier_run_ = svm_->fit(ts, labels).run;
  }
}

std::vector<int> Pipeline::predict(const std::vector<Eigen::MatrixXd>& trials) const {
  return predict_covariances(features(trials));
}

std::vector<int> Pipeline::predict_covariances(const std::vector<Eigen::MatrixXd>& covs) const {
  if (mdm_) return mdm_->predict(covs);
  if (fgmdm_) return fgmdm_->predict(covs);
  if (!lr_ && !svm_)
    throw sampo::invalid_argument("sampo::riemann::Pipeline::predict: the pipeline is not fitted");
  const Eigen::MatrixXd ts = tangent_space(covs, reference_);
  return lr_ ? lr_->predict(ts) : svm_->predict(ts);
}

Eigen::MatrixXd Pipeline::scores(const std::vector<Eigen::MatrixXd>& trials) const {
  return scores_covariances(features(trials));
}

Eigen::MatrixXd Pipeline::scores_covariances(const std::vector<Eigen::MatrixXd>& covs) const {
  if (mdm_) return mdm_->predict_proba(covs);
  if (fgmdm_) return fgmdm_->predict_proba(covs);
  if (!lr_ && !svm_)
    throw sampo::invalid_argument("sampo::riemann::Pipeline::scores: the pipeline is not fitted");
  const Eigen::MatrixXd ts = tangent_space(covs, reference_);
  const Eigen::MatrixXd d = lr_ ? lr_->decision_function(ts) : svm_->decision_function(ts);
  if (d.cols() != 1) return d;
  Eigen::MatrixXd two(d.rows(), 2);
  two.col(0) = -d.col(0);
  two.col(1) = d.col(0);
  return two;
}

}  // namespace sampo::riemann

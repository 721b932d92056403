#pragma once
/// @file
/// Classification pipelines from raw trials (C x T) or from covariance matrices:
///   mdm        covariance -> MDM
///   fgmdm      covariance -> FGDA filter (tangent space + shrinkage LDA) -> MDM (FgMDM)
///   ts-lr      covariance -> tangent space at the training Riemannian mean -> logistic regression
///   ts-svm     covariance -> tangent space -> SVM
///   acm-ts-svm augmented covariance (order, lag) -> tangent space -> SVM  (Carrara & Papadopoulo)
///   acm-mdm    augmented covariance (order, lag) -> MDM
/// The ACM pipelines use the same covariance estimator as the others (default numpy.cov, the
/// authors' `Covariances("cov")`); order 1 makes them equal to ts-svm / mdm.

#include <memory>
#include <string_view>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/learn/logistic_regression.hpp"
#include "sampo/learn/svm.hpp"
#include "sampo/riemann/covariance.hpp"
#include "sampo/riemann/fgmdm.hpp"
#include "sampo/riemann/mdm.hpp"
#include "sampo/riemann/mean.hpp"

namespace sampo::riemann {

/// The pipelines.
enum class PipelineKind { mdm, ts_lr, ts_svm, acm_ts_svm, acm_mdm, fgmdm };

/// "mdm", "ts-lr", "ts-svm", "acm-ts-svm", "acm-mdm", "fgmdm".
std::string_view to_string(PipelineKind k) noexcept;
/// Parses to_string's names. @throw sampo::invalid_argument listing them.
PipelineKind pipeline_from_string(std::string_view name);

/// Everything a pipeline needs.
struct PipelineOptions {
  PipelineKind kind = PipelineKind::mdm;      ///< which pipeline
  CovarianceOptions covariance;               ///< trial -> covariance estimator
  int order = 1;                              ///< ACM order p (acm-* only; >= 1)
  int lag = 1;                                ///< ACM lag tau in samples (acm-* only; >= 1)
  MeanOptions mean;                           ///< Riemannian mean (MDM class means, TS reference)
  learn::LogisticRegressionOptions logistic;  ///< ts-lr (sampo/learn/logistic_regression.hpp)
  learn::SvmOptions svm;                      ///< ts-svm, acm-ts-svm (sampo/learn/svm.hpp)
  /// @throw sampo::invalid_argument naming the field.
  void validate() const;
};

/// A fitted (or fittable) pipeline. fit/predict take raw trials; the *_covariances variants
/// take SPD matrices directly (the ACM step is then skipped: the matrices are used as given).
class Pipeline {
 public:
  explicit Pipeline(PipelineOptions options = {});
  ~Pipeline();
  Pipeline(Pipeline&&) noexcept;
  Pipeline& operator=(Pipeline&&) noexcept;

  /// The covariance (or ACM) of every trial, as this pipeline computes it.
  /// @throw sampo::invalid_argument naming the bad trial.
  [[nodiscard]] std::vector<Eigen::MatrixXd> features(
      const std::vector<Eigen::MatrixXd>& trials) const;

  /// fit_covariances(features(trials), labels).
  void fit(const std::vector<Eigen::MatrixXd>& trials, const std::vector<int>& labels);
  /// Fits on SPD matrices. @throw sampo::invalid_argument for bad matrices, label count, or a
  ///        single class.
  void fit_covariances(const std::vector<Eigen::MatrixXd>& covs, const std::vector<int>& labels);

  /// Predicted labels of raw trials / of SPD matrices.
  [[nodiscard]] std::vector<int> predict(const std::vector<Eigen::MatrixXd>& trials) const;
  [[nodiscard]] std::vector<int> predict_covariances(
      const std::vector<Eigen::MatrixXd>& covs) const;

  /// n x K class scores (column k for classes()[k]; larger = more likely): (Fg)MDM probabilities
  /// softmax(-d^2); for LR / SVM the decision values (two classes: -s, s). Used for ROC-AUC.
  [[nodiscard]] Eigen::MatrixXd scores(const std::vector<Eigen::MatrixXd>& trials) const;
  [[nodiscard]] Eigen::MatrixXd scores_covariances(const std::vector<Eigen::MatrixXd>& covs) const;

  [[nodiscard]] const std::vector<int>& classes() const noexcept { return classes_; }
  [[nodiscard]] const PipelineOptions& options() const noexcept { return options_; }
  /// The tangent-space reference (ts-* and fgmdm pipelines; empty otherwise).
  [[nodiscard]] const Eigen::MatrixXd& reference() const noexcept { return reference_; }
  /// How the last fit trained its LIBLINEAR / LIBSVM classifier (ts-lr, ts-svm, acm-ts-svm;
  /// a default Run otherwise): max_iterations when the engine hit its iteration limit.
  [[nodiscard]] const sampo::Run& classifier_run() const noexcept { return classifier_run_; }

 private:
  PipelineOptions options_;
  std::vector<int> classes_;
  Eigen::MatrixXd reference_;
  std::unique_ptr<Mdm> mdm_;
  std::unique_ptr<FgMdm> fgmdm_;
  std::unique_ptr<learn::LogisticRegression> lr_;
  std::unique_ptr<learn::Svm> svm_;
  sampo::Run classifier_run_;
};

}  // namespace sampo::riemann

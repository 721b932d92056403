#pragma once
/// @file
/// Within-session evaluation as MOABB does it: stratified k-fold cross-validation, ROC-AUC for
/// two classes and accuracy otherwise, and the nested grid search of the ACM paper (inner
/// stratified 3-fold over order x lag x SVM C x kernel).
///
/// Folds: sampo::learn::stratified_folds (sampo/learn/folds.hpp), the same on every platform
/// and standard library, but not scikit-learn's StratifiedKFold(shuffle=True) folds: per-fold
/// scores differ from MOABB's; the averages are comparable.

#include <cstdint>
#include <string>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/riemann/pipeline.hpp"

namespace sampo::riemann {

/// Area under the ROC curve of @p scores for the class @p positive (ties count 1/2:
/// the Mann-Whitney statistic, equal to scikit-learn's roc_auc_score).
/// @throw sampo::invalid_argument for a size mismatch or when one class is absent.
[[nodiscard]] double roc_auc(const Eigen::Ref<const Eigen::VectorXd>& scores,
                             const std::vector<int>& labels, int positive);

/// Fraction of equal entries. @throw sampo::invalid_argument for a size mismatch or empty input.
[[nodiscard]] double accuracy(const std::vector<int>& predicted, const std::vector<int>& truth);

/// Cross-validation settings (MOABB: 5 folds, seed 42).
struct CrossValidationOptions {
  int folds = 5;            ///< k (>= 2)
  std::uint64_t seed = 42;  ///< fold shuffle seed
  /// @throw sampo::invalid_argument naming the field.
  void validate() const;
};

/// Scores of a cross-validation.
struct CrossValidationResult {
  std::string metric;               ///< "roc_auc" (2 classes) or "accuracy"
  std::vector<double> fold_scores;  ///< one per fold
  double mean = 0.0;                ///< mean of fold_scores
  double stddev = 0.0;              ///< sample standard deviation of fold_scores
  double seconds = 0.0;             ///< wall-clock time
  /// Per fold: the (order, lag, C, kernel) the inner grid search chose (grid search only).
  std::vector<PipelineOptions> chosen;
};

/// Within-session k-fold cross-validation of one pipeline on raw trials. Folds run one after
/// another; each step inside is parallel over trials / matrices (sampo::parallel::parallel_for).
/// @throw sampo::invalid_argument for bad trials (named), labels or options.
[[nodiscard]] CrossValidationResult cross_validate(const std::vector<Eigen::MatrixXd>& trials,
                                                   const std::vector<int>& labels,
                                                   const PipelineOptions& pipeline,
                                                   const CrossValidationOptions& cv = {});

/// The same on covariance matrices (mdm, ts-lr, ts-svm).
[[nodiscard]] CrossValidationResult cross_validate_covariances(
    const std::vector<Eigen::MatrixXd>& covs, const std::vector<int>& labels,
    const PipelineOptions& pipeline, const CrossValidationOptions& cv = {});

/// The ACM grid (the paper's: order 1..10 x lag 1..10 x C {0.5, 1, 1.5} x {linear, rbf}).
struct GridOptions {
  std::vector<int> orders{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  std::vector<int> lags{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  std::vector<double> cs{0.5, 1.0, 1.5};                     ///< SVM C (acm-ts-svm)
  std::vector<Kernel> kernels{Kernel::linear, Kernel::rbf};  ///< SVM kernels (acm-ts-svm)
  int inner_folds = 3;                                       ///< inner stratified folds (>= 2)
  /// @throw sampo::invalid_argument naming the field (empty list, bad value).
  void validate() const;
};

/// Nested cross-validation of acm-ts-svm or acm-mdm: in each outer fold, every grid point is
/// scored by inner cross-validation on the training trials, the best is refitted on the whole
/// training part and scored on the test part. A grid point is skipped when its ACM cannot be
/// SPD for some training trial: the augmented trial has fewer than 2 samples
/// (T - order * lag < 2), or the estimate fails the SPD rule (sampo::not_spd_error; with the
/// sample estimator, order * C >= T - order * lag). Inner work runs in parallel over
/// (order, lag) (sampo::parallel::parallel_for); every point's score is computed alone, so the
/// scores and the choice are the same for any thread count.
/// @throw sampo::invalid_argument for bad input, or when no grid point is usable. An error
///        while scoring a point that is not a skip propagates: the lowest-index point's,
///        whatever the thread count.
[[nodiscard]] CrossValidationResult grid_search_cross_validate(
    const std::vector<Eigen::MatrixXd>& trials, const std::vector<int>& labels,
    const PipelineOptions& pipeline, const GridOptions& grid = {},
    const CrossValidationOptions& cv = {});

}  // namespace sampo::riemann

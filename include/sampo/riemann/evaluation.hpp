#pragma once
/// @file
/// Within-session evaluation of the pipelines as MOABB does it: stratified k-fold
/// cross-validation, ROC-AUC for two classes and accuracy otherwise
/// (sampo::learn::classification_score), and the nested grid search of the ACM paper (inner
/// stratified 3-fold over order x lag x SVM C x kernel), on sampo::learn's generic drivers.
///
/// Folds: sampo::learn::stratified_folds (sampo/learn/folds.hpp), the same on every platform
/// and standard library, but not scikit-learn's StratifiedKFold(shuffle=True) folds: per-fold
/// scores differ from MOABB's; the averages are comparable.

#include <cstdint>
#include <string>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/learn/cross_validation.hpp"
#include "sampo/learn/grid_search.hpp"
#include "sampo/learn/svm.hpp"
#include "sampo/riemann/pipeline.hpp"

namespace sampo::riemann {

/// Cross-validation settings: sampo::learn's (MOABB: 5 folds, seed 42).
using learn::CrossValidationOptions;

/// Scores of a cross-validation (learn::CrossValidationResult: metric "roc_auc" for 2 classes,
/// "accuracy" otherwise, fold scores, mean, stddev, run) and, for the grid search, the
/// settings chosen in each fold.
struct CrossValidationResult : learn::CrossValidationResult {
  /// Per fold: the (order, lag, C, kernel) the inner grid search chose (grid search only).
  std::vector<PipelineOptions> chosen;
};

/// Within-session k-fold cross-validation of one pipeline on raw trials
/// (sampo::learn::cross_validate). Folds run one after another; each step inside is parallel
/// over trials / matrices (sampo::parallel::parallel_for).
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
  std::vector<double> cs{0.5, 1.0, 1.5};  ///< SVM C (acm-ts-svm)
  std::vector<learn::Kernel> kernels{learn::Kernel::linear,
                                     learn::Kernel::rbf};  ///< SVM kernels (acm-ts-svm)
  int inner_folds = 3;                                     ///< inner stratified folds (>= 2)
  /// MeanOptions::stall_passes of the inner folds' Riemannian means (the refit of the chosen
  /// point keeps the pipeline's own): high-order ACMs (condition 1e12 at order 3 x 64
  /// channels) leave ||J||_F at a rounding floor above the tolerance, where the remaining passes
  /// of max_iterations only move the mean inside that floor. 0: the pipeline's own rule.
  std::size_t mean_stall_passes = 5;
  /// Threads, progress (advanced by 1 per (order, lag) point scored: folds x points in all)
  /// and cancellation of the inner search. A raised cancellation flag ends the whole
  /// cross-validation: the result holds the folds completed, run.termination = user_stopped.
  learn::GridSearchOptions search;
  /// @throw sampo::invalid_argument naming the field (empty list, bad value).
  void validate() const;
};

/// Nested cross-validation of acm-ts-svm or acm-mdm: in each outer fold, every grid point is
/// scored by inner cross-validation on the training trials, the best is refitted on the whole
/// training part and scored on the test part. A grid point is skipped when its ACM cannot be
/// SPD for some training trial: the augmented trial has fewer than 2 samples
/// (T - order * lag < 2), or the estimate fails the SPD rule (sampo::not_spd_error; with the
/// sample estimator, order * C >= T - order * lag). Inner work runs in parallel over
/// (order, lag) (sampo::learn::grid_search); every point's score is computed alone, so the
/// scores and the choice are the same for any thread count. Outer folds through
/// sampo::learn::cross_validate.
/// @throw sampo::invalid_argument for bad input, or when no grid point is usable. An error
///        while scoring a point that is not a skip propagates: the lowest-index point's,
///        whatever the thread count.
[[nodiscard]] CrossValidationResult grid_search_cross_validate(
    const std::vector<Eigen::MatrixXd>& trials, const std::vector<int>& labels,
    const PipelineOptions& pipeline, const GridOptions& grid = {},
    const CrossValidationOptions& cv = {});

}  // namespace sampo::riemann

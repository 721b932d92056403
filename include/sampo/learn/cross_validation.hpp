#pragma once
/// @file
/// A generic k-fold cross-validation driver: the folds (learn::stratified_folds), the split
/// of each fold into training and test indices, and the summary of the fold scores. What is
/// trained and how a fold is scored is the caller's (a scorer callable), so every module
/// cross-validates the same way.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sampo/core/termination.hpp"

namespace sampo::learn {

/// Cross-validation settings (MOABB's: 5 folds, seed 42).
struct CrossValidationOptions {
  int folds = 5;            ///< k (>= 2)
  std::uint64_t seed = 42;  ///< fold shuffle seed (learn::stratified_folds)
  /// @throw sampo::invalid_argument naming the field.
  void validate() const;
};

/// Scores of a cross-validation.
struct CrossValidationResult {
  std::string metric;               ///< what the scores are ("roc_auc", "accuracy", ...)
  std::vector<double> fold_scores;  ///< one per fold, in fold order
  double mean = 0.0;                ///< mean of fold_scores
  double stddev = 0.0;              ///< sample standard deviation of fold_scores (0 for one fold)
  /// iterations = folds scored, evaluations = scorer calls (the grid search: grid points
  /// scored), seconds = wall-clock time; termination converged, or user_stopped when a
  /// cancellation flag ended the run early (fold_scores then holds the folds completed).
  sampo::Run run;
};

/// The training and test indices of one fold.
struct FoldSplit {
  std::vector<std::size_t> train;  ///< indices i with folds[i] != fold, increasing
  std::vector<std::size_t> test;   ///< indices i with folds[i] == fold, increasing
};

/// The split of fold @p fold of the fold assignment @p folds (as kfold / stratified_folds).
[[nodiscard]] FoldSplit fold_split(const std::vector<int>& folds, int fold);

/// The entries of @p v at @p indices, in that order.
template <typename T>
[[nodiscard]] std::vector<T> pick(const std::vector<T>& v,
                                  const std::vector<std::size_t>& indices) {
  std::vector<T> out;
  out.reserve(indices.size());
  for (std::size_t i : indices) out.push_back(v[i]);
  return out;
}

/// Scores one fold: trains on split.train, returns the score on split.test.
using FoldScorer = std::function<double(int fold, const FoldSplit& split)>;

/// Stratified k-fold cross-validation of @p score on items labelled @p labels: the folds are
/// stratified_folds(labels, cv.folds, cv.seed); fold f's score is score(f, fold_split(folds,
/// f)); folds run one after another (a scorer may run in parallel inside); the result's metric
/// is @p metric, its mean and standard deviation summarize the fold scores. A scorer that
/// throws sampo::parallel::cancelled_error ends the run early: the result holds the folds
/// completed and run.termination = user_stopped.
/// @throw sampo::invalid_argument for bad options or labels (as stratified_folds); whatever
///        else @p score throws.
[[nodiscard]] CrossValidationResult cross_validate(const std::vector<int>& labels,
                                                   const FoldScorer& score, std::string metric,
                                                   const CrossValidationOptions& cv = {});

/// Sets mean and stddev of @p result from its fold_scores (empty: both 0).
void summarize(CrossValidationResult& result);

}  // namespace sampo::learn

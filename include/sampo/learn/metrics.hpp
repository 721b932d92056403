#pragma once
/// @file
/// Classification metrics: ROC-AUC (the Mann-Whitney statistic, scikit-learn's roc_auc_score),
/// accuracy, and MOABB's rule that scores a classifier by ROC-AUC for two classes and by
/// accuracy otherwise.

#include <cstddef>
#include <string>
#include <vector>

#include "sampo/core/eigen.hpp"

namespace sampo::learn {

/// Area under the ROC curve of @p scores for the class @p positive (ties count 1/2:
/// the Mann-Whitney statistic, equal to scikit-learn's roc_auc_score).
/// @throw sampo::invalid_argument for a size mismatch, a non-finite score, or when one class
///        is absent.
[[nodiscard]] double roc_auc(const Eigen::Ref<const Eigen::VectorXd>& scores,
                             const std::vector<int>& labels, int positive);

/// Fraction of equal entries. @throw sampo::invalid_argument for a size mismatch or empty input.
[[nodiscard]] double accuracy(const std::vector<int>& predicted, const std::vector<int>& truth);

/// The metric classification_score uses for @p class_count classes: "roc_auc" for 2,
/// "accuracy" otherwise (MOABB's rule).
[[nodiscard]] std::string classification_metric(std::size_t class_count);

/// MOABB's score of class scores against the truth: for two classes, the ROC-AUC of column 1
/// (the score of classes[1]); otherwise the accuracy of the row-wise argmax (the first
/// maximum on ties).
/// @param classes the sorted classes (learn::class_list). @param scores n x K class scores,
///        column k for classes[k], larger = more likely. @param truth n true labels.
/// @throw sampo::invalid_argument as roc_auc / accuracy.
[[nodiscard]] double classification_score(const std::vector<int>& classes,
                                          const Eigen::Ref<const Eigen::MatrixXd>& scores,
                                          const std::vector<int>& truth);

}  // namespace sampo::learn

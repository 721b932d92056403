#pragma once
/// @file
/// Data hyper-cleaning on a labelled data set (Franceschi et al. 2017; the benchopt bilevel
/// "mnist" task): split it into train / validation / test with a fixed seed, replace a known
/// fraction of the training labels by uniformly random labels, and learn one weight σ(λ_i) per
/// training sample so that the weighted multinomial logistic regression fitted on the training
/// set does well on the (clean) validation set. Scores: test accuracy, and how well the learned
/// weights separate corrupted from clean samples (precision / recall of σ(λ_i) < 1/2).

#include <cstdint>
#include <vector>

#include "sampo/bilevel/problems.hpp"
#include "sampo/bilevel/solvers.hpp"
#include "sampo/core/eigen.hpp"

namespace sampo::bilevel {

/// Options of make_hyperclean.
struct HypercleanOptions {
  double corrupted_fraction = 0.5;  ///< share of training labels replaced, in [0, 1]
  /// ℓ2 weight c of the lower level (its strong-convexity constant).
  double regularization = 1e-3;
  /// Stratified split: the classes' samples are cut in four equal folds (learn::stratified_folds):
  /// two for training, one for validation, one for test.
  std::uint64_t seed = 0;          ///< split and corruption
  bool standardize = true;         ///< scale features by the training set's mean and sd
  void validate() const;
};

/// A hyper-cleaning task: the bilevel problem (training set with corrupted labels, clean
/// validation set), and what is needed to score a solution.
struct HypercleanTask {
  HypercleanLogisticProblem problem;
  Eigen::MatrixXd x_train, x_val, x_test;  ///< standardized features (rows: samples)
  std::vector<int> labels_train_clean;     ///< the true training labels
  std::vector<int> labels_train;           ///< after corruption (what the problem sees)
  std::vector<int> labels_val, labels_test;
  std::vector<bool> corrupted;             ///< training samples whose label was replaced
  int classes = 0;
};

/// Builds the task from @p features (n x p) and @p labels (0..classes−1).
/// @throw sampo::invalid_argument for mismatched sizes, labels out of range, non-finite
///        features, fewer than 4 samples of a class, or bad options.
[[nodiscard]] HypercleanTask make_hyperclean(const Eigen::Ref<const Eigen::MatrixXd>& features,
                                             const std::vector<int>& labels, int classes,
                                             const HypercleanOptions& options = {});

/// Scores of a weight vector λ (and lower-level weights W) on a task.
struct HypercleanScores {
  double test_accuracy = 0.0;   ///< of the model W on the test set
  double precision = 0.0;       ///< of "σ(λ_i) < 1/2" as a detector of corrupted samples
  double recall = 0.0;
  std::size_t flagged = 0;      ///< samples with σ(λ_i) < 1/2
};

/// Test accuracy of @p y (the lower-level weights W) and the detection scores of @p x (λ).
[[nodiscard]] HypercleanScores score_hyperclean(const HypercleanTask& task, const Eigen::VectorXd& x,
                                                const Eigen::VectorXd& y);

/// Test accuracy of the task's lower-level model fitted (solve_lower_level) with every weight
/// equal (λ = @p lambda) on the training labels: corrupted (@p clean = false, what ignoring the
/// corruption gives) or the true ones (@p clean = true, the best a cleaning can hope for).
[[nodiscard]] double reference_accuracy(const HypercleanTask& task, bool clean, double lambda = 0.0);

}  // namespace sampo::bilevel

#pragma once
/// @file
/// L2-regularized logistic regression through LIBLINEAR, the engine behind scikit-learn's
/// `LogisticRegression(solver="liblinear")`, so that results can be compared. Decision values
/// as sampo/learn/classifier.hpp describes (for more than two classes: LIBLINEAR's
/// one-vs-rest values, one column per class).

#include <memory>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/learn/classifier.hpp"

namespace sampo::learn {

/// Logistic regression settings (scikit-learn's defaults for solver="liblinear").
struct LogisticRegressionOptions {
  double c = 1.0;           ///< inverse regularization strength C (> 0)
  double tolerance = 1e-4;  ///< LIBLINEAR stopping tolerance eps (> 0)
  bool fit_intercept =
      true;  ///< append a constant feature 1 (its weight is regularized, as LIBLINEAR)
  /// @throw sampo::invalid_argument naming the field.
  void validate() const;
};

/// LIBLINEAR's L2R_LR (primal trust-region Newton) logistic regression.
class LogisticRegression {
 public:
  explicit LogisticRegression(LogisticRegressionOptions options = {});
  ~LogisticRegression();
  LogisticRegression(LogisticRegression&&) noexcept;
  LogisticRegression& operator=(LogisticRegression&&) noexcept;

  /// Trains on the rows of @p x with @p labels. The engine's console output is captured:
  /// see ClassifierFitResult (a fit that hit LIBLINEAR's iteration limit is reported there).
  /// @throw sampo::invalid_argument for a size mismatch, non-finite entries or a single class.
  ClassifierFitResult fit(const Eigen::Ref<const Eigen::MatrixXd>& x,
                          const std::vector<int>& labels);
  /// n x 1 (two classes) or n x K decision values. @throw sampo::invalid_argument if not
  /// fitted or the feature count differs.
  [[nodiscard]] Eigen::MatrixXd decision_function(const Eigen::Ref<const Eigen::MatrixXd>& x) const;
  /// Predicted labels.
  [[nodiscard]] std::vector<int> predict(const Eigen::Ref<const Eigen::MatrixXd>& x) const;
  [[nodiscard]] const std::vector<int>& classes() const noexcept { return classes_; }
  /// K' x (d [+1]) weights (K' = 1 for two classes), in LIBLINEAR's label order mapped to
  /// classes().
  [[nodiscard]] Eigen::MatrixXd coefficients() const;

 private:
  struct Model;
  LogisticRegressionOptions options_;
  std::vector<int> classes_;
  std::unique_ptr<Model> model_;
};

}  // namespace sampo::learn

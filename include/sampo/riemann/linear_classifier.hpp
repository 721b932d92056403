#pragma once
/// @file
/// Linear classifiers for tangent vectors, through the engines scikit-learn wraps, so that
/// results can be compared: L2-regularized logistic regression from LIBLINEAR (scikit-learn's
/// `LogisticRegression(solver="liblinear")`) and C-SVC from LIBSVM (scikit-learn's `SVC`),
/// with a linear or RBF kernel.
///
/// Samples are the rows of an n x d matrix. Class labels are arbitrary ints; classes() lists
/// them sorted. decision_function returns, as scikit-learn, one column for two classes (the
/// score of classes()[1]: positive means classes()[1]) and one column per class (one-vs-rest
/// for logistic regression, one-vs-one votes are not exposed: LIBSVM's per-pair values are
/// summed per class) otherwise. The engines' console output is silenced.

#include <memory>
#include <vector>

#include "sampo/core/eigen.hpp"

namespace sampo::riemann {

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

  /// Trains on the rows of @p x with @p labels.
  /// @throw sampo::invalid_argument for a size mismatch, non-finite entries or a single class.
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& x, const std::vector<int>& labels);
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

/// SVM kernels.
enum class Kernel {
  linear,  ///< <x, y>
  rbf,     ///< exp(-gamma ||x - y||^2)
};

/// C-SVC settings (scikit-learn's SVC defaults).
struct SvmOptions {
  Kernel kernel = Kernel::linear;  ///< kernel
  double c = 1.0;                  ///< penalty C (> 0)
  /// RBF width; 0 means scikit-learn's gamma="scale" = 1 / (d * var(X)) over all training entries.
  double gamma = 0.0;
  double tolerance = 1e-3;  ///< LIBSVM stopping tolerance (> 0)
  double cache_mb = 200.0;  ///< kernel cache in MB (> 0)
  /// @throw sampo::invalid_argument naming the field.
  void validate() const;
};

/// LIBSVM's C-SVC.
class Svm {
 public:
  explicit Svm(SvmOptions options = {});
  ~Svm();
  Svm(Svm&&) noexcept;
  Svm& operator=(Svm&&) noexcept;

  /// Trains on the rows of @p x. @throw as LogisticRegression::fit.
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& x, const std::vector<int>& labels);
  /// n x 1 (two classes: the score of classes()[1]) or n x K (summed one-vs-one values).
  [[nodiscard]] Eigen::MatrixXd decision_function(const Eigen::Ref<const Eigen::MatrixXd>& x) const;
  /// Predicted labels (LIBSVM's one-vs-one vote).
  [[nodiscard]] std::vector<int> predict(const Eigen::Ref<const Eigen::MatrixXd>& x) const;
  [[nodiscard]] const std::vector<int>& classes() const noexcept { return classes_; }
  /// The gamma used (resolved from gamma = 0 at fit time).
  [[nodiscard]] double gamma() const noexcept { return gamma_; }
  /// Number of support vectors.
  [[nodiscard]] int support_vector_count() const;

 private:
  struct Model;
  SvmOptions options_;
  std::vector<int> classes_;
  double gamma_ = 0.0;
  std::unique_ptr<Model> model_;
};

}  // namespace sampo::riemann

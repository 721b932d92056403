#pragma once
/// @file
/// C-SVC through LIBSVM, the engine behind scikit-learn's `SVC`, with a linear or RBF kernel.
/// Decision values as sampo/learn/classifier.hpp describes (for more than two classes: LIBSVM's
/// one-vs-one values summed per class; the per-pair values are not exposed).

#include <memory>
#include <string_view>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/learn/classifier.hpp"

namespace sampo::learn {

/// SVM kernels.
enum class Kernel {
  linear,  ///< <x, y>
  rbf,     ///< exp(-gamma ||x - y||^2)
};

/// "linear", "rbf".
[[nodiscard]] std::string_view to_string(Kernel k) noexcept;

/// Parses to_string's names (what the CLI's --grid-kernels and future bindings accept).
/// @throw sampo::invalid_argument naming 'kernel' and the value, and listing the kernels.
[[nodiscard]] Kernel kernel_from_string(std::string_view name);

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

  /// Trains on the rows of @p x; the engine's output as LogisticRegression::fit (LIBSVM's
  /// iteration limit). @throw as LogisticRegression::fit.
  ClassifierFitResult fit(const Eigen::Ref<const Eigen::MatrixXd>& x,
                          const std::vector<int>& labels);
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

}  // namespace sampo::learn

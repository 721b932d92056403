#pragma once
// Internal helpers of the learn layer's LIBLINEAR / LIBSVM wrappers (not installed).
#include <string>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::learn::detail {

/// Collects what LIBLINEAR and LIBSVM print while one fit runs on this thread. The engines
/// print through one process-wide function each; it appends to the innermost live
/// EngineOutput of the calling thread, or sends the line to sampo::log (debug) when none is.
class EngineOutput {
 public:
  /// @param engine "LIBLINEAR" or "LIBSVM", the prefix of logged lines and of the message.
  explicit EngineOutput(const char* engine);
  ~EngineOutput();
  EngineOutput(const EngineOutput&) = delete;
  EngineOutput& operator=(const EngineOutput&) = delete;

  /// Appends engine text (the printers' target).
  void append(const char* text) { text_.append(text); }

  /// The Run of the fit: a line with "reaching max number of iterations" makes it
  /// max_iterations with that line as message; "optimization finished, #iter = N" (LIBSVM)
  /// adds N iterations, a line starting with "iter" (LIBLINEAR's Newton steps) adds 1; every
  /// line but the warning also goes to sampo::log at debug level.
  [[nodiscard]] sampo::Run finish(double seconds) const;

 private:
  const char* engine_;
  std::string text_;
  EngineOutput* previous_;
};

/// Throws unless @p x has rows, @p d columns (d < 0: any) and finite entries.
void check_features(const char* fn, const Eigen::Ref<const Eigen::MatrixXd>& x, Eigen::Index d);

/// Throws "fn: the classifier is not fitted" unless @p fitted.
void check_fitted(const char* fn, bool fitted);

/// Maps engine decision values (in the engine's label order) to sampo's layout.
/// Two classes: one column, the score of classes[1]. Otherwise one column per class: the
/// engine's per-class values, or (one_vs_one) its per-pair values summed per class.
/// @param per_row fills the engine's values of row i into its second argument.
template <typename PerRow>
Eigen::MatrixXd decisions(const std::vector<int>& classes, const std::vector<int>& engine_labels,
                          Eigen::Index n, bool one_vs_one, PerRow per_row);

/// The label of the largest decision value per row (one column: sign).
std::vector<int> argmax_labels(const std::vector<int>& classes, const Eigen::MatrixXd& dec);

/// Index of @p label in the sorted @p classes.
std::size_t class_index(const std::vector<int>& classes, int label);

template <typename PerRow>
Eigen::MatrixXd decisions(const std::vector<int>& classes, const std::vector<int>& engine_labels,
                          Eigen::Index n, bool one_vs_one, PerRow per_row) {
  const std::size_t k = classes.size();
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(n, k == 2 ? 1 : static_cast<Eigen::Index>(k));
  std::vector<double> dec(k * (k - 1) / 2 + k);
  for (Eigen::Index i = 0; i < n; ++i) {
    per_row(i, dec.data());
    if (k == 2) {
      out(i, 0) = engine_labels[0] == classes[1] ? dec[0] : -dec[0];
    } else if (!one_vs_one) {
      for (std::size_t c = 0; c < k; ++c)
        out(i, static_cast<Eigen::Index>(class_index(classes, engine_labels[c]))) = dec[c];
    } else {
      std::size_t p = 0;
      for (std::size_t a = 0; a < k; ++a)
        for (std::size_t b = a + 1; b < k; ++b, ++p) {
          out(i, static_cast<Eigen::Index>(class_index(classes, engine_labels[a]))) += dec[p];
          out(i, static_cast<Eigen::Index>(class_index(classes, engine_labels[b]))) -= dec[p];
        }
    }
  }
  return out;
}

}  // namespace sampo::learn::detail

#include "sampo/riemann/linear_classifier.hpp"

#include <libsvm/svm.h>
#include <linear.h>

#include <algorithm>
#include <string>

#include "sampo/learn/labels.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/riemann/mdm.hpp"

namespace sampo::riemann {
namespace {

void quiet(const char*) {}
void silence_engines() {
  static const bool done = [] {
    ::set_print_string_function(&quiet);
    ::svm_set_print_string_function(&quiet);
    return true;
  }();
  (void)done;
}

void check_features(const char* fn, const Eigen::Ref<const Eigen::MatrixXd>& x, Eigen::Index d) {
  if (x.rows() == 0) throw_invalid_argument(fn, "x", {}, "has no rows (samples)");
  check_shape(fn, "x", x, -1, d);
  check_finite(fn, "x", x);
}

std::size_t class_index(const std::vector<int>& classes, int label) {
  return static_cast<std::size_t>(std::lower_bound(classes.begin(), classes.end(), label) -
                                  classes.begin());
}

/// Maps engine decision values (in the engine's label order) to sampo's layout.
/// Two classes: one column, the score of classes[1]. Otherwise: one column per class.
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

std::vector<int> argmax_labels(const std::vector<int>& classes, const Eigen::MatrixXd& dec) {
  std::vector<int> out(static_cast<std::size_t>(dec.rows()));
  for (Eigen::Index i = 0; i < dec.rows(); ++i) {
    if (dec.cols() == 1) {
      out[static_cast<std::size_t>(i)] = dec(i, 0) > 0 ? classes[1] : classes[0];
    } else {
      Eigen::Index k;
      dec.row(i).maxCoeff(&k);
      out[static_cast<std::size_t>(i)] = classes[static_cast<std::size_t>(k)];
    }
  }
  return out;
}

}  // namespace

// ----------------------------------------------------------------------------- LIBLINEAR

struct LogisticRegression::Model {
  ::model* m = nullptr;
  Eigen::Index features = 0;
  double bias = -1.0;
  std::vector<int> labels;
  ~Model() {
    if (m) ::free_and_destroy_model(&m);
  }
  /// One instance as LIBLINEAR nodes: 1-based indices, the bias node, the terminator.
  void nodes(const Eigen::Ref<const Eigen::MatrixXd>& x, Eigen::Index i,
             std::vector<::feature_node>& out) const {
    out.clear();
    for (Eigen::Index j = 0; j < x.cols(); ++j) out.push_back({static_cast<int>(j + 1), x(i, j)});
    if (bias >= 0) out.push_back({static_cast<int>(features + 1), bias});
    out.push_back({-1, 0.0});
  }
};

void LogisticRegressionOptions::validate() const {
  check_positive("sampo::riemann::LogisticRegressionOptions", "c", c);
  check_positive("sampo::riemann::LogisticRegressionOptions", "tolerance", tolerance);
}

LogisticRegression::LogisticRegression(LogisticRegressionOptions options) : options_(options) {
  options_.validate();
}
LogisticRegression::~LogisticRegression() = default;
LogisticRegression::LogisticRegression(LogisticRegression&&) noexcept = default;
LogisticRegression& LogisticRegression::operator=(LogisticRegression&&) noexcept = default;

void LogisticRegression::fit(const Eigen::Ref<const Eigen::MatrixXd>& x,
                             const std::vector<int>& labels) {
  constexpr const char* fn = "sampo::riemann::LogisticRegression::fit";
  check_features(fn, x, x.cols());
  classes_ = learn::class_list(fn, static_cast<std::size_t>(x.rows()), labels, "rows");
  silence_engines();
  auto model = std::make_unique<Model>();
  model->features = x.cols();
  model->bias = options_.fit_intercept ? 1.0 : -1.0;
  const Eigen::Index n = x.rows();
  std::vector<std::vector<::feature_node>> rows(static_cast<std::size_t>(n));
  std::vector<::feature_node*> ptrs(static_cast<std::size_t>(n));
  std::vector<double> y(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    model->nodes(x, i, rows[static_cast<std::size_t>(i)]);
    ptrs[static_cast<std::size_t>(i)] = rows[static_cast<std::size_t>(i)].data();
    y[static_cast<std::size_t>(i)] = labels[static_cast<std::size_t>(i)];
  }
  ::problem prob{};
  prob.l = static_cast<int>(n);
  prob.n = static_cast<int>(x.cols() + (model->bias >= 0 ? 1 : 0));
  prob.y = y.data();
  prob.x = ptrs.data();
  prob.bias = model->bias;
  ::parameter param{};
  param.solver_type = L2R_LR;
  param.eps = options_.tolerance;
  param.C = options_.c;
  if (const char* err = ::check_parameter(&prob, &param))
    throw sampo::invalid_argument(std::string(fn) + ": LIBLINEAR rejected the parameters: " + err);
  model->m = ::train(&prob, &param);
  model->labels.resize(static_cast<std::size_t>(::get_nr_class(model->m)));
  ::get_labels(model->m, model->labels.data());
  model_ = std::move(model);
}

Eigen::MatrixXd LogisticRegression::decision_function(
    const Eigen::Ref<const Eigen::MatrixXd>& x) const {
  constexpr const char* fn = "sampo::riemann::LogisticRegression::decision_function";
  if (!model_) throw sampo::invalid_argument(std::string(fn) + ": the classifier is not fitted");
  check_features(fn, x, model_->features);
  std::vector<::feature_node> nodes;
  return decisions(classes_, model_->labels, x.rows(), false, [&](Eigen::Index i, double* dec) {
    model_->nodes(x, i, nodes);
    ::predict_values(model_->m, nodes.data(), dec);
  });
}

std::vector<int> LogisticRegression::predict(const Eigen::Ref<const Eigen::MatrixXd>& x) const {
  return argmax_labels(classes_, decision_function(x));
}

Eigen::MatrixXd LogisticRegression::coefficients() const {
  if (!model_)
    throw sampo::invalid_argument("sampo::riemann::LogisticRegression::coefficients: not fitted");
  const int k = classes_.size() == 2 ? 1 : static_cast<int>(classes_.size());
  const Eigen::Index d = model_->features + (model_->bias >= 0 ? 1 : 0);
  Eigen::MatrixXd w(k, d);
  for (int c = 0; c < k; ++c) {
    for (Eigen::Index j = 0; j < model_->features; ++j)
      w(c, j) = ::get_decfun_coef(model_->m, static_cast<int>(j + 1), c);
    if (model_->bias >= 0) w(c, d - 1) = ::get_decfun_bias(model_->m, c);
  }
  if (classes_.size() == 2 && model_->labels[0] != classes_[1]) w = -w;
  return w;
}

// ----------------------------------------------------------------------------- LIBSVM

struct Svm::Model {
  ::svm_model* m = nullptr;
  Eigen::Index features = 0;
  std::vector<::svm_node> storage;  // the training nodes: LIBSVM's support vectors point here
  std::vector<int> labels;
  ~Model() {
    if (m) ::svm_free_and_destroy_model(&m);
  }
  static void nodes(const Eigen::Ref<const Eigen::MatrixXd>& x, Eigen::Index i,
                    std::vector<::svm_node>& out) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) out.push_back({static_cast<int>(j + 1), x(i, j)});
    out.push_back({-1, 0.0});
  }
};

void SvmOptions::validate() const {
  constexpr const char* fn = "sampo::riemann::SvmOptions";
  check_positive(fn, "c", c);
  check_nonnegative(fn, "gamma", gamma);
  check_positive(fn, "tolerance", tolerance);
  check_positive(fn, "cache_mb", cache_mb);
}

Svm::Svm(SvmOptions options) : options_(options) { options_.validate(); }
Svm::~Svm() = default;
Svm::Svm(Svm&&) noexcept = default;
Svm& Svm::operator=(Svm&&) noexcept = default;

void Svm::fit(const Eigen::Ref<const Eigen::MatrixXd>& x, const std::vector<int>& labels) {
  constexpr const char* fn = "sampo::riemann::Svm::fit";
  check_features(fn, x, x.cols());
  classes_ = learn::class_list(fn, static_cast<std::size_t>(x.rows()), labels, "rows");
  silence_engines();
  auto model = std::make_unique<Model>();
  model->features = x.cols();
  const Eigen::Index n = x.rows();
  model->storage.reserve(static_cast<std::size_t>(n * (x.cols() + 1)));
  for (Eigen::Index i = 0; i < n; ++i) Model::nodes(x, i, model->storage);
  std::vector<::svm_node*> ptrs(static_cast<std::size_t>(n));
  std::vector<double> y(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    ptrs[static_cast<std::size_t>(i)] = model->storage.data() + i * (x.cols() + 1);
    y[static_cast<std::size_t>(i)] = labels[static_cast<std::size_t>(i)];
  }
  gamma_ = options_.gamma;
  if (gamma_ == 0.0) {  // scikit-learn's "scale"
    const double mean = x.mean();
    const double var = (x.array() - mean).square().mean();
    gamma_ = var > 0 ? 1.0 / (static_cast<double>(x.cols()) * var) : 1.0;
  }
  ::svm_problem prob{};
  prob.l = static_cast<int>(n);
  prob.y = y.data();
  prob.x = ptrs.data();
  ::svm_parameter param{};
  param.svm_type = C_SVC;
  param.kernel_type = options_.kernel == Kernel::linear ? LINEAR : RBF;
  param.degree = 3;
  param.gamma = gamma_;
  param.coef0 = 0.0;
  param.cache_size = options_.cache_mb;
  param.eps = options_.tolerance;
  param.C = options_.c;
  param.shrinking = 1;
  param.probability = 0;
  if (const char* err = ::svm_check_parameter(&prob, &param))
    throw sampo::invalid_argument(std::string(fn) + ": LIBSVM rejected the parameters: " + err);
  model->m = ::svm_train(&prob, &param);
  model->labels.resize(static_cast<std::size_t>(::svm_get_nr_class(model->m)));
  ::svm_get_labels(model->m, model->labels.data());
  model_ = std::move(model);
}

Eigen::MatrixXd Svm::decision_function(const Eigen::Ref<const Eigen::MatrixXd>& x) const {
  constexpr const char* fn = "sampo::riemann::Svm::decision_function";
  if (!model_) throw sampo::invalid_argument(std::string(fn) + ": the classifier is not fitted");
  check_features(fn, x, model_->features);
  std::vector<::svm_node> nodes;
  return decisions(classes_, model_->labels, x.rows(), true, [&](Eigen::Index i, double* dec) {
    nodes.clear();
    Model::nodes(x, i, nodes);
    ::svm_predict_values(model_->m, nodes.data(), dec);
  });
}

std::vector<int> Svm::predict(const Eigen::Ref<const Eigen::MatrixXd>& x) const {
  constexpr const char* fn = "sampo::riemann::Svm::predict";
  if (!model_) throw sampo::invalid_argument(std::string(fn) + ": the classifier is not fitted");
  check_features(fn, x, model_->features);
  std::vector<int> out(static_cast<std::size_t>(x.rows()));
  std::vector<::svm_node> nodes;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    nodes.clear();
    Model::nodes(x, i, nodes);
    out[static_cast<std::size_t>(i)] = static_cast<int>(::svm_predict(model_->m, nodes.data()));
  }
  return out;
}

int Svm::support_vector_count() const { return model_ ? ::svm_get_nr_sv(model_->m) : 0; }

}  // namespace sampo::riemann

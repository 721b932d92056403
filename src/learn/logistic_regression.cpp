#include "sampo/learn/logistic_regression.hpp"

#include <linear.h>

#include <algorithm>
#include <string>

#include "engine.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/learn/labels.hpp"

namespace sampo::learn {

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
  check_positive("sampo::learn::LogisticRegressionOptions", "c", c);
  check_positive("sampo::learn::LogisticRegressionOptions", "tolerance", tolerance);
}

LogisticRegression::LogisticRegression(LogisticRegressionOptions options) : options_(options) {
  options_.validate();
}
LogisticRegression::~LogisticRegression() = default;
LogisticRegression::LogisticRegression(LogisticRegression&&) noexcept = default;
LogisticRegression& LogisticRegression::operator=(LogisticRegression&&) noexcept = default;

ClassifierFitResult LogisticRegression::fit(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                            const std::vector<int>& labels) {
  constexpr const char* fn = "sampo::learn::LogisticRegression::fit";
  detail::check_features(fn, x, x.cols());
  classes_ = learn::class_list(fn, static_cast<std::size_t>(x.rows()), labels, "rows");
  const Stopwatch watch;
  detail::EngineOutput output("LIBLINEAR");
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
  return {output.finish(watch.seconds())};
}

Eigen::MatrixXd LogisticRegression::decision_function(
    const Eigen::Ref<const Eigen::MatrixXd>& x) const {
  constexpr const char* fn = "sampo::learn::LogisticRegression::decision_function";
  detail::check_fitted(fn, model_ != nullptr);
  detail::check_features(fn, x, model_->features);
  std::vector<::feature_node> nodes;
  return detail::decisions(classes_, model_->labels, x.rows(), false,
                           [&](Eigen::Index i, double* dec) {
                             model_->nodes(x, i, nodes);
                             ::predict_values(model_->m, nodes.data(), dec);
                           });
}

std::vector<int> LogisticRegression::predict(const Eigen::Ref<const Eigen::MatrixXd>& x) const {
  return detail::argmax_labels(classes_, decision_function(x));
}

Eigen::MatrixXd LogisticRegression::coefficients() const {
  if (!model_)
    throw sampo::invalid_argument("sampo::learn::LogisticRegression::coefficients: not fitted");
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

}  // namespace sampo::learn

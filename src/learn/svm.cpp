#include "sampo/learn/svm.hpp"

#include <libsvm/svm.h>

#include <algorithm>
#include <string>

#include "engine.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/learn/labels.hpp"

namespace sampo::learn {

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

std::string_view to_string(Kernel k) noexcept {
  switch (k) {
    case Kernel::linear:
      return "linear";
    case Kernel::rbf:
      return "rbf";
  }
  return "unknown";
}

Kernel kernel_from_string(std::string_view name) {
  if (name == "linear") return Kernel::linear;
  if (name == "rbf") return Kernel::rbf;
  throw_invalid_argument("sampo::learn::kernel_from_string", "kernel", name,
                         "is not a kernel (linear, rbf)");
}

void SvmOptions::validate() const {
  constexpr const char* fn = "sampo::learn::SvmOptions";
  check_positive(fn, "c", c);
  check_nonnegative(fn, "gamma", gamma);
  check_positive(fn, "tolerance", tolerance);
  check_positive(fn, "cache_mb", cache_mb);
}

Svm::Svm(SvmOptions options) : options_(options) { options_.validate(); }
Svm::~Svm() = default;
Svm::Svm(Svm&&) noexcept = default;
Svm& Svm::operator=(Svm&&) noexcept = default;

ClassifierFitResult Svm::fit(const Eigen::Ref<const Eigen::MatrixXd>& x,
                             const std::vector<int>& labels) {
  constexpr const char* fn = "sampo::learn::Svm::fit";
  detail::check_features(fn, x, x.cols());
  classes_ = learn::class_list(fn, static_cast<std::size_t>(x.rows()), labels, "rows");
  const Stopwatch watch;
  detail::EngineOutput output("LIBSVM");
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
  return {output.finish(watch.seconds())};
}

Eigen::MatrixXd Svm::decision_function(const Eigen::Ref<const Eigen::MatrixXd>& x) const {
  constexpr const char* fn = "sampo::learn::Svm::decision_function";
  detail::check_fitted(fn, model_ != nullptr);
  detail::check_features(fn, x, model_->features);
  std::vector<::svm_node> nodes;
  return detail::decisions(classes_, model_->labels, x.rows(), true,
                           [&](Eigen::Index i, double* dec) {
                             nodes.clear();
                             Model::nodes(x, i, nodes);
                             ::svm_predict_values(model_->m, nodes.data(), dec);
                           });
}

std::vector<int> Svm::predict(const Eigen::Ref<const Eigen::MatrixXd>& x) const {
  constexpr const char* fn = "sampo::learn::Svm::predict";
  detail::check_fitted(fn, model_ != nullptr);
  detail::check_features(fn, x, model_->features);
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

}  // namespace sampo::learn

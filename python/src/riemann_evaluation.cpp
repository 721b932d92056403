// sampo.riemann.cross_validate / grid_search_cross_validate: MOABB-style within-session
// evaluation of sampo's pipelines (sampo/riemann/evaluation.hpp), the numbers the `sampo
// riemann classify` command prints. The grid search stops on Ctrl-C.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
#include "sampo/core/error.hpp"
#include "sampo/learn/svm.hpp"
#include "sampo/riemann/evaluation.hpp"
#include "sampo/riemann/pipeline.hpp"

namespace sampo::python {

namespace {

namespace rm = sampo::riemann;

struct PipelineArgs {
  std::string pipeline, estimator;
  double regularization;
  int order, lag;
  double tolerance;
  std::size_t max_iterations;
  double logistic_c, svm_c, svm_gamma;
  std::string svm_kernel;
  std::string step_rule{rm::to_string(rm::MeanOptions{}.step_rule)};
};

rm::PipelineOptions pipeline_options(const PipelineArgs& a) {
  rm::PipelineOptions o;
  o.kind = rm::pipeline_from_string(a.pipeline);
  o.covariance.estimator = rm::estimator_from_string(a.estimator);
  o.covariance.regularization = a.regularization;
  o.order = a.order;
  o.lag = a.lag;
  o.mean.tolerance = a.tolerance;
  o.mean.max_iterations = a.max_iterations;
  o.mean.step_rule = rm::mean_step_rule_from_string(a.step_rule);
  o.logistic.c = a.logistic_c;
  o.svm.c = a.svm_c;
  o.svm.gamma = a.svm_gamma;
  o.svm.kernel = learn::kernel_from_string(a.svm_kernel);
  return o;
}

// sampo.riemann._Pipeline: the options, kept apart from the fitted rm::Pipeline because each fit
// runs a fresh Pipeline whose MeanOptions::cancel points at that fit's Ctrl-C flag (the flag
// ends with the call; the fitted object never fits again, so the pointer is never read).
struct PipelineModel {
  rm::PipelineOptions options;
  std::optional<rm::Pipeline> fitted;

  const rm::Pipeline& model(const char* method) const {
    if (!fitted) {
      std::string msg = "sampo.riemann.Pipeline.";
      msg.append(method).append(": the pipeline is not fitted");
      throw py::value_error(msg);
    }
    return *fitted;
  }
};

rm::CrossValidationOptions cv_options(int folds, std::uint64_t seed) {
  rm::CrossValidationOptions cv;
  cv.folds = folds;
  cv.seed = seed;
  return cv;
}

}  // namespace

void bind_riemann_evaluation(py::module_& m) {
  const rm::PipelineOptions p;
  const rm::CrossValidationOptions cv;
  const rm::GridOptions g;
  std::vector<std::string> default_kernels;
  for (const auto k : g.kernels) default_kernels.emplace_back(learn::to_string(k));

  py::class_<rm::CrossValidationResult>(
      m, "CrossValidationResult",
      "Scores of a cross-validation: metric ('roc_auc' for 2 classes, 'accuracy' otherwise), "
      "fold_scores, mean, stddev, run, and for the grid search the settings chosen per fold.")
      .def_property_readonly("metric", [](const rm::CrossValidationResult& r) { return r.metric; })
      .def_property_readonly("fold_scores",
                             [](const rm::CrossValidationResult& r) {
                               return py::array_t<double>(
                                   static_cast<py::ssize_t>(r.fold_scores.size()),
                                   r.fold_scores.data());
                             })
      .def_property_readonly("mean", [](const rm::CrossValidationResult& r) { return r.mean; })
      .def_property_readonly("stddev", [](const rm::CrossValidationResult& r) { return r.stddev; })
      .def_property_readonly("run", [](const rm::CrossValidationResult& r) { return r.run; })
      .def_property_readonly("chosen",
                             [](const rm::CrossValidationResult& r) {
                               py::list out;
                               for (const auto& c : r.chosen)
                                 out.append(py::dict(
                                     py::arg("order") = c.order, py::arg("lag") = c.lag,
                                     py::arg("c") = c.svm.c,
                                     py::arg("kernel") = std::string(learn::to_string(c.svm.kernel))));
                               return out;
                             })
      .def("__repr__", [](const rm::CrossValidationResult& r) {
        std::string s = "CrossValidationResult(metric='";
        s.append(r.metric).append("', mean=").append(format_value(r.mean)).append(", stddev=")
            .append(format_value(r.stddev)).append(", folds=")
            .append(std::to_string(r.fold_scores.size())).append(", run=")
            .append(py::repr(py::cast(r.run))).append(")");
        return s;
      });

  m.attr("_pipeline_defaults") = py::dict(
      py::arg("kind") = std::string(rm::to_string(p.kind)),
      py::arg("estimator") = std::string(rm::to_string(p.covariance.estimator)),
      py::arg("regularization") = p.covariance.regularization, py::arg("order") = p.order,
      py::arg("lag") = p.lag, py::arg("tolerance") = p.mean.tolerance,
      py::arg("max_iterations") = p.mean.max_iterations, py::arg("logistic_c") = p.logistic.c,
      py::arg("svm_c") = p.svm.c,
      py::arg("svm_kernel") = std::string(learn::to_string(p.svm.kernel)),
      py::arg("svm_gamma") = p.svm.gamma);

  const auto int_array = [](const std::vector<int>& v) {
    return py::array_t<int>(static_cast<py::ssize_t>(v.size()), v.data());
  };
  py::class_<PipelineModel>(
      m, "_Pipeline",
      "sampo::riemann::Pipeline on integer labels: 'mdm', 'ts-lr', 'ts-svm', 'acm-ts-svm', "
      "'acm-mdm', 'fgmdm'. sampo.riemann.Pipeline is the scikit-learn estimator around it.")
      .def(py::init([](const std::string& kind, const std::string& estimator,
                       double regularization, int order, int lag, double tolerance,
                       std::size_t max_iterations, double logistic_c, double svm_c,
                       const std::string& svm_kernel, double svm_gamma,
                       const std::string& step_rule) {
             const PipelineArgs a{kind,   estimator,  regularization, order,
                                  lag,    tolerance,  max_iterations, logistic_c,
                                  svm_c,  svm_gamma,  svm_kernel,     step_rule};
             PipelineModel model{pipeline_options(a), std::nullopt};
             model.options.validate();
             return model;
           }),
           py::arg("kind") = std::string(rm::to_string(p.kind)), py::kw_only(),
           py::arg("estimator") = std::string(rm::to_string(p.covariance.estimator)),
           py::arg("regularization") = p.covariance.regularization, py::arg("order") = p.order,
           py::arg("lag") = p.lag, py::arg("tolerance") = p.mean.tolerance,
           py::arg("max_iterations") = p.mean.max_iterations,
           py::arg("logistic_c") = p.logistic.c, py::arg("svm_c") = p.svm.c,
           py::arg("svm_kernel") = std::string(learn::to_string(p.svm.kernel)),
           py::arg("svm_gamma") = p.svm.gamma,
           py::arg("step_rule") = std::string(rm::to_string(p.mean.step_rule)))
      .def(
          "fit",
          [](PipelineModel& self, const py::object& x, const py::object& labels,
             bool covariances) {
            constexpr const char* fn = "sampo.riemann.Pipeline.fit";
            const auto xs = matrices_arg(x, fn, covariances ? "covs" : "trials");
            const auto ls = labels_arg(labels, fn, "labels");
            rm::PipelineOptions o = self.options;
            self.fitted = run_interruptible([&](const CancellationFlag* flag) {
              o.mean.cancel = flag;  // the class means and the tangent-space reference
              rm::Pipeline fitted(o);
              if (covariances)
                fitted.fit_covariances(xs, ls);
              else
                fitted.fit(xs, ls);
              return std::optional<rm::Pipeline>(std::move(fitted));
            });
          },
          py::arg("x"), py::arg("labels"), py::arg("covariances") = false,
          "Fits on raw trials (n, C, T), or on SPD matrices (n, C, C) with covariances=True. "
          "GIL released; Ctrl-C raises KeyboardInterrupt and leaves the previous fit.")
      .def(
          "predict",
          [int_array](const PipelineModel& self, const py::object& x, bool covariances) {
            const auto xs = matrices_arg(x, "sampo.riemann.Pipeline.predict",
                                         covariances ? "covs" : "trials");
            const rm::Pipeline& model = self.model("predict");
            std::vector<int> out;
            {
              py::gil_scoped_release release;
              out = covariances ? model.predict_covariances(xs) : model.predict(xs);
            }
            return int_array(out);
          },
          py::arg("x"), py::arg("covariances") = false)
      .def(
          "scores",
          [](const PipelineModel& self, const py::object& x, bool covariances) {
            const auto xs = matrices_arg(x, "sampo.riemann.Pipeline.scores",
                                         covariances ? "covs" : "trials");
            const rm::Pipeline& model = self.model("scores");
            py::gil_scoped_release release;
            return covariances ? model.scores_covariances(xs) : model.scores(xs);
          },
          py::arg("x"), py::arg("covariances") = false,
          "(n, K) class scores, column k for classes[k]: (Fg)MDM's softmax(-d^2), the "
          "LR / SVM decision values otherwise (two classes: -s, s).")
      .def(
          "features",
          [](const PipelineModel& self, const py::object& trials) {
            const auto xs = matrices_arg(trials, "sampo.riemann.Pipeline.features", "trials");
            std::vector<Eigen::MatrixXd> out;
            {
              py::gil_scoped_release release;
              out = rm::Pipeline(self.options).features(xs);
            }
            return to_array(out);
          },
          py::arg("trials"), "The covariance (or ACM) matrix of every trial (n, C', C').")
      .def_property_readonly("kind",
                             [](const PipelineModel& self) {
                               return std::string(rm::to_string(self.options.kind));
                             })
      .def_property_readonly("fitted", [](const PipelineModel& self) { return self.fitted.has_value(); })
      .def_property_readonly("classes",
                             [int_array](const PipelineModel& self) {
                               return int_array(self.model("classes").classes());
                             })
      .def_property_readonly("reference",
                             [](const PipelineModel& self) {
                               return Eigen::MatrixXd(self.model("reference").reference());
                             },
                             "The tangent-space reference (ts-* and fgmdm; empty otherwise).")
      .def_property_readonly("classifier_run", [](const PipelineModel& self) {
        return self.model("classifier_run").classifier_run();
      });

  m.def("cross_validate",
        [](const py::object& trials, const py::object& labels, const std::string& pipeline,
           int folds, std::uint64_t seed, const std::string& estimator, double regularization,
           int order, int lag, double tolerance, std::size_t max_iterations, double logistic_c,
           double svm_c, const std::string& svm_kernel, double svm_gamma, bool covariances) {
          const PipelineArgs a{pipeline, estimator, regularization, order, lag, tolerance,
                               max_iterations, logistic_c, svm_c, svm_gamma, svm_kernel};
          const auto o = pipeline_options(a);
          const auto xs = matrices_arg(trials, "sampo.riemann.cross_validate", "trials");
          const auto ls = labels_arg(labels, "sampo.riemann.cross_validate", "labels");
          const auto c = cv_options(folds, seed);
          py::gil_scoped_release release;
          return covariances ? rm::cross_validate_covariances(xs, ls, o, c)
                             : rm::cross_validate(xs, ls, o, c);
        },
        py::arg("trials"), py::arg("labels"), py::arg("pipeline") = std::string(rm::to_string(p.kind)),
        py::kw_only(), py::arg("folds") = cv.folds, py::arg("seed") = cv.seed,
        py::arg("estimator") = std::string(rm::to_string(p.covariance.estimator)),
        py::arg("regularization") = p.covariance.regularization, py::arg("order") = p.order,
        py::arg("lag") = p.lag, py::arg("tolerance") = p.mean.tolerance,
        py::arg("max_iterations") = p.mean.max_iterations, py::arg("logistic_c") = p.logistic.c,
        py::arg("svm_c") = p.svm.c, py::arg("svm_kernel") = std::string(learn::to_string(p.svm.kernel)),
        py::arg("svm_gamma") = p.svm.gamma, py::arg("covariances") = false,
        "Stratified k-fold cross-validation of one sampo pipeline ('mdm', 'ts-lr', 'ts-svm', "
        "'acm-ts-svm', 'acm-mdm', 'fgmdm') on raw trials (n, C, T), or on SPD matrices with "
        "covariances=True; MOABB's metric (ROC-AUC for 2 classes, accuracy otherwise). "
        "Integer labels. The numbers of `sampo riemann classify`.");

  m.def("grid_search_cross_validate",
        [](const py::object& trials, const py::object& labels, const std::string& pipeline,
           const std::vector<int>& orders, const std::vector<int>& lags,
           const std::vector<double>& cs, const std::vector<std::string>& kernels,
           int inner_folds, int threads, int folds, std::uint64_t seed,
           const std::string& estimator, double regularization) {
          PipelineArgs a{pipeline, estimator, regularization, 1, 1, rm::MeanOptions{}.tolerance,
                         rm::MeanOptions{}.max_iterations, learn::LogisticRegressionOptions{}.c,
                         learn::SvmOptions{}.c, learn::SvmOptions{}.gamma,
                         std::string(learn::to_string(learn::SvmOptions{}.kernel))};
          const auto o = pipeline_options(a);
          rm::GridOptions grid;
          grid.orders = orders;
          grid.lags = lags;
          grid.cs = cs;
          grid.kernels.clear();
          for (const auto& k : kernels) grid.kernels.push_back(learn::kernel_from_string(k));
          grid.inner_folds = inner_folds;
          grid.search.threads = threads;
          const auto xs = matrices_arg(trials, "sampo.riemann.grid_search_cross_validate", "trials");
          const auto ls = labels_arg(labels, "sampo.riemann.grid_search_cross_validate", "labels");
          const auto c = cv_options(folds, seed);
          return run_interruptible([&](const CancellationFlag* flag) {
            grid.search.cancel = flag;
            return rm::grid_search_cross_validate(xs, ls, o, grid, c);
          });
        },
        py::arg("trials"), py::arg("labels"), py::arg("pipeline") = std::string(rm::to_string(rm::PipelineKind::acm_ts_svm)),
        py::kw_only(),
        py::arg("orders") = g.orders, py::arg("lags") = g.lags, py::arg("cs") = g.cs,
        py::arg("kernels") = default_kernels,
        py::arg("inner_folds") = g.inner_folds, py::arg("threads") = g.search.threads,
        py::arg("folds") = cv.folds, py::arg("seed") = cv.seed,
        py::arg("estimator") = std::string(rm::to_string(p.covariance.estimator)),
        py::arg("regularization") = p.covariance.regularization,
        "Nested cross-validation of 'acm-ts-svm' or 'acm-mdm' (the ACM paper's): in each outer "
        "fold, every (order, lag[, C, kernel]) point is scored by inner stratified folds, the "
        "best refitted and scored. result.chosen gives each fold's choice. Ctrl-C stops the "
        "search and raises KeyboardInterrupt.");
}

}  // namespace sampo::python

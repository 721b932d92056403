// sampo.learn: folds, metrics and shrinkage LDA of sampo::learn (the statistical-learning
// layer the modules share).
#include <cstdint>
#include <string>
#include <vector>

#include "common.hpp"
#include "sampo/learn/folds.hpp"
#include "sampo/learn/lda.hpp"
#include "sampo/learn/logistic_regression.hpp"
#include "sampo/learn/metrics.hpp"
#include "sampo/learn/svm.hpp"

namespace sampo::python {

namespace {
py::array_t<int> int_array(const std::vector<int>& v) {
  return py::array_t<int>(static_cast<py::ssize_t>(v.size()), v.data());
}
/// fit / predict / decision_function / classes shared by the two classifier classes.
template <class C>
void bind_classifier_methods(py::class_<C>& cls, const char* name) {
  const std::string fit_fn = std::string("sampo.learn.") + name + ".fit";
  const std::string df_fn = std::string("sampo.learn.") + name + ".decision_function";
  const std::string pr_fn = std::string("sampo.learn.") + name + ".predict";
  cls.def(
         "fit",
         [fit_fn](C& c, const py::object& x, const py::object& labels) {
           const MatrixArg xa(x, fit_fn.c_str(), "x");
           const std::vector<int> l = labels_arg(labels, fit_fn.c_str(), "labels");
           py::gil_scoped_release release;
           return c.fit(xa.ref(), l).run;
         },
         py::arg("x"), py::arg("labels"),
         "Trains on the rows of x; returns the Run (max_iterations when the engine hit its "
         "iteration limit: the model is then the last iterate).")
      .def(
          "decision_function",
          [df_fn](const C& c, const py::object& x) {
            return Eigen::MatrixXd(c.decision_function(MatrixArg(x, df_fn.c_str(), "x").ref()));
          },
          py::arg("x"),
          "n x 1 (two classes: the score of classes[1]) or n x K decision values, as scikit-learn.")
      .def(
          "predict",
          [pr_fn](const C& c, const py::object& x) {
            return int_array(c.predict(MatrixArg(x, pr_fn.c_str(), "x").ref()));
          },
          py::arg("x"), "Predicted labels of the rows of x.")
      .def_property_readonly("classes", [](const C& c) { return int_array(c.classes()); });
}

void bind_classifiers(py::module_& m) {
  using learn::LogisticRegression;
  using learn::Svm;
  const learn::LogisticRegressionOptions lo;
  py::class_<LogisticRegression> lr(m, "LogisticRegression",
                                    "L2-regularized logistic regression through LIBLINEAR (scikit-learn's "
                                    "LogisticRegression(solver='liblinear')).");
  lr.def(py::init([](double c, double tolerance, bool fit_intercept) {
           learn::LogisticRegressionOptions o;
           o.c = c;
           o.tolerance = tolerance;
           o.fit_intercept = fit_intercept;
           return LogisticRegression(o);
         }),
         py::kw_only(), py::arg("c") = lo.c, py::arg("tolerance") = lo.tolerance,
         py::arg("fit_intercept") = lo.fit_intercept);
  bind_classifier_methods(lr, "LogisticRegression");
  lr.def("coefficients", [](const LogisticRegression& c) { return c.coefficients(); },
         "K' x (d [+1]) weights (K' = 1 for two classes; the intercept column last).");

  const learn::SvmOptions so;
  py::class_<Svm> svm(m, "Svm", "C-SVC through LIBSVM (scikit-learn's SVC), linear or RBF kernel.");
  svm.def(py::init([](const std::string& kernel, double c, double gamma, double tolerance,
                      double cache_mb) {
            learn::SvmOptions o;
            o.kernel = learn::kernel_from_string(kernel);
            o.c = c;
            o.gamma = gamma;
            o.tolerance = tolerance;
            o.cache_mb = cache_mb;
            return Svm(o);
          }),
          py::kw_only(), py::arg("kernel") = std::string(learn::to_string(so.kernel)),
          py::arg("c") = so.c, py::arg("gamma") = so.gamma, py::arg("tolerance") = so.tolerance,
          py::arg("cache_mb") = so.cache_mb);
  bind_classifier_methods(svm, "Svm");
  svm.def_property_readonly("gamma", &Svm::gamma)
      .def_property_readonly("support_vector_count", &Svm::support_vector_count);
}

}  // namespace

void bind_learn(py::module_& m) {
  bind_classifiers(m);
  m.def("kfold",
        [](std::size_t n, int folds, std::uint64_t seed) { return int_array(learn::kfold(n, folds, seed)); },
        py::arg("n"), py::arg("folds"), py::arg("seed"),
        "The fold (0 .. folds-1) of each of n items, shuffled by seed (the same on every "
        "platform).");
  m.def("stratified_folds",
        [](const py::object& labels, int folds, std::uint64_t seed) {
          return int_array(learn::stratified_folds(
              labels_arg(labels, "sampo.learn.stratified_folds", "labels"), folds, seed));
        },
        py::arg("labels"), py::arg("folds"), py::arg("seed"),
        "Stratified folds: each class spread evenly over the folds (sampo's folds, not "
        "scikit-learn's StratifiedKFold).");
  m.def("roc_auc",
        [](const py::object& scores, const py::object& labels, int positive) {
          return learn::roc_auc(vector_arg(scores, "sampo.learn.roc_auc", "scores"),
                                labels_arg(labels, "sampo.learn.roc_auc", "labels"), positive);
        },
        py::arg("scores"), py::arg("labels"), py::arg("positive"),
        "Area under the ROC curve of scores for the class `positive` (ties count one half), "
        "as sklearn.metrics.roc_auc_score.");
  m.def("accuracy",
        [](const py::object& predicted, const py::object& truth) {
          return learn::accuracy(labels_arg(predicted, "sampo.learn.accuracy", "predicted"),
                                 labels_arg(truth, "sampo.learn.accuracy", "truth"));
        },
        py::arg("predicted"), py::arg("truth"), "The fraction of equal labels.");
  m.def("lda_coefficients",
        [](const py::object& x, const py::object& labels) {
          return learn::lda_coefficients(MatrixArg(x, "sampo.learn.lda_coefficients", "x").ref(),
                                         labels_arg(labels, "sampo.learn.lda_coefficients", "labels"));
        },
        py::arg("x"), py::arg("labels"),
        "scikit-learn's LinearDiscriminantAnalysis(solver='lsqr', shrinkage='auto') coef_ for "
        "the rows of x (see sampo/learn/lda.hpp).");
}

}  // namespace sampo::python

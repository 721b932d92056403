// sampo.learn: folds, metrics and shrinkage LDA of sampo::learn (the statistical-learning
// layer the modules share).
#include <cstdint>
#include <vector>

#include "common.hpp"
#include "sampo/learn/folds.hpp"
#include "sampo/learn/lda.hpp"
#include "sampo/learn/metrics.hpp"

namespace sampo::python {

namespace {
py::array_t<int> int_array(const std::vector<int>& v) {
  return py::array_t<int>(static_cast<py::ssize_t>(v.size()), v.data());
}
}  // namespace

void bind_learn(py::module_& m) {
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

#include "sampo/bilevel/hyperclean.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "sampo/bilevel/check.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/learn/folds.hpp"
#include "sampo/learn/metrics.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::bilevel {

namespace {
constexpr const char* kFn = "sampo::bilevel::make_hyperclean";
constexpr std::uint64_t kCorruptionStream = 0x6879'7065'72ULL;  // "hyper"

std::vector<int> labels_of(const std::vector<int>& labels, const std::vector<Eigen::Index>& idx) {
  std::vector<int> out(idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i) out[i] = labels[static_cast<std::size_t>(idx[i])];
  return out;
}
}  // namespace

void HypercleanOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::HypercleanOptions";
  check_in_range(fn, "corrupted_fraction", corrupted_fraction, 0.0, 1.0);
  check_positive(fn, "regularization", regularization);
}

HypercleanTask make_hyperclean(const Eigen::Ref<const Eigen::MatrixXd>& features,
                               const std::vector<int>& labels, int classes,
                               const HypercleanOptions& options) {
  options.validate();
  if (classes < 2) throw_invalid_argument(kFn, "classes", std::to_string(classes), "must be at least 2");
  check_nonempty(kFn, "features", static_cast<std::size_t>(features.size()));
  check_finite(kFn, "features", features);
  if (static_cast<std::size_t>(features.rows()) != labels.size())
    throw_invalid_argument(kFn, "labels", std::to_string(labels.size()) + " labels",
                           "must hold one label per row of features (" +
                               std::to_string(features.rows()) + " rows)");
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= classes)
      throw_invalid_argument(kFn, "labels", std::to_string(labels[i]),
                             "label of row " + std::to_string(i) + " is outside [0, classes)");

  // Stratified four-way split: folds 0 and 1 train, 2 validation, 3 test.
  const std::vector<int> fold = learn::stratified_folds(labels, 4, options.seed);
  std::vector<Eigen::Index> tr, va, te;
  for (std::size_t i = 0; i < fold.size(); ++i) {
    const auto idx = static_cast<Eigen::Index>(i);
    (fold[i] <= 1 ? tr : fold[i] == 2 ? va : te).push_back(idx);
  }
  // Eigen 3.4's indexed views gather the rows of each split.
  Eigen::MatrixXd x_train = features(tr, Eigen::all), x_val = features(va, Eigen::all),
                  x_test = features(te, Eigen::all);
  if (options.standardize) {
    const Eigen::RowVectorXd mean = x_train.colwise().mean();
    Eigen::RowVectorXd sd = ((x_train.rowwise() - mean).array().square().colwise().sum() /
                             static_cast<double>(x_train.rows()))
                                .sqrt();
    for (Eigen::Index j = 0; j < sd.size(); ++j)
      if (!(sd[j] > 0.0)) sd[j] = 1.0;  // a constant pixel: centred only
    for (Eigen::MatrixXd* m : {&x_train, &x_val, &x_test})
      *m = ((m->rowwise() - mean).array().rowwise() / sd.array()).matrix();
  }

  // Corrupt exactly round(fraction·n) training labels, chosen uniformly (a partial
  // Fisher–Yates shuffle), each replaced by a uniformly drawn *different* label.
  const std::size_t n = tr.size();
  const auto n_bad = static_cast<std::size_t>(std::llround(options.corrupted_fraction * static_cast<double>(n)));
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  parallel::RandomStream rs(options.seed, kCorruptionStream);
  const std::vector<int> clean = labels_of(labels, tr);
  std::vector<int> noisy = clean;
  std::vector<bool> corrupted(n, false);
  for (std::size_t k = 0; k < n_bad; ++k) {
    const std::size_t j = k + static_cast<std::size_t>(rs.uniform_int(n - k));
    std::swap(order[k], order[j]);
    const std::size_t i = order[k];
    const int shift = 1 + static_cast<int>(rs.uniform_int(static_cast<std::uint64_t>(classes - 1)));
    noisy[i] = (clean[i] + shift) % classes;
    corrupted[i] = true;
  }
  std::vector<int> lval = labels_of(labels, va);
  HypercleanLogisticProblem problem(x_train, noisy, x_val, lval, classes, options.regularization);
  return HypercleanTask{std::move(problem), std::move(x_train), std::move(x_val), std::move(x_test),
                        clean, std::move(noisy), std::move(lval), labels_of(labels, te),
                        std::move(corrupted), classes};
}

HypercleanScores score_hyperclean(const HypercleanTask& task, const Eigen::VectorXd& x,
                                  const Eigen::VectorXd& y) {
  constexpr const char* fn = "sampo::bilevel::score_hyperclean";
  if (x.size() != task.problem.dim_x())
    throw_invalid_argument(fn, "x", std::to_string(x.size()), "size differs from the task's training set");
  if (y.size() != task.problem.dim_y())
    throw_invalid_argument(fn, "y", std::to_string(y.size()), "size differs from the task's model");
  HypercleanScores s;
  s.test_accuracy = learn::accuracy(task.problem.predict(y, task.x_test), task.labels_test);
  std::size_t true_pos = 0, bad = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const bool flagged = x[i] < 0.0;  // σ(λ) < 1/2
    const bool corrupted = task.corrupted[static_cast<std::size_t>(i)];
    s.flagged += flagged ? 1 : 0;
    bad += corrupted ? 1 : 0;
    true_pos += (flagged && corrupted) ? 1 : 0;
  }
  s.precision = s.flagged > 0 ? static_cast<double>(true_pos) / static_cast<double>(s.flagged) : 0.0;
  s.recall = bad > 0 ? static_cast<double>(true_pos) / static_cast<double>(bad) : 0.0;
  return s;
}

double reference_accuracy(const HypercleanTask& task, bool clean, double lambda) {
  const HypercleanLogisticProblem p(task.x_train, clean ? task.labels_train_clean : task.labels_train,
                                    task.x_val, task.labels_val, task.classes,
                                    // the same regularization as the task's problem
                                    task.problem.regularization());
  const Eigen::VectorXd x = Eigen::VectorXd::Constant(p.dim_x(), lambda);
  const LowerSolveResult fit = solve_lower_level(p, x, Eigen::VectorXd::Zero(p.dim_y()));
  return learn::accuracy(p.predict(fit.y, task.x_test), task.labels_test);
}

}  // namespace sampo::bilevel

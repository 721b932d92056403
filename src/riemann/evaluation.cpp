#include "sampo/riemann/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "detail.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/parallel/map_reduce.hpp"
#include "sampo/learn/folds.hpp"
#include "sampo/learn/labels.hpp"
#include "sampo/riemann/tangent_space.hpp"

namespace sampo::riemann {
namespace {

template <typename T>
std::vector<T> pick(const std::vector<T>& v, const std::vector<std::size_t>& idx) {
  std::vector<T> out;
  out.reserve(idx.size());
  for (std::size_t i : idx) out.push_back(v[i]);
  return out;
}

void split(const std::vector<int>& folds, int f, std::vector<std::size_t>& train,
           std::vector<std::size_t>& test) {
  train.clear();
  test.clear();
  for (std::size_t i = 0; i < folds.size(); ++i) (folds[i] == f ? test : train).push_back(i);
}

/// ROC-AUC of classes[1] (two classes) or accuracy.
double fold_score(const std::vector<int>& classes, const Eigen::MatrixXd& scores,
                  const std::vector<int>& truth) {
  if (classes.size() == 2) return roc_auc(scores.col(1), truth, classes[1]);
  std::vector<int> pred(truth.size());
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    Eigen::Index k;
    scores.row(i).maxCoeff(&k);
    pred[static_cast<std::size_t>(i)] = classes[static_cast<std::size_t>(k)];
  }
  return accuracy(pred, truth);
}

void summarize(CrossValidationResult& r) {
  const double n = static_cast<double>(r.fold_scores.size());
  r.mean = std::accumulate(r.fold_scores.begin(), r.fold_scores.end(), 0.0) / n;
  double ss = 0;
  for (double s : r.fold_scores) ss += (s - r.mean) * (s - r.mean);
  r.stddev = n > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
}

}  // namespace

double roc_auc(const Eigen::Ref<const Eigen::VectorXd>& scores, const std::vector<int>& labels,
               int positive) {
  constexpr const char* fn = "sampo::riemann::roc_auc";
  if (static_cast<std::size_t>(scores.size()) != labels.size())
    throw_invalid_argument(fn, "labels", {},
                           "has " + std::to_string(labels.size()) + " entries for " +
                               std::to_string(scores.size()) + " scores");
  check_finite(fn, "scores", Eigen::MatrixXd(scores));
  const std::size_t n = labels.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return scores(static_cast<Eigen::Index>(a)) < scores(static_cast<Eigen::Index>(b));
  });
  double rank_sum = 0, pos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores(static_cast<Eigen::Index>(order[j])) ==
                        scores(static_cast<Eigen::Index>(order[i])))
      ++j;
    const double avg_rank = 0.5 * static_cast<double>(i + 1 + j);  // ranks i+1..j averaged
    for (std::size_t k = i; k < j; ++k)
      if (labels[order[k]] == positive) rank_sum += avg_rank, pos += 1;
    i = j;
  }
  const double neg = static_cast<double>(n) - pos;
  if (pos == 0 || neg == 0)
    throw_invalid_argument(fn, "labels", std::to_string(positive),
                           "ROC-AUC needs both the positive class and another class");
  return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

double accuracy(const std::vector<int>& predicted, const std::vector<int>& truth) {
  constexpr const char* fn = "sampo::riemann::accuracy";
  check_nonempty(fn, "truth", truth.size());
  if (predicted.size() != truth.size())
    throw_invalid_argument(fn, "predicted", {},
                           "has " + std::to_string(predicted.size()) + " entries for " +
                               std::to_string(truth.size()) + " labels");
  std::size_t hit = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) hit += predicted[i] == truth[i];
  return static_cast<double>(hit) / static_cast<double>(truth.size());
}

void CrossValidationOptions::validate() const {
  if (folds < 2)
    throw_invalid_argument("sampo::riemann::CrossValidationOptions", "folds", std::to_string(folds),
                           "must be >= 2");
}

void GridOptions::validate() const {
  constexpr const char* fn = "sampo::riemann::GridOptions";
  check_nonempty(fn, "orders", orders.size());
  check_nonempty(fn, "lags", lags.size());
  check_nonempty(fn, "cs", cs.size());
  check_nonempty(fn, "kernels", kernels.size());
  for (int o : orders)
    if (o < 1) throw_invalid_argument(fn, "orders", std::to_string(o), "entries must be >= 1");
  for (int l : lags)
    if (l < 1) throw_invalid_argument(fn, "lags", std::to_string(l), "entries must be >= 1");
  for (double c : cs) check_positive(fn, "cs", c);
  if (inner_folds < 2)
    throw_invalid_argument(fn, "inner_folds", std::to_string(inner_folds), "must be >= 2");
}

CrossValidationResult cross_validate_covariances(const std::vector<Eigen::MatrixXd>& covs,
                                                 const std::vector<int>& labels,
                                                 const PipelineOptions& pipeline,
                                                 const CrossValidationOptions& cv) {
  Stopwatch watch;
  cv.validate();
  pipeline.validate();
  const std::vector<int> classes =
      learn::class_list("sampo::riemann::cross_validate", covs.size(), labels, "matrices");
  const std::vector<int> folds = learn::stratified_folds(labels, cv.folds, cv.seed);
  CrossValidationResult r;
  r.metric = classes.size() == 2 ? "roc_auc" : "accuracy";
  std::vector<std::size_t> train, test;
  for (int f = 0; f < cv.folds; ++f) {
    split(folds, f, train, test);
    Pipeline p(pipeline);
    p.fit_covariances(pick(covs, train), pick(labels, train));
    r.fold_scores.push_back(
        fold_score(classes, p.scores_covariances(pick(covs, test)), pick(labels, test)));
  }
  summarize(r);
  r.seconds = watch.seconds();
  return r;
}

CrossValidationResult cross_validate(const std::vector<Eigen::MatrixXd>& trials,
                                     const std::vector<int>& labels,
                                     const PipelineOptions& pipeline,
                                     const CrossValidationOptions& cv) {
  Stopwatch watch;
  // A trial's covariance does not depend on the fold: compute all once.
  CrossValidationResult r =
      cross_validate_covariances(Pipeline(pipeline).features(trials), labels, pipeline, cv);
  r.seconds = watch.seconds();
  return r;
}

CrossValidationResult grid_search_cross_validate(const std::vector<Eigen::MatrixXd>& trials,
                                                 const std::vector<int>& labels,
                                                 const PipelineOptions& pipeline,
                                                 const GridOptions& grid,
                                                 const CrossValidationOptions& cv) {
  constexpr const char* fn = "sampo::riemann::grid_search_cross_validate";
  Stopwatch watch;
  cv.validate();
  grid.validate();
  pipeline.validate();
  const bool svm = pipeline.kind == PipelineKind::acm_ts_svm;
  if (!svm && pipeline.kind != PipelineKind::acm_mdm)
    throw_invalid_argument(fn, "pipeline.kind", to_string(pipeline.kind),
                           "grid search is for acm-ts-svm and acm-mdm");
  const std::vector<int> classes = learn::class_list(fn, trials.size(), labels, "trials");
  const std::vector<int> folds = learn::stratified_folds(labels, cv.folds, cv.seed);
  struct Point {
    int order, lag;
  };
  std::vector<Point> points;
  for (int o : grid.orders)
    for (int l : grid.lags) {
      if (o == 1 && l != grid.lags.front()) continue;  // order 1 ignores the lag (MOABB)
      points.push_back({o, l});
    }
  const std::size_t n_clf = svm ? grid.cs.size() * grid.kernels.size() : 1;

  CrossValidationResult r;
  r.metric = classes.size() == 2 ? "roc_auc" : "accuracy";
  std::vector<std::size_t> train, test;
  for (int f = 0; f < cv.folds; ++f) {
    split(folds, f, train, test);
    const std::vector<Eigen::MatrixXd> tr_trials = pick(trials, train);
    const std::vector<int> tr_labels = pick(labels, train);
    const std::vector<int> inner = learn::stratified_folds(tr_labels, grid.inner_folds, cv.seed + 1 + f);
    // inner score of (point p, classifier setting q); NaN = unusable
    std::vector<double> score(points.size() * n_clf, std::nan(""));
    // The shortest training trial decides whether an (order, lag) leaves the augmented
    // trials the 2 samples a covariance needs.
    Eigen::Index shortest = tr_trials.front().cols();
    for (const auto& t : tr_trials) shortest = std::min(shortest, t.cols());
    // A point whose ACM cannot be SPD is skipped (its score stays NaN): the augmented trials
    // are shorter than 2 samples, or an ACM fails the SPD rule (not_spd_error). Any other
    // error propagates: the lowest point's, whatever the thread count.
    auto score_point = [&](std::size_t pi) {
      const Point pt = points[pi];
      if (pt.order > 1 && shortest - static_cast<Eigen::Index>(pt.order) * pt.lag < 2) return;
      std::vector<Eigen::MatrixXd> covs;
      try {
        covs = augmented_covariances(tr_trials, pt.order, pt.lag, pipeline.covariance);
      } catch (const sampo::not_spd_error&) {
        return;
      }
      std::vector<double> sum(n_clf, 0.0);
      std::vector<std::size_t> itr, ite;
      for (int g = 0; g < grid.inner_folds; ++g) {
        split(inner, g, itr, ite);
        const auto ctr = pick(covs, itr), cte = pick(covs, ite);
        const auto ltr = pick(tr_labels, itr), lte = pick(tr_labels, ite);
        if (!svm) {
          PipelineOptions po = pipeline;
          po.kind = PipelineKind::mdm;
          Pipeline p(po);
          p.fit_covariances(ctr, ltr);
          sum[0] += fold_score(classes, p.scores_covariances(cte), lte);
          continue;
        }
        const Eigen::MatrixXd ref = mean_riemann(ctr, pipeline.mean).mean;
        const Eigen::MatrixXd xtr = tangent_space(ctr, ref), xte = tangent_space(cte, ref);
        for (std::size_t ci = 0; ci < grid.cs.size(); ++ci)
          for (std::size_t ki = 0; ki < grid.kernels.size(); ++ki) {
            SvmOptions so = pipeline.svm;
            so.c = grid.cs[ci];
            so.kernel = grid.kernels[ki];
            Svm s(so);
            s.fit(xtr, ltr);
            const Eigen::MatrixXd d = s.decision_function(xte);
            Eigen::MatrixXd sc = d;
            if (d.cols() == 1) {
              sc.resize(d.rows(), 2);
              sc.col(0) = -d.col(0);
              sc.col(1) = d.col(0);
            }
            sum[ci * grid.kernels.size() + ki] += fold_score(classes, sc, lte);
          }
      }
      for (std::size_t q = 0; q < n_clf; ++q) score[pi * n_clf + q] = sum[q] / grid.inner_folds;
    };
    parallel::parallel_for(points.size(), score_point, detail::one_per_block());
    std::size_t best = score.size();
    for (std::size_t k = 0; k < score.size(); ++k)
      if (!std::isnan(score[k]) && (best == score.size() || score[k] > score[best])) best = k;
    if (best == score.size())
      throw_invalid_argument(fn, "grid", {},
                             "no (order, lag) gives SPD augmented covariances on the training "
                             "trials of fold " +
                                 std::to_string(f) + "; use smaller orders / lags or shrinkage");
    PipelineOptions chosen = pipeline;
    chosen.order = points[best / n_clf].order;
    chosen.lag = points[best / n_clf].lag;
    if (svm) {
      chosen.svm.c = grid.cs[(best % n_clf) / grid.kernels.size()];
      chosen.svm.kernel = grid.kernels[(best % n_clf) % grid.kernels.size()];
    }
    Pipeline p(chosen);
    p.fit(tr_trials, tr_labels);
    r.fold_scores.push_back(fold_score(classes, p.scores(pick(trials, test)), pick(labels, test)));
    r.chosen.push_back(chosen);
  }
  summarize(r);
  r.seconds = watch.seconds();
  return r;
}

}  // namespace sampo::riemann

#include "sampo/riemann/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "detail.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/learn/folds.hpp"
#include "sampo/learn/labels.hpp"
#include "sampo/learn/metrics.hpp"
#include "sampo/parallel/cancellation.hpp"
#include "sampo/riemann/tangent_space.hpp"

namespace sampo::riemann {

using learn::pick;

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
  search.validate();
}

CrossValidationResult cross_validate_covariances(const std::vector<Eigen::MatrixXd>& covs,
                                                 const std::vector<int>& labels,
                                                 const PipelineOptions& pipeline,
                                                 const CrossValidationOptions& cv) {
  cv.validate();
  pipeline.validate();
  const std::vector<int> classes =
      learn::class_list("sampo::riemann::cross_validate", covs.size(), labels, "matrices");
  CrossValidationResult r;
  static_cast<learn::CrossValidationResult&>(r) = learn::cross_validate(
      labels,
      [&](int, const learn::FoldSplit& s) {
        Pipeline p(pipeline);
        p.fit_covariances(pick(covs, s.train), pick(labels, s.train));
        return learn::classification_score(classes, p.scores_covariances(pick(covs, s.test)),
                                           pick(labels, s.test));
      },
      learn::classification_metric(classes.size()), cv);
  return r;
}

CrossValidationResult cross_validate(const std::vector<Eigen::MatrixXd>& trials,
                                     const std::vector<int>& labels,
                                     const PipelineOptions& pipeline,
                                     const CrossValidationOptions& cv) {
  const Stopwatch watch;
  // A trial's covariance does not depend on the fold: compute all once.
  CrossValidationResult r =
      cross_validate_covariances(Pipeline(pipeline).features(trials), labels, pipeline, cv);
  r.run.seconds = watch.seconds();
  return r;
}

namespace {

/// The score of each classifier setting (C x kernel, or MDM's one) at one (order, lag) point:
/// the mean over the inner folds @p inner of the training trials.
std::vector<double> inner_scores(const std::vector<Eigen::MatrixXd>& covs,
                                 const std::vector<int>& labels, const std::vector<int>& inner,
                                 const std::vector<int>& classes, const PipelineOptions& pipeline,
                                 const GridOptions& grid, std::size_t n_clf) {
  const bool svm = pipeline.kind == PipelineKind::acm_ts_svm;
  std::vector<double> sum(n_clf, 0.0);
  MeanOptions mean = pipeline.mean;
  if (grid.mean_stall_passes > 0) mean.stall_passes = grid.mean_stall_passes;
  for (int g = 0; g < grid.inner_folds; ++g) {
    const learn::FoldSplit s = learn::fold_split(inner, g);
    const auto ctr = pick(covs, s.train), cte = pick(covs, s.test);
    const auto ltr = pick(labels, s.train), lte = pick(labels, s.test);
    if (!svm) {
      PipelineOptions po = pipeline;
      po.kind = PipelineKind::mdm;
      po.mean = mean;
      Pipeline p(po);
      p.fit_covariances(ctr, ltr);
      sum[0] += learn::classification_score(classes, p.scores_covariances(cte), lte);
      continue;
    }
    const Eigen::MatrixXd ref = mean_riemann(ctr, mean).mean;
    const Eigen::MatrixXd xtr = tangent_space(ctr, ref), xte = tangent_space(cte, ref);
    for (std::size_t ci = 0; ci < grid.cs.size(); ++ci)
      for (std::size_t ki = 0; ki < grid.kernels.size(); ++ki) {
        learn::SvmOptions so = pipeline.svm;
        so.c = grid.cs[ci];
        so.kernel = grid.kernels[ki];
        learn::Svm s(so);
        (void)s.fit(xtr, ltr);
        const Eigen::MatrixXd d = s.decision_function(xte);
        Eigen::MatrixXd sc = d;
        if (d.cols() == 1) {
          sc.resize(d.rows(), 2);
          sc.col(0) = -d.col(0);
          sc.col(1) = d.col(0);
        }
        sum[ci * grid.kernels.size() + ki] += learn::classification_score(classes, sc, lte);
      }
  }
  for (double& v : sum) v /= grid.inner_folds;
  return sum;
}

}  // namespace

CrossValidationResult grid_search_cross_validate(const std::vector<Eigen::MatrixXd>& trials,
                                                 const std::vector<int>& labels,
                                                 const PipelineOptions& pipeline,
                                                 const GridOptions& grid,
                                                 const CrossValidationOptions& cv) {
  constexpr const char* fn = "sampo::riemann::grid_search_cross_validate";
  cv.validate();
  grid.validate();
  pipeline.validate();
  const bool svm = pipeline.kind == PipelineKind::acm_ts_svm;
  if (!svm && pipeline.kind != PipelineKind::acm_mdm)
    throw_invalid_argument(fn, "pipeline.kind", to_string(pipeline.kind),
                           "grid search is for acm-ts-svm and acm-mdm");
  const std::vector<int> classes = learn::class_list(fn, trials.size(), labels, "trials");
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
  // The points are handed to the threads largest ACM first (the work of a point grows as
  // (order·C)³, so the small ones fill the gaps at the end); learn::grid_search's scores,
  // choice and error do not depend on that order.
  learn::GridSearchOptions search = grid.search;
  search.order.resize(points.size());
  for (std::size_t k = 0; k < points.size(); ++k) search.order[k] = k;
  std::stable_sort(search.order.begin(), search.order.end(),
                   [&](std::size_t a, std::size_t b) { return points[a].order > points[b].order; });
  for (std::size_t k = 0; k < trials.size(); ++k)
    if (trials[k].rows() != trials[0].rows())
      throw_invalid_argument(fn, detail::item("trial", k), {},
                             "has " + std::to_string(trials[k].rows()) + " channels, trial 0 has " +
                                 std::to_string(trials[0].rows()));

  CrossValidationResult r;
  std::size_t scored = 0;
  auto outer = [&](int f, const learn::FoldSplit& split) {
    const std::vector<Eigen::MatrixXd> tr_trials = pick(trials, split.train);
    const std::vector<int> tr_labels = pick(labels, split.train);
    const std::vector<int> inner = learn::stratified_folds(
        tr_labels, grid.inner_folds, cv.seed + 1 + static_cast<std::uint64_t>(f));
    // The shortest training trial decides whether an (order, lag) leaves the augmented
    // trials the 2 samples a covariance needs.
    Eigen::Index shortest = tr_trials.front().cols();
    for (const auto& t : tr_trials) shortest = std::min(shortest, t.cols());
    // A point whose ACM cannot be SPD is skipped: the augmented trials are shorter than 2
    // samples (an empty score list), or an ACM fails the SPD rule (not_spd_error, which
    // learn::grid_search skips). Any other error propagates: the lowest point's.
    auto score_point = [&](const Point pt) -> std::vector<double> {
      if (pt.order > 1 && shortest - static_cast<Eigen::Index>(pt.order) * pt.lag < 2) return {};
      // One trial after the other (the points already run in parallel), so that the first
      // trial whose ACM fails the SPD rule skips the point without estimating the rest:
      // the decision and any other error are augmented_covariances' (its lowest bad trial).
      std::vector<Eigen::MatrixXd> covs(tr_trials.size());
      for (std::size_t k = 0; k < tr_trials.size(); ++k)
        covs[k] = detail::with_context(
            "sampo::riemann::augmented_covariances: " + detail::item("trial", k), [&] {
              return augmented_covariance(tr_trials[k], pt.order, pt.lag, pipeline.covariance);
            });
      return inner_scores(covs, tr_labels, inner, classes, pipeline, grid, n_clf);
    };
    const learn::GridSearchResult g = learn::grid_search(
        points.size(), n_clf, [&](std::size_t pi) { return score_point(points[pi]); }, search);
    scored += g.run.evaluations;
    if (g.run.termination == Termination::user_stopped)
      throw parallel::cancelled_error(g.run.message);
    if (!g.best)
      throw_invalid_argument(fn, "grid", {},
                             "no (order, lag) gives SPD augmented covariances on the training "
                             "trials of fold " +
                                 std::to_string(f) + "; use smaller orders / lags or shrinkage");
    const std::size_t best = *g.best;
    PipelineOptions chosen = pipeline;
    chosen.order = points[best / n_clf].order;
    chosen.lag = points[best / n_clf].lag;
    if (svm) {
      chosen.svm.c = grid.cs[(best % n_clf) / grid.kernels.size()];
      chosen.svm.kernel = grid.kernels[(best % n_clf) % grid.kernels.size()];
    }
    Pipeline p(chosen);
    p.fit(tr_trials, tr_labels);
    r.chosen.push_back(chosen);
    return learn::classification_score(classes, p.scores(pick(trials, split.test)),
                                       pick(labels, split.test));
  };
  static_cast<learn::CrossValidationResult&>(r) =
      learn::cross_validate(labels, outer, learn::classification_metric(classes.size()), cv);
  r.run.evaluations = scored;
  r.chosen.resize(r.fold_scores.size());
  return r;
}

}  // namespace sampo::riemann

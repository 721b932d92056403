#include "sampo/learn/cross_validation.hpp"

#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "sampo/core/error.hpp"
#include "sampo/learn/folds.hpp"
#include "sampo/parallel/cancellation.hpp"

namespace sampo::learn {

void CrossValidationOptions::validate() const {
  if (folds < 2)
    throw_invalid_argument("sampo::learn::CrossValidationOptions", "folds", std::to_string(folds),
                           "must be >= 2");
}

FoldSplit fold_split(const std::vector<int>& folds, int fold) {
  FoldSplit s;
  for (std::size_t i = 0; i < folds.size(); ++i) (folds[i] == fold ? s.test : s.train).push_back(i);
  return s;
}

void summarize(CrossValidationResult& r) {
  if (r.fold_scores.empty()) {
    r.mean = r.stddev = 0.0;
    return;
  }
  const double n = static_cast<double>(r.fold_scores.size());
  r.mean = std::accumulate(r.fold_scores.begin(), r.fold_scores.end(), 0.0) / n;
  double ss = 0;
  for (double s : r.fold_scores) ss += (s - r.mean) * (s - r.mean);
  r.stddev = n > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
}

CrossValidationResult cross_validate(const std::vector<int>& labels, const FoldScorer& score,
                                     std::string metric, const CrossValidationOptions& cv) {
  const Stopwatch watch;
  cv.validate();
  const std::vector<int> folds = stratified_folds(labels, cv.folds, cv.seed);
  CrossValidationResult r;
  r.metric = std::move(metric);
  r.run.message = std::to_string(cv.folds) + "-fold cross-validation";
  for (int f = 0; f < cv.folds; ++f) {
    try {
      r.fold_scores.push_back(score(f, fold_split(folds, f)));
    } catch (const parallel::cancelled_error&) {
      r.run.termination = Termination::user_stopped;
      r.run.message =
          "cancelled after " + std::to_string(f) + " of " + std::to_string(cv.folds) + " folds";
      break;
    }
    ++r.run.evaluations;
  }
  summarize(r);
  r.run.iterations = r.fold_scores.size();
  r.run.seconds = watch.seconds();
  return r;
}

}  // namespace sampo::learn

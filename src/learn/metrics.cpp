#include "sampo/learn/metrics.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::learn {

double roc_auc(const Eigen::Ref<const Eigen::VectorXd>& scores, const std::vector<int>& labels,
               int positive) {
  constexpr const char* fn = "sampo::learn::roc_auc";
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
  constexpr const char* fn = "sampo::learn::accuracy";
  check_nonempty(fn, "truth", truth.size());
  if (predicted.size() != truth.size())
    throw_invalid_argument(fn, "predicted", {},
                           "has " + std::to_string(predicted.size()) + " entries for " +
                               std::to_string(truth.size()) + " labels");
  std::size_t hit = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) hit += predicted[i] == truth[i];
  return static_cast<double>(hit) / static_cast<double>(truth.size());
}

std::string classification_metric(std::size_t class_count) {
  return class_count == 2 ? "roc_auc" : "accuracy";
}

double classification_score(const std::vector<int>& classes,
                            const Eigen::Ref<const Eigen::MatrixXd>& scores,
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

}  // namespace sampo::learn

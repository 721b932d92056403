#include "sampo/learn/folds.hpp"

#include <string>
#include <utility>

#include "sampo/core/error.hpp"
#include "sampo/learn/labels.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::learn {
namespace {

void check_folds(const char* fn, int folds) {
  if (folds < 2) throw_invalid_argument(fn, "folds", std::to_string(folds), "must be >= 2");
}

/// Fisher-Yates shuffle of @p members on the stream (seed, stream).
void shuffle(std::vector<std::size_t>& members, std::uint64_t seed, std::uint64_t stream) {
  parallel::RandomStream rng(seed, stream);
  for (std::size_t i = members.size() - 1; i > 0; --i)
    std::swap(members[i], members[rng.uniform_int(i + 1)]);
}

}  // namespace

std::vector<int> kfold(std::size_t n, int folds, std::uint64_t seed) {
  constexpr const char* fn = "sampo::learn::kfold";
  check_folds(fn, folds);
  if (n < static_cast<std::size_t>(folds)) {
    std::string what = "is fewer than ";
    what.append(std::to_string(folds)).append(" folds");
    throw_invalid_argument(fn, "n", std::to_string(n), what);
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  shuffle(order, seed, 0);
  std::vector<int> out(n);
  for (std::size_t j = 0; j < n; ++j)
    out[order[j]] = static_cast<int>(j % static_cast<std::size_t>(folds));
  return out;
}

std::vector<int> stratified_folds(const std::vector<int>& labels, int folds, std::uint64_t seed) {
  constexpr const char* fn = "sampo::learn::stratified_folds";
  check_folds(fn, folds);
  const std::vector<int> classes = class_list(fn, labels.size(), labels);
  std::vector<int> out(labels.size(), -1);
  std::size_t next = 0;
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const int c = classes[k];
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == c) members.push_back(i);
    if (members.size() < static_cast<std::size_t>(folds)) {
      std::string what = "class has ";
      what.append(std::to_string(members.size())).append(" trials, fewer than ");
      what.append(std::to_string(folds)).append(" folds");
      throw_invalid_argument(fn, "labels", std::to_string(c), what);
    }
    shuffle(members, seed, k);  // the k-th class in ascending label order: stream k
    for (std::size_t i : members)
      out[i] = static_cast<int>(next++ % static_cast<std::size_t>(folds));
  }
  return out;
}

}  // namespace sampo::learn

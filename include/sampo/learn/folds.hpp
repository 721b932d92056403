#pragma once
/// @file
/// Cross-validation folds: plain k-fold and stratified k-fold, shuffled on the counter-based
/// sampo::parallel::RandomStream (Fisher-Yates with the exactly unbiased uniform_int), so the
/// folds are the same on every platform and standard library. They are not scikit-learn's
/// KFold / StratifiedKFold(shuffle=True) folds: per-fold scores differ from scikit-learn's or
/// MOABB's; averages are comparable.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sampo::learn {

/// Fold index (0..folds-1) of each of @p n items: the items are shuffled on the stream
/// (seed, 0) and dealt round-robin to the folds, so fold sizes differ by at most 1.
/// @param n number of items (>= folds). @param folds k (>= 2). @param seed shuffle seed.
/// @return one fold index per item.
/// @throw sampo::invalid_argument if folds < 2 or n < folds.
[[nodiscard]] std::vector<int> kfold(std::size_t n, int folds, std::uint64_t seed);

/// Fold index (0..folds-1) of each item, every class spread evenly over the folds (the counts
/// of a class in two folds differ by at most 1): the items of each class are shuffled on the
/// stream (seed, k) of the k-th class in ascending label order and dealt round-robin to the
/// folds, continuing across classes.
/// @param labels class label of each item (at least 2 classes). @param folds k (>= 2).
/// @param seed shuffle seed.
/// @return one fold index per item.
/// @throw sampo::invalid_argument if folds < 2, labels hold fewer than 2 classes, or a class
///        has fewer than @p folds items.
[[nodiscard]] std::vector<int> stratified_folds(const std::vector<int>& labels, int folds,
                                                std::uint64_t seed);

}  // namespace sampo::learn

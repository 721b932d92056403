#pragma once
/// @file
/// Class labels: the sorted distinct classes of a labelled data set, checked once for every
/// classifier, fold maker and evaluation in sampo (learn and the modules above it).

#include <cstddef>
#include <vector>

namespace sampo::learn {

/// Sorted distinct labels of @p labels, which label @p n items.
/// @param function name of the calling function, for error messages.
/// @param n number of items the labels belong to. @param labels one label per item.
/// @param items what the items are, for error messages ("matrices", "rows", "trials").
/// @return the classes in ascending order.
/// @throw sampo::invalid_argument naming @p function and 'labels' when @p labels is empty,
///        has other than @p n entries, or holds a single class.
[[nodiscard]] std::vector<int> class_list(const char* function, std::size_t n,
                                          const std::vector<int>& labels,
                                          const char* items = "items");

}  // namespace sampo::learn

#include "sampo/learn/labels.hpp"

#include <algorithm>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::learn {

std::vector<int> class_list(const char* function, std::size_t n, const std::vector<int>& labels,
                            const char* items) {
  check_nonempty(function, "labels", labels.size());
  if (labels.size() != n) {
    std::string what = "has ";
    what.append(std::to_string(labels.size())).append(" entries for ").append(std::to_string(n));
    what.append(" ").append(items);
    throw_invalid_argument(function, "labels", {}, what);
  }
  std::vector<int> classes(labels);
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  if (classes.size() < 2)
    throw_invalid_argument(function, "labels", std::to_string(classes[0]),
                           "hold a single class; a classifier needs at least 2");
  return classes;
}

}  // namespace sampo::learn

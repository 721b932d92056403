#include "sampo/riemann/epochs.hpp"

#include <cmath>
#include <set>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::riemann {

void EpochOptions::validate() const {
  constexpr const char* fn = "sampo::riemann::EpochOptions";
  check_finite(fn, "tmin", tmin);
  check_finite(fn, "tmax", tmax);
  if (!(tmax > tmin))
    throw_invalid_argument(fn, "tmax", format_value(tmax),
                           "must exceed tmin = " + format_value(tmin));
}

Epochs epoch(const Eigen::Ref<const Eigen::MatrixXd>& data, double fs,
             const std::vector<io::EegAnnotation>& annotations,
             const std::vector<std::string>& events, const EpochOptions& options) {
  constexpr const char* fn = "sampo::riemann::epoch";
  options.validate();
  check_positive(fn, "fs", fs);
  check_nonempty(fn, "events", events.size());
  for (std::size_t k = 0; k < events.size(); ++k)
    for (std::size_t j = 0; j < k; ++j)
      if (events[j] == events[k])
        throw_invalid_argument(fn, "events", events[k],
                               "is listed twice (events " + std::to_string(j) + " and " +
                                   std::to_string(k) + "); each class needs its own label");
  std::set<std::string> present;
  for (const auto& a : annotations) present.insert(a.label);
  for (const auto& e : events)
    if (!present.count(e)) {
      std::string all;
      for (const auto& p : present) all.append(all.empty() ? "" : ", ").append(p);
      throw_invalid_argument(fn, "events", e,
                             "never occurs among the annotations (labels present: " +
                                 (all.empty() ? std::string("none") : all) + ")");
    }
  const auto first = static_cast<long long>(std::llround(options.tmin * fs));
  const auto last = static_cast<long long>(std::llround(options.tmax * fs));
  const Eigen::Index len = static_cast<Eigen::Index>(last - first + 1);
  Epochs out;
  for (const auto& a : annotations) {
    int label = -1;
    for (std::size_t k = 0; k < events.size(); ++k)
      if (a.label == events[k]) label = static_cast<int>(k);
    if (label < 0) continue;
    const long long start = std::llround(a.onset * fs) + first;
    if (start < 0 || start + len > data.cols()) {
      ++out.dropped;
      continue;
    }
    out.trials.push_back(data.middleCols(static_cast<Eigen::Index>(start), len));
    out.labels.push_back(label);
    out.onsets.push_back(a.onset);
  }
  return out;
}

}  // namespace sampo::riemann

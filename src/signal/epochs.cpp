#include "sampo/signal/epochs.hpp"

#include <cmath>
#include <set>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/signal/filter.hpp"

namespace sampo::signal {

void EpochOptions::validate() const {
  constexpr const char* fn = "sampo::signal::EpochOptions";
  check_finite(fn, "tmin", tmin);
  check_finite(fn, "tmax", tmax);
  if (!(tmax > tmin))
    throw_invalid_argument(fn, "tmax", format_value(tmax),
                           "must exceed tmin = " + format_value(tmin));
}

Epochs epoch(const Eigen::Ref<const Eigen::MatrixXd>& data, double fs,
             const std::vector<io::EegAnnotation>& annotations,
             const std::vector<std::string>& events, const EpochOptions& options) {
  constexpr const char* fn = "sampo::signal::epoch";
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

void EpochLoadOptions::validate() const {
  constexpr const char* fn = "sampo::signal::EpochLoadOptions";
  check_nonempty(fn, "events", events.size());
  window.validate();  // band and order: butterworth_bandpass checks them against each file's fs
}

Epochs load_epochs(const std::vector<std::string>& files, const EpochLoadOptions& options) {
  constexpr const char* fn = "sampo::signal::load_epochs";
  options.validate();
  check_nonempty(fn, "files", files.size());
  Epochs all;
  for (const auto& file : files) {
    const io::EegRecording rec = io::read_eeg(file);
    // Channels first: the filter acts on each channel alone, so only the kept ones are filtered.
    Eigen::MatrixXd data;
    if (options.channels.empty()) {
      data = rec.data;
    } else {
      data.resize(static_cast<Eigen::Index>(options.channels.size()), rec.data.cols());
      for (std::size_t k = 0; k < options.channels.size(); ++k)
        data.row(static_cast<Eigen::Index>(k)) =
            rec.data.row(rec.channel_index(options.channels[k]));
    }
    const Eigen::MatrixXd sos =
        butterworth_bandpass(options.filter_order, options.low, options.high, rec.sampling_rate);
    data = sosfiltfilt(sos, data);
    const Epochs ep =
        epoch(data, rec.sampling_rate, rec.annotations, options.events, options.window);
    all.trials.insert(all.trials.end(), ep.trials.begin(), ep.trials.end());
    all.labels.insert(all.labels.end(), ep.labels.begin(), ep.labels.end());
    all.onsets.insert(all.onsets.end(), ep.onsets.begin(), ep.onsets.end());
    all.dropped += ep.dropped;
  }
  return all;
}

}  // namespace sampo::signal

#pragma once
/// @file
/// Cutting trials out of a continuous recording at its annotations (EEG cues).

#include <string>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/io/eeg.hpp"

namespace sampo::riemann {

/// Window relative to each cue, in seconds; both ends included, as MNE's Epochs:
/// samples round(tmin fs) .. round(tmax fs) after the cue's sample round(onset fs).
struct EpochOptions {
  double tmin = 0.5;  ///< start of the window after the cue (s; may be negative)
  double tmax = 2.5;  ///< end of the window (s; > tmin)
  /// @throw sampo::invalid_argument naming the field.
  void validate() const;
};

/// The trials of a recording.
struct Epochs {
  std::vector<Eigen::MatrixXd> trials;  ///< channels x samples, one per kept cue
  std::vector<int> labels;              ///< index into the requested events (0, 1, ...)
  std::vector<double> onsets;           ///< cue time (s) of each trial
  std::size_t dropped = 0;              ///< cues whose window left the recording
};

/// Epochs of @p data (channels x samples at @p fs) at every annotation whose label is one of
/// @p events; the label of a trial is the index of its event in @p events.
/// @throw sampo::invalid_argument if events is empty, an event never occurs (the message lists
///        the labels present), fs is not positive, or options are bad.
[[nodiscard]] Epochs epoch(const Eigen::Ref<const Eigen::MatrixXd>& data, double fs,
                           const std::vector<io::EegAnnotation>& annotations,
                           const std::vector<std::string>& events,
                           const EpochOptions& options = {});

}  // namespace sampo::riemann

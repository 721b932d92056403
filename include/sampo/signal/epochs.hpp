#pragma once
/// @file
/// Cutting trials out of a continuous recording at its annotations (EEG cues), and the whole
/// path from recording files to band-passed trials (load_epochs), as `sampo riemann epochs`
/// and `classify --edf` run it.

#include <string>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/io/eeg.hpp"

namespace sampo::signal {

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

/// How load_epochs reads, filters and cuts recordings.
struct EpochLoadOptions {
  std::vector<std::string> events{"T1", "T2"};  ///< annotation labels of the classes, in order
  /// Channels kept, by name (io::EegRecording::channel_index); empty: all channels.
  std::vector<std::string> channels;
  double low = 8.0;      ///< band-pass lower edge (Hz; 0 < low < high)
  double high = 35.0;    ///< band-pass upper edge (Hz; < fs / 2 of every file)
  int filter_order = 4;  ///< Butterworth order (1..20), applied forward and backward
  EpochOptions window;   ///< epoch window after each cue
  /// @throw sampo::invalid_argument naming the field (events empty, a bad window); the band
  /// and the order are checked by butterworth_bandpass against each file's sampling rate.
  void validate() const;
};

/// The epochs of one session stored in @p files (EDF/EDF+/BDF/GDF, read by io::read_eeg):
/// for each file, the kept channels are band-passed with a zero-phase Butterworth filter
/// (butterworth_bandpass + sosfiltfilt at the file's sampling rate) and cut at the
/// annotations of options.events (epoch); the epochs of all files are pooled in file order
/// (dropped counts summed).
/// @throw sampo::invalid_argument if files is empty, options are bad, a channel is unknown, or
///        a file's recording is bad for the filter or the epochs (as the functions named);
///        sampo::io_error for an unreadable file.
[[nodiscard]] Epochs load_epochs(const std::vector<std::string>& files,
                                 const EpochLoadOptions& options = {});

}  // namespace sampo::signal

#pragma once
/// @file
/// Reading EEG recordings (EDF, EDF+, BDF, GDF and the other formats BioSig knows) behind a
/// small reader interface, so that other back ends can be added without touching callers.
///
/// The BioSig back end (Debian libbiosig-dev) returns the physical values (digital values
/// scaled by each channel's calibration), one row per channel, in the file's physical unit
/// (EDF: usually "uV"); annotation channels (EDF+ "EDF Annotations") are not data channels:
/// their TALs become `annotations`. For EDF/BDF files the file size is checked against the
/// header (header bytes + records x samples per record x bytes per sample): a mismatch means a
/// damaged or truncated file (the PhysioNet copies once went through a CRLF conversion).
/// Every error is a sampo::io_error naming the file.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sampo/core/eigen.hpp"

namespace sampo::io {

/// One annotation / event: onset and duration in seconds from the start of the recording.
struct EegAnnotation {
  double onset = 0.0;     ///< seconds
  double duration = 0.0;  ///< seconds (0 when the file gives none)
  std::string label;      ///< e.g. "T1"; BioSig's event description
};

/// A whole recording in memory.
struct EegRecording {
  std::filesystem::path path;         ///< the file read
  std::string format;                 ///< e.g. "EDF", "BDF", "GDF" (BioSig's name for it)
  double sampling_rate = 0.0;         ///< Hz, common to every channel
  std::vector<std::string> channels;  ///< channel labels, trailing spaces/dots kept as in the file
  std::vector<std::string> units;     ///< physical unit of each channel ("uV")
  Eigen::MatrixXd data;               ///< channels x samples, physical values
  std::vector<EegAnnotation> annotations;  ///< in file order

  /// Index of the channel whose label, with trailing '.' and spaces removed, equals @p name
  /// (case-insensitive): "C3" finds "C3..". @throw sampo::invalid_argument naming the file
  /// and listing the labels when there is none.
  [[nodiscard]] Eigen::Index channel_index(const std::string& name) const;
};

/// A reader of one family of EEG formats.
class EegReader {
 public:
  virtual ~EegReader() = default;
  /// Reads the whole file. @throw sampo::io_error naming the file.
  [[nodiscard]] virtual EegRecording read(const std::filesystem::path& path) const = 0;
  /// A short name for messages ("biosig").
  [[nodiscard]] virtual std::string name() const = 0;
};

/// The BioSig back end: EDF, EDF+, BDF, GDF, BrainVision, and the rest of libbiosig's formats.
/// Thread-safe for distinct files except for BioSig's own global error state, which the
/// reader does not rely on (errors are read from each file's header).
class BiosigReader final : public EegReader {
 public:
  /// @throw sampo::io_error for a missing or unreadable file, an unknown format, a file whose
  ///        size disagrees with its EDF/BDF header, channels with different sampling rates,
  ///        or a short read; a file named *.edf / *.bdf that is not EDF / BDF.
  [[nodiscard]] EegRecording read(const std::filesystem::path& path) const override;
  [[nodiscard]] std::string name() const override { return "biosig"; }
};

/// Reads @p path with the default reader (BioSig). @throw sampo::io_error as BiosigReader::read.
[[nodiscard]] EegRecording read_eeg(const std::filesystem::path& path);

/// For EDF and BDF files: the size the header declares (header bytes + records x sum of
/// samples per record x 2 (EDF) or 3 (BDF) bytes), or 0 when the header gives an unknown
/// record count (-1). @throw sampo::io_error if the file cannot be read or is neither EDF nor BDF.
[[nodiscard]] std::uintmax_t edf_declared_size(const std::filesystem::path& path);

}  // namespace sampo::io

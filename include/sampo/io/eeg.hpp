#pragma once
/// @file
/// Reading EEG recordings (EDF, EDF+, BDF, GDF) behind a
/// small reader interface, so that other back ends can be added without touching callers.
///
/// The BioSig back end (Debian libbiosig-dev) returns the physical values (digital values
/// scaled by each channel's calibration), one row per channel, in the file's physical unit
/// (EDF: usually "uV"); annotation channels (EDF+ "EDF Annotations") are not data channels:
/// their TALs become `annotations`.
///
/// Files are recognised by their content, not their name: a file starting with the EDF
/// ("0       "), BDF (0xFF "BIOSEMI") or GDF ("GDF ") magic is checked against its header
/// before BioSig sees it, since BioSig allocates and divides by what the header says:
/// - EDF / BDF: every field BioSig uses is validated (number of signals >= 1, header bytes =
///   256 x (signals + 1), record count >= 1 or -1, record duration > 0, and for each data
///   channel physical minimum != maximum, digital minimum < maximum within the sample width,
///   samples per record >= 1 and the same for every data channel; for EDF+ the patient and
///   recording identification subfields), and the file size must be
///   exactly header + records x record bytes (2 bytes a sample for EDF, 3 for BDF). A record
///   count of -1 (unknown) is replaced by what the file holds, which must be a whole number
///   of records. A size mismatch means a damaged or truncated file (the PhysioNet copies once
///   went through a CRLF conversion).
/// - GDF: channels >= 1, a header length that fits, known sample types, samples per record
///   and record duration > 0, and a known record count whose data fit in the file.
/// - Any other content is refused: BioSig's readers of its other formats trust their headers
///   as well, and some crash on a damaged one. So is a file whose first 64 KiB contain
///   "ALPHA-TRACE-MEDICAL" (BioSig then reads absent Alpha Trace companion files).
/// - Whatever the format, the decoded data (8 bytes a value) may not exceed 64 times the file
///   size.
///
/// Every error is a sampo::io_error naming the file and, for a header field, the field and
/// the channel (1-based index and label). What BioSig prints while reading is captured and
/// becomes one line of printable characters: appended to the error message when the read
/// fails, a warning through sampo::log when it succeeds. Reads are serialised (one at a time
/// in the process), and while one runs, anything written to stdout / stderr by any thread is
/// part of what is captured.

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

/// The BioSig back end for EDF, EDF+, BDF and GDF: the formats whose headers sampo checks
/// before libbiosig decodes them (BioSig knows more, but trusts their headers).
/// Thread-safe: reads are serialised (BioSig keeps global state, and its output is captured
/// through the process's file descriptors 1 and 2).
class BiosigReader final : public EegReader {
 public:
  /// @throw sampo::io_error for a missing, empty or unreadable file, another format, an
  ///        EDF/BDF/GDF header field that is invalid or disagrees with the file size,
  ///        channels with different sampling rates, or a short read.
  [[nodiscard]] EegRecording read(const std::filesystem::path& path) const override;
  [[nodiscard]] std::string name() const override { return "biosig"; }
};

/// Reads @p path with the default reader (BioSig). @throw sampo::io_error as BiosigReader::read.
[[nodiscard]] EegRecording read_eeg(const std::filesystem::path& path);

/// For EDF and BDF files: the size the header declares (header bytes + records x sum of
/// samples per record x 2 (EDF) or 3 (BDF) bytes), or 0 when the header gives an unknown
/// record count (-1); the maximum std::uintmax_t when that size would not fit in 64 bits.
/// Only the fields that give the size are validated (read_eeg checks the rest).
/// @throw sampo::io_error if the file cannot be read, is neither EDF nor BDF, or has an
///        invalid number of signals, header bytes, record count or samples per record.
[[nodiscard]] std::uintmax_t edf_declared_size(const std::filesystem::path& path);

}  // namespace sampo::io

#pragma once
// Internal: recognising EEG files by their content and checking EDF / BDF / GDF headers
// before BioSig is given the file (not installed, not part of the API).
//
// BioSig trusts a header: it allocates records x samples x channels from it and divides by the
// record duration. These checks run first, on the bytes of the file, so that a damaged or
// hostile header is a sampo::io_error naming the file, the field and the channel.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sampo::io::detail {

/// What the first bytes of a file say it is.
enum class EegContent { edf, bdf, gdf, other };

/// Classifies @p head (the first bytes of a file): EDF starts with "0       ", BDF with 0xFF
/// then "BIOSEMI", GDF with "GDF ".
EegContent sniff_eeg_content(std::string_view head);

/// One signal of an EDF / BDF header, as validated.
struct EdfSignal {
  std::string label;       ///< as in the file, trailing spaces removed
  bool annotation = false; ///< "EDF Annotations" / "BDF Annotations"
  double physical_min = 0, physical_max = 0;
  long long digital_min = 0, digital_max = 0;
  long long samples_per_record = 0;
};

/// An EDF / BDF header, as validated against the file size.
struct EdfHeader {
  bool bdf = false;
  long long header_bytes = 0;
  long long declared_records = 0;  ///< the field: -1 means unknown
  long long records = 0;           ///< the count the file holds (derived when declared is -1)
  double record_duration = 0;      ///< seconds
  std::vector<EdfSignal> signals;
  std::uint64_t bytes_per_record = 0;
  std::uint64_t declared_size = 0;  ///< header + declared records x record bytes; 0 if unknown
};

/// Reads and checks the EDF / BDF header of @p path. With @p full, every field BioSig relies on
/// is validated (physical and digital ranges, record duration, one sampling rate for the data
/// channels) and the file size must be exactly what the header declares (an unknown record
/// count, -1, must then divide the data bytes exactly). Without it, only the fields that give
/// the declared size are checked. @throw sampo::io_error from @p function naming the file, the
/// field and, for a signal field, the channel (1-based index and label).
EdfHeader read_edf_header(std::string_view function, const std::filesystem::path& path, bool full);

/// Checks a GDF header against the file: a known version, at least one channel, a header length
/// that fits the file, known sample types, positive samples per record and record duration,
/// and a known record count whose data fits in the file. @throw sampo::io_error from
/// @p function naming the file and the field.
void check_gdf_header(std::string_view function, const std::filesystem::path& path);

}  // namespace sampo::io::detail

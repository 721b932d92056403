#include "sampo/io/eeg.hpp"

#include <biosig-dev.h>  // GetFileTypeString (biosig.h has the rest)
#include <biosig.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "sampo/core/error.hpp"

namespace sampo::io {
namespace {

constexpr const char* kRead = "sampo::io::BiosigReader::read";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim_label(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

/// Owns an open BioSig header: sclose + destructHDR on scope exit.
struct HeaderCloser {
  void operator()(HDRTYPE* h) const noexcept {
    sclose(h);
    destructHDR(h);
  }
};
using Header = std::unique_ptr<HDRTYPE, HeaderCloser>;

std::string biosig_error(HDRTYPE* h) {
  if (!h) return "BioSig could not open it";
  char* msg = biosig_get_errormsg(h);
  std::string out = msg ? msg : "unknown BioSig error";
  std::free(msg);
  return out;
}

/// A fixed-width ASCII header field as a number.
long long field(const std::string& header, std::size_t offset, std::size_t width,
                const std::filesystem::path& path, const char* what) {
  const std::string s = header.substr(offset, width);
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (end == s.c_str())
    throw_io_error("sampo::io::edf_declared_size", path.string(),
                   std::string("header field '") + what + "' = '" + s + "' is not a number");
  return v;
}

}  // namespace

std::uintmax_t edf_declared_size(const std::filesystem::path& path) {
  constexpr const char* fn = "sampo::io::edf_declared_size";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io_error(fn, path.string(), "cannot open the file");
  std::string fixed(256, '\0');
  in.read(fixed.data(), 256);
  if (in.gcount() != 256)
    throw_io_error(fn, path.string(), "shorter than an EDF header (256 bytes)");
  const bool edf = fixed.compare(0, 8, "0       ") == 0;
  const bool bdf =
      static_cast<unsigned char>(fixed[0]) == 0xFF && fixed.compare(1, 7, "BIOSEMI") == 0;
  if (!edf && !bdf)
    throw_io_error(fn, path.string(), "is not an EDF/EDF+ or BDF file (bad version field)");
  const long long header_bytes = field(fixed, 184, 8, path, "header bytes");
  const long long records = field(fixed, 236, 8, path, "number of records");
  const long long ns = field(fixed, 252, 4, path, "number of signals");
  if (ns < 1 || header_bytes != 256 * (ns + 1))
    throw_io_error(fn, path.string(),
                   "inconsistent header: " + std::to_string(ns) + " signals but " +
                       std::to_string(header_bytes) + " header bytes");
  if (records < 0) return 0;
  std::string sig(static_cast<std::size_t>(256 * ns), '\0');
  in.read(sig.data(), static_cast<std::streamsize>(sig.size()));
  if (in.gcount() != static_cast<std::streamsize>(sig.size()))
    throw_io_error(fn, path.string(), "truncated signal header");
  long long per_record = 0;
  const std::size_t spr_offset = static_cast<std::size_t>(216 * ns);
  for (long long i = 0; i < ns; ++i)
    per_record +=
        field(sig, spr_offset + static_cast<std::size_t>(8 * i), 8, path, "samples per record");
  return static_cast<std::uintmax_t>(header_bytes + records * per_record * (edf ? 2 : 3));
}

Eigen::Index EegRecording::channel_index(const std::string& name) const {
  const std::string want = lower(trim_label(name));
  for (std::size_t k = 0; k < channels.size(); ++k)
    if (lower(trim_label(channels[k])) == want) return static_cast<Eigen::Index>(k);
  std::string all;
  for (const auto& c : channels) all.append(all.empty() ? "" : ", ").append(trim_label(c));
  throw_invalid_argument("sampo::io::EegRecording::channel_index", "name", name,
                         "is not a channel of '" + path.string() + "' (channels: " + all + ")");
}

EegRecording BiosigReader::read(const std::filesystem::path& path) const {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw_io_error(kRead, path.string(), "no such file");
  const std::string ext = lower(path.extension().string());
  if (ext == ".edf" || ext == ".bdf") {
    const std::uintmax_t declared = edf_declared_size(path);  // also checks the version field
    const std::uintmax_t actual = std::filesystem::file_size(path);
    if (declared != 0 && declared != actual)
      throw_io_error(kRead, path.string(),
                     "file size " + std::to_string(actual) + " bytes differs from the " +
                         std::to_string(declared) +
                         " bytes its header declares: the file is damaged or truncated");
  }
  Header h(sopen(path.string().c_str(), "r", nullptr));
  if (!h || biosig_check_error(h.get()))
    throw_io_error(kRead, path.string(), "BioSig cannot read it: " + biosig_error(h.get()));
  EegRecording rec;
  rec.path = path;
  rec.format = GetFileTypeString(biosig_get_filetype(h.get()));
  const long ns = biosig_get_number_of_channels(h.get());
  if (ns < 1) throw_io_error(kRead, path.string(), "has no data channels");
  rec.sampling_rate = biosig_get_samplerate(h.get());
  if (!(rec.sampling_rate > 0)) throw_io_error(kRead, path.string(), "has no valid sampling rate");
  for (long k = 0; k < ns; ++k) {
    CHANNEL_TYPE* c = biosig_get_channel(h.get(), static_cast<int>(k));
    const double fs = biosig_get_channel_samplerate(h.get(), static_cast<int>(k));
    if (std::abs(fs - rec.sampling_rate) > 1e-9 * rec.sampling_rate)
      throw_io_error(kRead, path.string(),
                     "channel " + std::to_string(k) + " is sampled at " + format_value(fs) +
                         " Hz, the recording at " + format_value(rec.sampling_rate) +
                         " Hz; mixed sampling rates are not supported");
    const char* label = biosig_channel_get_label(c);
    const char* unit = biosig_channel_get_physdim(c);
    rec.channels.emplace_back(label ? label : "");
    rec.units.emplace_back(unit ? unit : "");
  }
  biosig_reset_flag(h.get(), BIOSIG_FLAG_ROW_BASED_CHANNELS | BIOSIG_FLAG_UCAL);
  const std::size_t records = biosig_get_number_of_records(h.get());
  const std::size_t got = sread(nullptr, 0, records, h.get());
  if (biosig_check_error(h.get()) || got != records)
    throw_io_error(kRead, path.string(),
                   "read " + std::to_string(got) + " of " + std::to_string(records) +
                       " records: " + biosig_error(h.get()));
  biosig_data_type* block = nullptr;
  std::size_t rows = 0, cols = 0;
  biosig_get_datablock(h.get(), &block, &rows, &cols);
  if (!block || cols != static_cast<std::size_t>(ns))
    throw_io_error(kRead, path.string(), "BioSig returned an unexpected data block");
  // Column-major block: one column per channel.
  rec.data = Eigen::Map<const Eigen::MatrixXd>(block, static_cast<Eigen::Index>(rows),
                                               static_cast<Eigen::Index>(cols))
                 .transpose();
  const double event_rate = biosig_get_eventtable_samplerate(h.get());
  const double er = event_rate > 0 ? event_rate : rec.sampling_rate;
  const std::size_t ne = biosig_get_number_of_events(h.get());
  for (std::size_t n = 0; n < ne; ++n) {
    uint16_t typ = 0, chn = 0;
    uint32_t pos = 0, dur = 0;
    const char* desc = nullptr;
    if (biosig_get_nth_event(h.get(), n, &typ, &pos, &chn, &dur, nullptr, &desc) != 0) continue;
    rec.annotations.push_back({pos / er, dur / er, desc ? desc : std::to_string(typ)});
  }
  return rec;
}

EegRecording read_eeg(const std::filesystem::path& path) { return BiosigReader().read(path); }

}  // namespace sampo::io

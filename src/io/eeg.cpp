#include "sampo/io/eeg.hpp"

#include <biosig-dev.h>  // GetFileTypeString (biosig.h has the rest)
#include <biosig.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <string>

#include "eeg_header.hpp"
#include "output_capture.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/log.hpp"
#include "text_util.hpp"

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

/// BioSig's error message for @p h, as one printable line.
std::string biosig_error(HDRTYPE* h) {
  if (!h) return "BioSig could not open it";
  char* msg = biosig_get_errormsg(h);
  std::string out = detail::one_line(msg ? msg : "");
  std::free(msg);
  return out.empty() ? "unknown BioSig error" : out;
}

/// Checks the file's header, by its content, before BioSig sees it: BioSig allocates and
/// divides by what the header says. Returns the EDF / BDF header when the file is one.
std::optional<detail::EdfHeader> check_header(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) throw_io_error(kRead, path.string(), "cannot read its size: " + ec.message());
  if (size == 0) throw_io_error(kRead, path.string(), "is empty");
  std::string head(64 * 1024, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw_io_error(kRead, path.string(), "cannot open the file");
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
  }
  // BioSig takes a file whose first bytes contain this text, wherever (even in the samples),
  // for an Alpha Trace recording and reads companion files through a null FILE* when they are
  // absent (found by fuzz/eeg_fuzz.cpp).
  constexpr std::string_view kAlpha = "ALPHA-TRACE-MEDICAL";
  if (const std::size_t at = head.find(kAlpha); at != std::string::npos)
    throw_io_error(kRead, path.string(),
                   "contains '" + std::string(kAlpha) + "' at byte " + std::to_string(at) +
                       ", which makes BioSig read it as an Alpha Trace recording with companion "
                       "files: not supported");
  switch (detail::sniff_eeg_content(head)) {
    case detail::EegContent::edf:
    case detail::EegContent::bdf:
      return detail::read_edf_header(kRead, path, true);
    case detail::EegContent::gdf:
      detail::check_gdf_header(kRead, path);
      return std::nullopt;
    case detail::EegContent::other:
      break;
  }
  // BioSig's readers of its other formats trust their headers too, and some crash on a damaged
  // one (a division by zero in its WCP reader, found by fuzz/eeg_fuzz.cpp): only the formats
  // whose headers sampo checks are given to BioSig.
  std::string shown = head.substr(0, 8);
  for (char& c : shown)
    if (c < 0x20 || c > 0x7E) c = '?';
  throw_io_error(kRead, path.string(),
                 "is not an EDF/EDF+, BDF or GDF file (bad version field " + detail::quote(shown) +
                     "): sampo reads only these formats, whose headers it checks before BioSig "
                     "decodes them");
}

/// The BioSig part of a read: every call into BioSig happens here, while its output is captured.
EegRecording read_biosig(const std::filesystem::path& path,
                         const std::optional<detail::EdfHeader>& edf) {
  Header h(sopen(path.string().c_str(), "r", nullptr));
  if (!h || biosig_check_error(h.get()))
    throw_io_error(kRead, path.string(), "BioSig cannot read it: " + biosig_error(h.get()));
  EegRecording rec;
  rec.path = path;
  rec.format = GetFileTypeString(biosig_get_filetype(h.get()));
  const long ns = biosig_get_number_of_channels(h.get());
  if (ns < 1) throw_io_error(kRead, path.string(), "has no data channels");
  const std::size_t records = biosig_get_number_of_records(h.get());
  if (edf && records != static_cast<std::size_t>(edf->records))
    throw_io_error(kRead, path.string(),
                   "BioSig sees " + std::to_string(records) + " data records where the header "
                   "and file size give " + std::to_string(edf->records));
  // Whatever the format: the decoded block (8 bytes a value) cannot be more than 64 times the
  // file (a stored sample takes at least one bit), unless the header is inconsistent.
  const std::uintmax_t size = std::filesystem::file_size(path);
  const std::size_t samples = biosig_get_number_of_samples(h.get());
  std::size_t values = 0;
  if (__builtin_mul_overflow(samples, static_cast<std::size_t>(ns), &values) ||
      values / 8 > size)
    throw_io_error(kRead, path.string(),
                   "its header declares " + std::to_string(samples) + " samples x " +
                       std::to_string(ns) + " channels, more than a file of " +
                       std::to_string(size) + " bytes can hold: the file is damaged");
  rec.sampling_rate = biosig_get_samplerate(h.get());
  // (not std::isfinite: BioSig's C headers may define isfinite as a macro)
  if (!(rec.sampling_rate > 0 && rec.sampling_rate < std::numeric_limits<double>::infinity()))
    throw_io_error(kRead, path.string(),
                   "has no valid sampling rate (" + format_value(rec.sampling_rate) + " Hz)");
  for (long k = 0; k < ns; ++k) {
    CHANNEL_TYPE* c = biosig_get_channel(h.get(), static_cast<int>(k));
    const double fs = biosig_get_channel_samplerate(h.get(), static_cast<int>(k));
    const char* label = biosig_channel_get_label(c);
    if (std::abs(fs - rec.sampling_rate) > 1e-9 * rec.sampling_rate)
      throw_io_error(kRead, path.string(),
                     "channel " + std::to_string(k + 1) + " (" +
                         detail::quote(detail::one_line(label ? label : "")) +
                         ") is sampled at " + format_value(fs) + " Hz, the recording at " +
                         format_value(rec.sampling_rate) +
                         " Hz; mixed sampling rates are not supported");
    const char* unit = biosig_channel_get_physdim(c);
    rec.channels.emplace_back(label ? label : "");
    rec.units.emplace_back(unit ? unit : "");
  }
  biosig_reset_flag(h.get(), BIOSIG_FLAG_ROW_BASED_CHANNELS | BIOSIG_FLAG_UCAL);
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

}  // namespace

std::uintmax_t edf_declared_size(const std::filesystem::path& path) {
  return detail::read_edf_header("sampo::io::edf_declared_size", path, false).declared_size;
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
  const std::optional<detail::EdfHeader> edf = check_header(path);
  // BioSig prints its diagnostics (sometimes thousands of lines, sometimes raw bytes of the
  // file): they become one printable line, in the error message or a warning.
  std::optional<EegRecording> rec;
  std::optional<io_error> failure;
  std::string said;
  {
    detail::OutputCapture capture;
    try {
      rec = read_biosig(path, edf);
    } catch (const io_error& e) {
      failure = e;
    }
    said = detail::one_line(capture.finish());
  }
  if (failure) {
    if (said.empty()) throw *failure;
    throw io_error(std::string(failure->what()) + " (BioSig printed: " + said + ")");
  }
  if (!said.empty())
    log(LogLevel::warning, std::string(kRead) + ": " + detail::quote(path.string()) +
                               ": BioSig printed: " + said);
  return std::move(*rec);
}

EegRecording read_eeg(const std::filesystem::path& path) { return BiosigReader().read(path); }

}  // namespace sampo::io

#include "eeg_header.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <algorithm>
#include <limits>

#include "sampo/core/error.hpp"
#include "text_util.hpp"

namespace sampo::io::detail {
namespace {

constexpr std::size_t kFixed = 256;  // fixed part of an EDF / BDF / GDF header, bytes

/// Printable ASCII only: any other byte becomes '?', so a message quoting a header field
/// never carries control characters or raw binary to a terminal.
std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c < 0x20 || c > 0x7E) c = '?';
  return out;
}

/// A field without its padding: spaces on the left, spaces or NULs (some writers pad with
/// them) on the right. Not NULs on the left: BioSig reads fields as C strings, so "\0\02" is
/// 0 samples to it (a division by zero; found by fuzz/eeg_fuzz.cpp) and must not be 2 to sampo.
std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.remove_suffix(1);
  return s;
}

/// Reads exactly @p n bytes at @p offset, or throws naming what was being read.
std::string read_at(std::string_view function, const std::filesystem::path& path,
                    std::uint64_t offset, std::size_t n, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io_error(function, path.string(), "cannot open the file");
  std::string bytes(n, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(bytes.data(), static_cast<std::streamsize>(n));
  if (in.gcount() != static_cast<std::streamsize>(n))
    throw_io_error(function, path.string(), std::string("cannot read the ") + what);
  return bytes;
}

std::uint64_t file_size(std::string_view function, const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) throw_io_error(function, path.string(), "cannot read its size: " + ec.message());
  return size;
}

/// a * b + c, or false on overflow of 64 bits.
bool mul_add(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t& out) {
  std::uint64_t ab = 0;
  return !__builtin_mul_overflow(a, b, &ab) && !__builtin_add_overflow(ab, c, &out);
}

/// The fields of an EDF / BDF header, read one at a time with messages naming each.
class EdfFields {
 public:
  EdfFields(std::string_view function, const std::filesystem::path& path)
      : function_(function), path_(path) {}

  /// The signal a field belongs to, for messages; -1: a field of the fixed header.
  void set_channel(long long index, std::string_view label) {
    channel_ = index;
    label_ = printable(trim(label));
  }
  void fixed_header() { channel_ = -1; }

  [[noreturn]] void fail(const char* field, std::string_view value, std::string_view what) const {
    std::string msg = "header field '";
    msg += field;
    msg += '\'';
    if (channel_ >= 0) {
      msg += " of channel " + std::to_string(channel_ + 1) + " (";
      msg += quote(label_);
      msg += ')';
    }
    msg += " = ";
    msg += quote(printable(trim(value)));
    msg += ": ";
    msg += what;
    throw_io_error(function_, path_.string(), msg);
  }

  long long integer(const char* field, std::string_view raw) const {
    std::string_view s = trim(raw);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    long long v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size())
      fail(field, raw, s.empty() ? "is empty" : "is not an integer");
    return v;
  }

  double real(const char* field, std::string_view raw) const {
    std::string_view s = trim(raw);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size())
      fail(field, raw, s.empty() ? "is empty" : "is not a number");
    if (!std::isfinite(v)) fail(field, raw, "is not a finite number");
    return v;
  }

 private:
  std::string_view function_;
  const std::filesystem::path& path_;
  long long channel_ = -1;
  std::string label_;
};

/// Little-endian unsigned integer of @p n bytes at @p offset of @p s.
std::uint64_t le(std::string_view s, std::size_t offset, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[offset + i])) << (8 * i);
  return v;
}

/// Bits of one sample of GDF data type @p type, or 0 for a type sampo does not know.
std::uint64_t gdf_bits(std::uint64_t type) {
  switch (type) {
    case 1: case 2: return 8;     // int8, uint8
    case 3: case 4: return 16;    // int16, uint16
    case 5: case 6: return 32;    // int32, uint32
    case 7: case 8: return 64;    // int64, uint64
    case 16: return 32;           // float32
    case 17: return 64;           // float64
    default: break;
  }
  if (type > 255 && type <= 255 + 64) return type - 255;  // signed integer of n bits
  if (type > 511 && type <= 511 + 64) return type - 511;  // unsigned integer of n bits
  return 0;
}

/// Space-separated subfields of an identification field.
std::vector<std::string_view> subfields(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.empty()) return out;
    const std::size_t end = std::min(s.find(' '), s.size());
    out.push_back(s.substr(0, end));
    s.remove_prefix(end);
  }
}

/// An EDF+ date subfield: "X" (unknown) or dd-MMM-yyyy ("02-MAR-2002"; the month in English,
/// any case).
bool edf_plus_date(std::string_view s) {
  if (s == "X") return true;
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  if (s.size() != 11 || s[2] != '-' || s[6] != '-' || !digits(0, 2) || !digits(7, 4)) return false;
  const int day = (s[0] - '0') * 10 + (s[1] - '0');
  std::string month(s.substr(3, 3));
  for (char& c : month) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  constexpr std::string_view kMonths = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  const std::size_t m = kMonths.find(month);
  return day >= 1 && day <= 31 && m != std::string_view::npos && m % 3 == 0;
}

/// EDF+ (reserved field "EDF+C" / "EDF+D"; "BDF+..." for BDF+) structures the patient and
/// recording identification into subfields, and BioSig parses them as such: with two patient
/// subfields, or "Startdate" alone, it reads through a null pointer (found by
/// fuzz/eeg_fuzz.cpp). The EDF+ specification asks for at least four patient subfields
/// ("code sex birthdate name", X for unknown) and "Startdate" followed by four recording
/// subfields ("dd-MMM-yyyy admincode technician equipment"); the two dates are dd-MMM-yyyy or
/// X, and BioSig reads through a null pointer for other dates too.
void check_edf_plus_identification(const EdfFields& f, std::string_view fixed) {
  const std::string_view reserved = fixed.substr(192, 44);
  if (reserved.substr(0, 4) != "EDF+" && reserved.substr(0, 4) != "BDF+") return;
  const std::string_view patient = fixed.substr(8, 80), recording = fixed.substr(88, 80);
  // BioSig splits them as C strings: a NUL (or any byte EDF+ forbids) hides subfields.
  for (const auto& [field, name] : {std::pair{patient, "local patient identification"},
                                    std::pair{recording, "local recording identification"}})
    for (char c : field)
      if (c < 0x20 || c > 0x7E)
        f.fail(name, field, "holds a byte that is not printable ASCII (EDF+ allows 32..126)");
  const auto p = subfields(patient);
  if (p.size() < 4)
    f.fail("local patient identification", patient,
           "an EDF+ file needs the subfields 'code sex birthdate name' (X for unknown)");
  if (!edf_plus_date(p[2]))
    f.fail("local patient identification", patient,
           "the birthdate subfield " + quote(printable(p[2])) + " is not dd-MMM-yyyy or X");
  const auto r = subfields(recording);
  if (r.size() < 5 || r[0] != "Startdate")
    f.fail("local recording identification", recording,
           "an EDF+ file needs 'Startdate dd-MMM-yyyy admincode technician equipment' (X for "
           "unknown)");
  if (!edf_plus_date(r[1]))
    f.fail("local recording identification", recording,
           "the start date subfield " + quote(printable(r[1])) + " is not dd-MMM-yyyy or X");
}

/// EDF+: the annotation signal of every data record holds TALs, each ending in 0x14 0x00, and
/// 0x00 after the last one, so its last byte is 0. BioSig runs strlen over these bytes and reads
/// past its buffer when that byte is not 0 (found by fuzz/eeg_fuzz.cpp).
void check_annotation_ends(std::string_view function, const std::filesystem::path& path,
                           const EdfHeader& h) {
  const std::uint64_t bytes_per_sample = h.bdf ? 3 : 2;
  std::uint64_t offset = 0;  // of the signal in a record
  std::ifstream in;
  for (std::size_t k = 0; k < h.signals.size(); ++k) {
    const std::uint64_t bytes = static_cast<std::uint64_t>(h.signals[k].samples_per_record) *
                                bytes_per_sample;
    offset += bytes;
    if (!h.signals[k].annotation) continue;
    if (!in.is_open()) in.open(path, std::ios::binary);
    for (long long r = 0; r < h.records; ++r) {
      const std::uint64_t at = static_cast<std::uint64_t>(h.header_bytes) +
                               static_cast<std::uint64_t>(r) * h.bytes_per_record + offset - 1;
      char last = 0;
      in.seekg(static_cast<std::streamoff>(at));
      if (!in.read(&last, 1)) throw_io_error(function, path.string(), "cannot read the data");
      if (last != 0)
        throw_io_error(function, path.string(),
                       "the annotations of channel " + std::to_string(k + 1) + " (" +
                           quote(printable(h.signals[k].label)) + ") in data record " +
                           std::to_string(r + 1) +
                           " do not end with a 0 byte, as EDF+ requires (byte " +
                           std::to_string(at) + ")");
    }
  }
}

}  // namespace

EegContent sniff_eeg_content(std::string_view head) {
  if (head.substr(0, 8) == "0       ") return EegContent::edf;
  if (head.size() >= 8 && static_cast<unsigned char>(head[0]) == 0xFF &&
      head.substr(1, 7) == "BIOSEMI")
    return EegContent::bdf;
  if (head.substr(0, 4) == "GDF ") return EegContent::gdf;
  return EegContent::other;
}

EdfHeader read_edf_header(std::string_view function, const std::filesystem::path& path,
                          bool full) {
  const std::uint64_t size = file_size(function, path);
  if (size < kFixed)
    throw_io_error(function, path.string(),
                   "is " + std::to_string(size) + " bytes, shorter than an EDF header (256 bytes)");
  const std::string fixed = read_at(function, path, 0, kFixed, "EDF header");
  EdfHeader h;
  switch (sniff_eeg_content(fixed)) {
    case EegContent::edf: h.bdf = false; break;
    case EegContent::bdf: h.bdf = true; break;
    default:
      throw_io_error(function, path.string(),
                     "is not an EDF/EDF+ or BDF file (bad version field " +
                         quote(printable(fixed.substr(0, 8))) + ")");
  }
  EdfFields f(function, path);
  const std::string_view fx = fixed;
  const long long ns = f.integer("number of signals", fx.substr(252, 4));
  if (ns < 1) f.fail("number of signals", fx.substr(252, 4), "must be at least 1");
  h.header_bytes = f.integer("number of bytes in header", fx.substr(184, 8));
  if (h.header_bytes != 256 * (ns + 1))
    f.fail("number of bytes in header", fx.substr(184, 8),
           "differs from 256 x (1 + " + std::to_string(ns) + " signals) = " +
               std::to_string(256 * (ns + 1)));
  if (static_cast<std::uint64_t>(h.header_bytes) > size)
    throw_io_error(function, path.string(),
                   "is " + std::to_string(size) + " bytes, shorter than the " +
                       std::to_string(h.header_bytes) + "-byte header of its " +
                       std::to_string(ns) + " signals: the file is damaged or truncated");
  h.declared_records = f.integer("number of data records", fx.substr(236, 8));
  if (h.declared_records < 1 && h.declared_records != -1)
    f.fail("number of data records", fx.substr(236, 8),
           "must be a positive count, or -1 when unknown");

  if (full) check_edf_plus_identification(f, fx);

  const auto n = static_cast<std::size_t>(ns);
  const std::string sig = read_at(function, path, kFixed, 256 * n, "signal headers");
  const std::string_view sv = sig;
  auto field = [&](std::size_t offset, std::size_t width, std::size_t k) {
    return sv.substr(offset * n + width * k, width);
  };
  const std::uint64_t bytes_per_sample = h.bdf ? 3 : 2;
  h.signals.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    EdfSignal& s = h.signals[k];
    s.label = std::string(trim(field(0, 16, k)));
    s.annotation = s.label == "EDF Annotations" || s.label == "BDF Annotations";
    f.set_channel(static_cast<long long>(k), s.label);
    s.samples_per_record = f.integer("number of samples in each data record", field(216, 8, k));
    if (s.samples_per_record < 1)
      f.fail("number of samples in each data record", field(216, 8, k), "must be at least 1");
    if (!mul_add(static_cast<std::uint64_t>(s.samples_per_record), bytes_per_sample,
                 h.bytes_per_record, h.bytes_per_record))
      f.fail("number of samples in each data record", field(216, 8, k),
             "makes a data record larger than 2^64 bytes");
  }
  f.fixed_header();

  if (full) {
    std::size_t first_data = n;
    for (std::size_t k = 0; k < n; ++k) {
      EdfSignal& s = h.signals[k];
      if (s.annotation) continue;
      f.set_channel(static_cast<long long>(k), s.label);
      s.physical_min = f.real("physical minimum", field(104, 8, k));
      s.physical_max = f.real("physical maximum", field(112, 8, k));
      if (s.physical_min == s.physical_max)
        f.fail("physical maximum", field(112, 8, k),
               "equals the physical minimum: the channel has no scale");
      s.digital_min = f.integer("digital minimum", field(120, 8, k));
      s.digital_max = f.integer("digital maximum", field(128, 8, k));
      const long long lo = h.bdf ? -8388608 : -32768, hi = h.bdf ? 8388607 : 32767;
      const std::string range = std::string(h.bdf ? "24-bit BDF" : "16-bit EDF") +
                                " samples [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                "]";
      if (s.digital_min < lo || s.digital_min > hi)
        f.fail("digital minimum", field(120, 8, k), "is outside the range of " + range);
      if (s.digital_max < lo || s.digital_max > hi)
        f.fail("digital maximum", field(128, 8, k), "is outside the range of " + range);
      if (s.digital_max <= s.digital_min)
        f.fail("digital maximum", field(128, 8, k),
               "must be greater than the digital minimum (" + std::to_string(s.digital_min) +
                   ")");
      if (first_data == n) {
        first_data = k;
      } else if (s.samples_per_record != h.signals[first_data].samples_per_record) {
        f.fail("number of samples in each data record", field(216, 8, k),
               "differs from the " + std::to_string(h.signals[first_data].samples_per_record) +
                   " of channel " + std::to_string(first_data + 1) + " (" +
                   quote(printable(h.signals[first_data].label)) +
                   "): mixed sampling rates are not supported");
      }
    }
    f.fixed_header();
    if (first_data == n)
      throw_io_error(function, path.string(),
                     "has only annotation signals, no data channels");
    h.record_duration = f.real("duration of a data record", fx.substr(244, 8));
    if (!(h.record_duration > 0))
      f.fail("duration of a data record", fx.substr(244, 8),
             "must be a positive number of seconds");
  }

  const std::uint64_t data = size - static_cast<std::uint64_t>(h.header_bytes);
  const auto header_bytes = static_cast<std::uint64_t>(h.header_bytes);
  if (h.declared_records == -1) {
    // EDF: -1 only while recording; the record count is then whatever the file holds, which
    // must be a whole number of records.
    if (full && (data == 0 || data % h.bytes_per_record != 0))
      f.fail("number of data records", fx.substr(236, 8),
             "(unknown) but the " + std::to_string(data) + " data bytes are not a whole number of " +
                 std::to_string(h.bytes_per_record) + "-byte records (" +
                 std::to_string(data / h.bytes_per_record) + " records and " +
                 std::to_string(data % h.bytes_per_record) +
                 " bytes): the file is damaged or truncated");
    h.records = static_cast<long long>(data / h.bytes_per_record);
    if (full) check_annotation_ends(function, path, h);
    return h;
  }
  h.records = h.declared_records;
  if (!mul_add(static_cast<std::uint64_t>(h.records), h.bytes_per_record, header_bytes,
               h.declared_size))
    h.declared_size = std::numeric_limits<std::uint64_t>::max();
  if (full && h.declared_size != size)
    throw_io_error(function, path.string(),
                   "file size " + std::to_string(size) + " bytes differs from the " +
                       std::to_string(h.declared_size) + " bytes its header declares (" +
                       std::to_string(header_bytes) + " header bytes + " +
                       std::to_string(h.records) + " records x " +
                       std::to_string(h.bytes_per_record) +
                       " bytes): the file is damaged or truncated");
  if (full) check_annotation_ends(function, path, h);
  return h;
}

void check_gdf_header(std::string_view function, const std::filesystem::path& path) {
  const std::uint64_t size = file_size(function, path);
  if (size < kFixed)
    throw_io_error(function, path.string(),
                   "is " + std::to_string(size) + " bytes, shorter than a GDF header (256 bytes)");
  const std::string fixed = read_at(function, path, 0, kFixed, "GDF header");
  auto fail = [&](const std::string& what) -> void {
    throw_io_error(function, path.string(), "GDF header: " + what);
  };
  const char major = fixed[4];
  if (major != '1' && major != '2' && major != '3')
    fail("unsupported version " + quote(printable(fixed.substr(0, 8))));
  // GDF 1: header bytes (int64) at 184, channels (uint32) at 252. GDF 2 and 3: header length
  // in 256-byte blocks (uint16) at 184, channels (uint16) at 252. All: records (int64) at 236,
  // record duration as numerator / denominator (uint32 each) at 244 / 248.
  const std::uint64_t ns = major == '1' ? le(fixed, 252, 4) : le(fixed, 252, 2);
  const std::uint64_t header = major == '1' ? le(fixed, 184, 8) : 256 * le(fixed, 184, 2);
  const auto records = static_cast<std::int64_t>(le(fixed, 236, 8));
  const std::uint64_t num = le(fixed, 244, 4), den = le(fixed, 248, 4);
  if (ns < 1) fail("number of channels is 0");
  if (ns > (size / 256) - 1 || header < 256 * (ns + 1) || header > size)
    fail("header length " + std::to_string(header) + " bytes for " + std::to_string(ns) +
         " channels does not fit the file of " + std::to_string(size) +
         " bytes: the file is damaged or truncated");
  if (records < 1)
    fail("number of data records is " + std::to_string(records) +
         (records == -1 ? " (unknown), which sampo does not accept for GDF" : ""));
  if (num == 0 || den == 0)
    fail("duration of a data record is " + std::to_string(num) + "/" + std::to_string(den) +
         " s: it must be positive");
  const auto n = static_cast<std::size_t>(ns);
  const std::string var = read_at(function, path, kFixed, 256 * n, "GDF channel headers");
  std::uint64_t bits_per_record = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::string label = printable(trim(std::string_view(var).substr(16 * k, 16)));
    const std::string channel = "channel " + std::to_string(k + 1) + " (" + quote(label) + ")";
    const std::uint64_t spr = le(var, 216 * n + 4 * k, 4);
    const std::uint64_t type = le(var, 220 * n + 4 * k, 4);
    if (spr < 1) fail(channel + ": samples per record is 0");
    const std::uint64_t bits = gdf_bits(type);
    if (bits == 0) fail(channel + ": unsupported data type " + std::to_string(type));
    if (!mul_add(spr, bits, bits_per_record, bits_per_record))
      fail(channel + ": a data record larger than 2^64 bits");
  }
  const std::uint64_t bytes_per_record = (bits_per_record + 7) / 8;
  std::uint64_t declared = 0;
  // The event table may follow the data, so the data need only fit in the file.
  if (!mul_add(static_cast<std::uint64_t>(records), bytes_per_record, header, declared) ||
      declared > size)
    fail(std::to_string(records) + " records of " + std::to_string(bytes_per_record) +
         " bytes after a " + std::to_string(header) + "-byte header do not fit the file of " +
         std::to_string(size) + " bytes: the file is damaged or truncated");
}

}  // namespace sampo::io::detail

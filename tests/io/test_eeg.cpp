#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "io_test_util.hpp"
#include "output_capture.hpp"  // src/io: white-box tests of the output capture
#include "sampo/core/error.hpp"
#include "sampo/core/log.hpp"
#include "sampo/io/eeg.hpp"
#include "sampo_test.hpp"

using sampo::io_error;
using sampo::io::read_eeg;
namespace fs = std::filesystem;

namespace {

/// A small EDF / BDF file written field by field: every header field is text that a test may
/// replace, so each damaged header is the valid one with one field changed.
struct EdfSpec {
  bool bdf = false;
  std::string patient = "X X X X";
  std::string recording = "Startdate 01-JAN-2020 X X X";
  std::string reserved;        ///< "EDF+C" for EDF+
  std::string records = "2";   ///< the header field
  int records_written = 2;     ///< records of data actually written
  std::string duration = "1";  ///< seconds
  std::vector<std::string> labels{"C3", "C4"};
  std::vector<std::string> physical_min{"-100", "-100"};
  std::vector<std::string> physical_max{"100", "100"};
  std::vector<std::string> digital_min{"-32768", "-32768"};
  std::vector<std::string> digital_max{"32767", "32767"};
  std::vector<std::string> samples{"4", "4"};  ///< per record
  std::string header_bytes;  ///< default: 256 x (1 + signals)
  std::string signals;       ///< default: the number of labels

  /// The digital value of sample @p i of channel @p c in record @p r.
  static int digital(std::size_t c, int r, int i) { return 1000 * static_cast<int>(c) - 300 + 40 * r + i; }
  /// Its physical value, as the header scales it.
  double physical(std::size_t c, int r, int i) const {
    const double pmin = std::stod(physical_min[c]), pmax = std::stod(physical_max[c]);
    const double dmin = std::stod(digital_min[c]), dmax = std::stod(digital_max[c]);
    return pmin + (digital(c, r, i) - dmin) * (pmax - pmin) / (dmax - dmin);
  }

  std::string bytes() const {
    auto field = [](std::string s, std::size_t width) {
      s.resize(width, ' ');
      return s;
    };
    const std::size_t ns = labels.size();
    std::string h = bdf ? std::string("\xFF" "BIOSEMI") : field("0", 8);
    h += field(patient, 80) + field(recording, 80) + field("01.01.20", 8) + field("00.00.00", 8);
    h += field(header_bytes.empty() ? std::to_string(256 * (ns + 1)) : header_bytes, 8);
    h += field(reserved, 44) + field(records, 8) + field(duration, 8);
    h += field(signals.empty() ? std::to_string(ns) : signals, 4);
    auto each = [&](const std::vector<std::string>& v, std::size_t width) {
      for (std::size_t c = 0; c < ns; ++c) h += field(c < v.size() ? v[c] : "", width);
    };
    each(labels, 16);
    each({}, 80);
    each(std::vector<std::string>(ns, "uV"), 8);
    each(physical_min, 8);
    each(physical_max, 8);
    each(digital_min, 8);
    each(digital_max, 8);
    each({}, 80);
    each(samples, 8);
    each({}, 32);
    const int width = bdf ? 3 : 2;
    auto count = [&](std::size_t c) {  // samples written for channel c: the field's number
      std::string digits = samples[c];
      digits.erase(std::remove(digits.begin(), digits.end(), '\0'), digits.end());
      return std::stoi(digits);
    };
    for (int r = 0; r < records_written; ++r)
      for (std::size_t c = 0; c < ns; ++c) {
        if (labels[c] == "EDF Annotations") {  // the record's time-keeping TAL, then zeros
          std::string tal(1, '+');  // (appends: GCC 12 warns falsely on "+" + std::string)
          tal.append(std::to_string(r)).append("\x14\x14");
          tal.resize(static_cast<std::size_t>(count(c) * width), '\0');
          h += tal;
          continue;
        }
        for (int i = 0; i < count(c); ++i)
          for (int b = 0; b < width; ++b)
            h += static_cast<char>((static_cast<unsigned>(digital(c, r, i)) >> (8 * b)) & 0xFF);
      }
    return h;
  }
};

/// field = value, through a temporary: GCC 12 warns falsely (-Wrestrict, bug 105329) when a
/// short literal is assigned to a std::string in place.
void put(std::string& field, const char* value) { field = std::string(value); }

/// Writes @p spec to @p dir / @p name and returns the path.
fs::path write_edf(const sampo::test::TempDir& dir, const std::string& name, const EdfSpec& spec) {
  const fs::path path = dir / name;
  sampo::test::write_bytes(path, spec.bytes());
  return path;
}

/// Every byte of @p s is printable ASCII.
bool printable(const std::string& s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7E) return false;
  return true;
}

/// The message of the sampo::io_error that reading @p path throws ("" if none is thrown).
std::string read_error(const fs::path& path) {
  try {
    (void)read_eeg(path);
  } catch (const io_error& e) {
    return e.what();
  }
  return "";
}

/// The PhysioNet file, or a path that does not exist (the tests then skip with a warning).
fs::path eegmmidb(const std::string& file) {
  const fs::path p = sampo::test::optional_data("eegmmidb/S001/" + file);
  return p.empty() ? fs::path("data/eegmmidb/S001") / file : p;
}
}  // namespace

TEST_CASE("BioSig reads the PhysioNet EDF+ files with their annotations", "[io][eeg]") {
  const fs::path path = eegmmidb("S001R04.edf");
  if (!fs::exists(path)) {
    WARN("skipped: data not found at " << path << " (see data/README.md)");
    return;
  }
  // data/README.md: every repaired file is exactly the size its header declares.
  CHECK(sampo::io::edf_declared_size(path) == 2596896);
  CHECK(fs::file_size(path) == 2596896);
  const auto rec = read_eeg(path);
  CHECK(rec.format.find("EDF") != std::string::npos);
  CHECK(rec.sampling_rate == 160.0);
  REQUIRE(rec.channels.size() == 64);  // the annotation signal is not a data channel
  CHECK(rec.data.rows() == 64);
  CHECK(rec.data.cols() == 125 * 160);  // 125 records of 1 s
  CHECK(rec.units[0] == "uV");
  CHECK(rec.channels[0] == "Fc5.");
  CHECK(rec.channel_index("C3") >= 0);
  CHECK(rec.channel_index("iz") == 63);
  SAMPO_REQUIRE_THROWS_WITH(rec.channel_index("A1"), sampo::invalid_argument, "= A1", "S001R04.edf",
                            "Fc5");
  CHECK(rec.data.allFinite());
  // EEG in microvolts: a plausible amplitude range, not raw digital counts.
  CHECK(rec.data.cwiseAbs().maxCoeff() < 5000.0);
  CHECK(rec.data.cwiseAbs().maxCoeff() > 10.0);
  // 30 cues (T0 rest alternating with T1/T2), each about 4.1-4.2 s.
  REQUIRE(rec.annotations.size() == 30);
  std::set<std::string> labels;
  for (const auto& a : rec.annotations) labels.insert(a.label);
  CHECK(labels == std::set<std::string>{"T0", "T1", "T2"});
  CHECK(rec.annotations[0].onset == 0.0);
  CHECK(rec.annotations[0].label == "T0");
  CHECK(rec.annotations[1].onset == Approx(4.2).margin(1e-12));  // sample 672 at 160 Hz
  CHECK(rec.annotations[1].duration == Approx(4.1).margin(1e-12));
  for (std::size_t i = 1; i < rec.annotations.size(); ++i)
    CHECK(rec.annotations[i].onset > rec.annotations[i - 1].onset);
}

TEST_CASE("EEG reader errors name the file", "[io][eeg]") {
  sampo::test::TempDir dir;
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "missing.edf"), io_error, "missing.edf", "no such file");
  {
    std::ofstream(dir / "text.edf")
        << "this is not an EDF file, just text that is long enough " << std::string(300, 'x');
  }
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "text.edf"), io_error, "text.edf", "not an EDF");
  { std::ofstream(dir / "short.edf") << "0       "; }
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "short.edf"), io_error, "short.edf", "256 bytes");
  { std::ofstream(dir / "noise.dat") << std::string(2000, '\x01'); }
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "noise.dat"), io_error, "noise.dat",
                            "not an EDF/EDF+, BDF or GDF file");

  const fs::path real = eegmmidb("S001R04.edf");
  if (!fs::exists(real)) return;
  // A truncated copy (what a CRLF-damaged or interrupted download looks like).
  const fs::path cut = dir / "cut.edf";
  fs::copy_file(real, cut);
  fs::resize_file(cut, fs::file_size(real) - 1000);
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(cut), io_error, "cut.edf", "2595896", "2596896", "damaged");
}

TEST_CASE("A small EDF, BDF or unknown-length EDF file reads back exactly, whatever its name",
          "[io][eeg]") {
  sampo::test::TempDir dir;
  EdfSpec spec;
  spec.physical_min = {"-100", "-3276.8"};
  spec.physical_max = {"100", "3276.7"};
  auto check = [&](const fs::path& path, const EdfSpec& s, int records) {
    INFO(path);
    const auto rec = read_eeg(path);
    CHECK(rec.sampling_rate == 4.0);
    REQUIRE(rec.channels == std::vector<std::string>{"C3", "C4"});
    CHECK(rec.units == std::vector<std::string>{"uV", "uV"});
    REQUIRE(rec.data.rows() == 2);
    REQUIRE(rec.data.cols() == 4 * records);
    for (std::size_t c = 0; c < 2; ++c)
      for (int r = 0; r < records; ++r)
        for (int i = 0; i < 4; ++i)
          CHECK(rec.data(static_cast<Eigen::Index>(c), 4 * r + i) ==
                Approx(s.physical(c, r, i)).epsilon(1e-12).margin(1e-9));
  };
  for (const char* name : {"ok.edf", "ok.dat", "ok.gdf", "ok"}) check(write_edf(dir, name, spec), spec, 2);
  CHECK(sampo::io::edf_declared_size(dir / "ok.dat") == 768 + 2 * 16);

  EdfSpec bdf = spec;
  bdf.bdf = true;
  bdf.digital_min = {"-8388608", "-8388608"};
  bdf.digital_max = {"8388607", "8388607"};
  check(write_edf(dir, "ok.bdf", bdf), bdf, 2);

  // -1: the record count was unknown when the header was written; the file holds 3 records.
  EdfSpec unknown = spec;
  unknown.records = "-1";
  unknown.records_written = 3;
  check(write_edf(dir, "unknown.edf", unknown), unknown, 3);
  CHECK(sampo::io::edf_declared_size(dir / "unknown.edf") == 0);
}

TEST_CASE("EEG files are checked by content: an absurd record count is an error whatever the name",
          "[io][eeg]") {
  sampo::test::TempDir dir;
  EdfSpec spec;
  spec.records = "99999999";  // the data holds 2 records; BioSig would allocate for 10^8
  for (const char* name : {"absurd.edf", "absurd.dat", "absurd.gdf", "absurd"}) {
    const fs::path path = write_edf(dir, name, spec);
    SAMPO_REQUIRE_THROWS_WITH(read_eeg(path), io_error, name, "file size 800 bytes",
                              "99999999 records x 16 bytes", "damaged or truncated");
  }
  spec.bdf = true;
  const fs::path bdf = write_edf(dir, "absurd_bdf", spec);
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(bdf), io_error, "absurd_bdf", "99999999 records x 24 bytes");
  // A GDF header with an absurd record count is refused before BioSig sees it too.
  std::string gdf = "GDF 2.20";
  gdf.resize(256, '\0');
  gdf[184] = 2;                                          // header: 2 blocks of 256 bytes
  for (int b = 0; b < 4; ++b) gdf[236 + b] = '\x7F';     // records: about 2^31
  gdf[244] = 1, gdf[248] = 1;                            // 1 s records
  gdf[252] = 1;                                          // one channel
  std::string var(256, '\0');
  var.replace(0, 2, "C3");
  var[216] = 4;                                          // 4 samples per record
  var[220] = 3;                                          // int16
  sampo::test::write_bytes(dir / "absurd_gdf.dat", gdf + var + std::string(16, '\0'));
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "absurd_gdf.dat"), io_error, "absurd_gdf.dat",
                            "GDF header", "do not fit the file", "damaged or truncated");
  gdf[236] = 2, gdf[237] = gdf[238] = gdf[239] = '\0';  // 2 records of 8 bytes: the file
  sampo::test::write_bytes(dir / "ok_gdf.dat", gdf + var + std::string(16, '\0'));
  const auto rec = read_eeg(dir / "ok_gdf.dat");
  CHECK(rec.data.cols() == 8);
  CHECK(rec.sampling_rate == 4.0);
  var[216] = 0;
  sampo::test::write_bytes(dir / "spr0.gdf", gdf + var + std::string(16, '\0'));
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "spr0.gdf"), io_error, "spr0.gdf", "channel 1 ('C3')",
                            "samples per record is 0");
  gdf[252] = 0;
  sampo::test::write_bytes(dir / "ns0.gdf", gdf + var + std::string(16, '\0'));
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "ns0.gdf"), io_error, "ns0.gdf", "number of channels is 0");
}

TEST_CASE("An EDF with an unknown record count (-1) must hold a whole number of records",
          "[io][eeg]") {
  sampo::test::TempDir dir;
  EdfSpec spec;
  spec.records = "-1";
  spec.records_written = 3;
  std::string bytes = spec.bytes();
  bytes.resize(bytes.size() - 3);  // an interrupted recording: the last record is cut
  sampo::test::write_bytes(dir / "cut.edf", bytes);
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "cut.edf"), io_error, "cut.edf",
                            "'number of data records' = '-1'",
                            "45 data bytes are not a whole number of 16-byte records",
                            "2 records and 13 bytes", "truncated");
  bytes.resize(768);  // a header and no data at all
  sampo::test::write_bytes(dir / "none.edf", bytes);
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "none.edf"), io_error, "none.edf", "'-1'", "0 data bytes");
}

TEST_CASE("Every EDF header field BioSig relies on is validated, naming field and channel",
          "[io][eeg]") {
  sampo::test::TempDir dir;
  struct Case {
    const char* name;
    void (*damage)(EdfSpec&);
    std::vector<const char*> expected;
  };
  const std::vector<Case> cases{
      {"physmin_abc", [](EdfSpec& s) { put(s.physical_min[1], "abc"); },
       {"'physical minimum' of channel 2 ('C4') = 'abc'", "is not a number"}},
      {"physmin_empty", [](EdfSpec& s) { put(s.physical_min[0], ""); },
       {"'physical minimum' of channel 1 ('C3') = ''", "is empty"}},
      {"physmax_nan", [](EdfSpec& s) { put(s.physical_max[0], "nan"); },
       {"'physical maximum' of channel 1 ('C3') = 'nan'", "not a finite number"}},
      {"physmax_1e", [](EdfSpec& s) { put(s.physical_max[0], "100abc"); },
       {"'physical maximum' of channel 1 ('C3') = '100abc'", "is not a number"}},
      {"phys_equal", [](EdfSpec& s) { put(s.physical_min[1], "5"); put(s.physical_max[1], "5"); },
       {"'physical maximum' of channel 2 ('C4') = '5'", "equals the physical minimum"}},
      {"digital_equal", [](EdfSpec& s) { put(s.digital_min[0], "0"); put(s.digital_max[0], "0"); },
       {"'digital maximum' of channel 1 ('C3') = '0'",
        "must be greater than the digital minimum (0)"}},
      {"digital_inverted", [](EdfSpec& s) { std::swap(s.digital_min[1], s.digital_max[1]); },
       {"'digital maximum' of channel 2 ('C4') = '-32768'", "greater than the digital minimum"}},
      {"digital_range", [](EdfSpec& s) { put(s.digital_min[0], "-40000"); },
       {"'digital minimum' of channel 1 ('C3') = '-40000'",
        "outside the range of 16-bit EDF samples [-32768, 32767]"}},
      {"digital_real", [](EdfSpec& s) { put(s.digital_max[0], "32767.5"); },
       {"'digital maximum' of channel 1 ('C3') = '32767.5'", "is not an integer"}},
      {"samples_0", [](EdfSpec& s) { put(s.samples[1], "0"); },
       {"'number of samples in each data record' of channel 2 ('C4') = '0'", "at least 1"}},
      {"samples_negative", [](EdfSpec& s) { put(s.samples[0], "-4"); },
       {"'number of samples in each data record' of channel 1 ('C3') = '-4'", "at least 1"}},
      // BioSig reads fields as C strings: "\0\0" "4" is 0 samples to it (a division by zero;
      // found by fuzz/eeg_fuzz.cpp).
      {"samples_nul", [](EdfSpec& s) { s.samples[1] = std::string("\0\0" "4", 3); },
       {"'number of samples in each data record' of channel 2 ('C4') = '??4'",
        "is not an integer"}},
      {"samples_mixed", [](EdfSpec& s) { put(s.samples[1], "8"); },
       {"channel 2 ('C4') = '8'", "differs from the 4 of channel 1 ('C3')",
        "mixed sampling rates"}},
      {"duration_0", [](EdfSpec& s) { put(s.duration, "0"); },
       {"'duration of a data record' = '0'", "must be a positive number of seconds"}},
      {"duration_negative", [](EdfSpec& s) { put(s.duration, "-1"); },
       {"'duration of a data record' = '-1'", "positive"}},
      {"duration_abc", [](EdfSpec& s) { put(s.duration, "abc"); },
       {"'duration of a data record' = 'abc'", "is not a number"}},
      {"signals_0", [](EdfSpec& s) { put(s.signals, "0"); },
       {"'number of signals' = '0'", "must be at least 1"}},
      {"signals_negative", [](EdfSpec& s) { put(s.signals, "-2"); },
       {"'number of signals' = '-2'", "must be at least 1"}},
      {"signals_abc", [](EdfSpec& s) { put(s.signals, "x"); },
       {"'number of signals' = 'x'", "is not an integer"}},
      {"signals_many", [](EdfSpec& s) { put(s.signals, "9999"); put(s.header_bytes, "2560000"); },
       {"shorter than the 2560000-byte header of its 9999 signals"}},
      {"header_bytes", [](EdfSpec& s) { put(s.header_bytes, "256"); },
       {"'number of bytes in header' = '256'", "differs from 256 x (1 + 2 signals) = 768"}},
      {"records_0", [](EdfSpec& s) { put(s.records, "0"); },
       {"'number of data records' = '0'", "must be a positive count, or -1 when unknown"}},
      {"records_abc", [](EdfSpec& s) { put(s.records, "two"); },
       {"'number of data records' = 'two'", "is not an integer"}},
      {"binary_label", [](EdfSpec& s) { put(s.labels[0], "C\x01\x02\xff"); put(s.physical_min[0], "a\x07"); },
       {"channel 1 ('C?\?\?')", "= 'a?'"}},
      // EDF+ identification subfields: BioSig reads through a null pointer without them
      // (found by fuzz/eeg_fuzz.cpp).
      {"edfplus_patient", [](EdfSpec& s) { put(s.reserved, "EDF+C"); put(s.patient, "XX   XX"); },
       {"'local patient identification' = 'XX   XX'", "code sex birthdate name"}},
      {"edfplus_patient2", [](EdfSpec& s) { put(s.reserved, "EDF+D"); put(s.patient, "X X"); },
       {"'local patient identification' = 'X X'", "an EDF+ file needs"}},
      {"edfplus_recording", [](EdfSpec& s) { put(s.reserved, "EDF+C"); put(s.recording, "Startdate"); },
       {"'local recording identification' = 'Startdate'", "Startdate dd-MMM-yyyy"}},
      {"edfplus_recording2", [](EdfSpec& s) { put(s.reserved, "EDF+C"); put(s.recording, "X X X X X"); },
       {"'local recording identification' = 'X X X X X'", "Startdate dd-MMM-yyyy"}},
      {"edfplus_birthdate", [](EdfSpec& s) { put(s.reserved, "EDF+C"); put(s.patient, "X X 01-JAN.1999 X"); },
       {"'local patient identification' = 'X X 01-JAN.1999 X'",
        "birthdate subfield '01-JAN.1999' is not dd-MMM-yyyy or X"}},
      {"edfplus_startdate", [](EdfSpec& s) { put(s.reserved, "EDF+C"); put(s.recording, "Startdate 01-JAN\x05" "2020 X X X"); },
       {"'local recording identification' = 'Startdate 01-JAN?2020 X X X'",
        "not printable ASCII"}},
      {"edfplus_startdate1", [](EdfSpec& s) { put(s.reserved, "EDF+C"); put(s.recording, "Startdate 01-JAN.2020 X X X"); },
       {"start date subfield '01-JAN.2020' is not dd-MMM-yyyy or X"}},
      {"edfplus_startdate2", [](EdfSpec& s) { put(s.reserved, "EDF+C"); put(s.recording, "Startdate 01-XYZ-2020 X X X"); },
       {"start date subfield '01-XYZ-2020'"}},
      {"edfplus_nul", [](EdfSpec& s) { put(s.reserved, "EDF+C"); s.patient = std::string("X \x08\0X X X", 9); },
       {"'local patient identification' = 'X ??X X X'", "not printable ASCII"}},
      {"annotations_only", [](EdfSpec& s) { s.labels = {"EDF Annotations", "EDF Annotations"}; },
       {"only annotation signals, no data channels"}},
  };
  for (const auto& c : cases) {
    EdfSpec spec;
    c.damage(spec);
    // The header is damaged, never the size: the data written follow the damaged header.
    const fs::path path = write_edf(dir, std::string(c.name) + ".dat", spec);
    const std::string msg = read_error(path);
    INFO(c.name << ": " << msg);
    CHECK(msg.find("sampo::io::BiosigReader::read: '") == 0);
    CHECK(msg.find(std::string(c.name) + ".dat") != std::string::npos);
    for (const char* part : c.expected) CHECK(msg.find(part) != std::string::npos);
    CHECK(printable(msg));
  }
  // BioSig takes a file with this text in its first bytes for an Alpha Trace recording and
  // reads absent companion files through a null FILE* (found by fuzz/eeg_fuzz.cpp).
  for (std::size_t at : {40, 560, 780}) {  // patient field, prefiltering field, samples
    std::string bytes = EdfSpec{}.bytes();
    bytes.replace(at, 19, "ALPHA-TRACE-MEDICAL");
    sampo::test::write_bytes(dir / "alpha.edf", bytes);
    const std::string where = "contains 'ALPHA-TRACE-MEDICAL' at byte " + std::to_string(at);
    SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "alpha.edf"), io_error, "alpha.edf", where.c_str(),
                              "Alpha Trace");
  }
  // A plain EDF file has free-text identification fields.
  EdfSpec plain;
  plain.patient = "X X";
  plain.recording = "Startdate";
  CHECK(read_eeg(write_edf(dir, "plain.edf", plain)).data.cols() == 8);
  // An annotation signal is not scaled: its physical and digital fields are not checked.
  EdfSpec plus;
  plus.reserved = "EDF+C";
  plus.patient = "MCH-0234567 F 02-may-1951 Haagse_Harry";  // the EDF+ specification's example
  plus.recording = "Startdate 01-JAN-2020 PSG-1234/2002 NN Telemetry03";
  plus.labels[1] = "EDF Annotations";
  plus.physical_min[1] = plus.physical_max[1] = "1";
  const auto rec = read_eeg(write_edf(dir, "plus.edf", plus));
  CHECK(rec.channels == std::vector<std::string>{"C3"});
  CHECK(rec.data.cols() == 8);
  // EDF+ annotations end each record with a 0 byte; BioSig runs strlen past its buffer when the
  // last one does not (found by fuzz/eeg_fuzz.cpp).
  std::string bytes = plus.bytes();
  bytes.replace(bytes.size() - 2, 2, "HP");
  sampo::test::write_bytes(dir / "tal.edf", bytes);
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "tal.edf"), io_error, "tal.edf",
                            "annotations of channel 2 ('EDF Annotations') in data record 2",
                            "do not end with a 0 byte, as EDF+ requires (byte 799)");
}

TEST_CASE("Empty, garbage and misnamed files are errors in one printable line", "[io][eeg]") {
  sampo::test::TempDir dir;
  sampo::test::write_bytes(dir / "empty.edf", "");
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "empty.edf"), io_error, "empty.edf", "is empty");
  sampo::test::write_bytes(dir / "empty", "");
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "empty"), io_error, "'", "empty'", "is empty");
  std::string garbage;
  std::uint32_t x = 12345;
  for (int i = 0; i < 3000; ++i) {
    x = x * 1664525u + 1013904223u;
    garbage += static_cast<char>(x >> 24);
  }
  garbage[0] = 'Z';  // not a magic number of any format BioSig knows
  for (const char* name : {"garbage", "garbage.dat", "garbage.edf", "garbage.gdf", "garbage.bdf"}) {
    sampo::test::write_bytes(dir / name, garbage);
    const std::string msg = read_error(dir / name);
    INFO(msg);
    CHECK(msg.find(name) != std::string::npos);
    CHECK(printable(msg));
    CHECK(msg.find('\n') == std::string::npos);
  }
  for (const char* name : {"garbage", "garbage.dat", "garbage.edf", "garbage.gdf", "garbage.bdf"})
    CHECK(read_error(dir / name).find("not an EDF/EDF+, BDF or GDF file (bad version field 'Z") !=
          std::string::npos);
  // BioSig's other readers trust their headers: its WCP reader divides by zero on this one
  // (found by fuzz/eeg_fuzz.cpp). Only EDF, BDF and GDF, whose headers sampo checks, reach it.
  std::string wcp = "VER=9\r\nCTIME= X        0       X X X X";
  wcp.resize(164, ' ');
  wcp += "X X X X";
  wcp.resize(181, ' ');
  wcp += "\xE3\xDF";
  wcp.resize(316, ' ');
  sampo::test::write_bytes(dir / "wcp.dat", wcp);
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "wcp.dat"), io_error, "wcp.dat",
                            "bad version field 'VER=9??C'", "sampo reads only these formats");
  // Shorter than a header.
  sampo::test::write_bytes(dir / "short.dat", "0       12");
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(dir / "short.dat"), io_error, "short.dat",
                            "10 bytes, shorter than an EDF header (256 bytes)");
}

TEST_CASE("BioSig's output is captured and summarised as one printable line", "[io][eeg]") {
  using sampo::io::detail::one_line;
  CHECK(one_line("") == "");
  CHECK(one_line("\n\n  \n") == "");
  CHECK(one_line("lcm(0,0)\n") == "lcm(0,0)");
  std::string many;
  for (int i = 0; i < 9999; ++i) many += "lcm(0,0)\n";
  CHECK(one_line(many) == "lcm(0,0) (and 9998 more lines)");
  CHECK(one_line("\x01\x02tstr\tnot   defined\xff\xfe!\r\nsecond") ==
        "?tstr not defined?! (and 1 more line)");
  CHECK(one_line(std::string(500, 'x')).size() == 203);  // 200 characters and "..."

  // What is printed on stdout and stderr while a capture is active is caught, not shown.
  std::string said;
  {
    sampo::io::detail::OutputCapture capture;
    std::fprintf(stderr, "tstr not defined\n");
    std::printf("raw \x01\x02 bytes\n");
    said = capture.finish();
  }
  CHECK(said.find("tstr not defined\n") != std::string::npos);
  CHECK(said.find("raw \x01\x02 bytes\n") != std::string::npos);
  CHECK(one_line(said).find(" (and 1 more line)") != std::string::npos);

  // A file BioSig reads but complains about: its complaint is one warning through sampo::log.
  {
    std::vector<std::string> warnings;
    auto previous = sampo::set_log_sink([&](sampo::LogLevel level, std::string_view m) {
      if (level == sampo::LogLevel::warning) warnings.emplace_back(m);
    });
    sampo::test::TempDir dir;
    EdfSpec plus;
    plus.reserved = "EDF+C";
    plus.recording = "Startdate 02-MAR-2002 X X X";  // the start date field says 01.01.20
    const auto rec = read_eeg(write_edf(dir, "dates.edf", plus));
    sampo::set_log_sink(previous);
    CHECK(rec.data.cols() == 8);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("sampo::io::BiosigReader::read: '") == 0);
    CHECK(warnings[0].find("dates.edf': BioSig printed: ") != std::string::npos);
    CHECK(warnings[0].find("recording dates do not match") != std::string::npos);
    CHECK(printable(warnings[0]));
  }

  // A successful read during which nothing is printed logs nothing.
  std::vector<std::string> logged;
  auto previous = sampo::set_log_sink(
      [&](sampo::LogLevel, std::string_view m) { logged.emplace_back(m); });
  sampo::test::TempDir dir;
  (void)read_eeg(write_edf(dir, "quiet.edf", EdfSpec{}));
  sampo::set_log_sink(previous);
  CHECK(logged.empty());
}

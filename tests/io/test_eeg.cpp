#include <filesystem>
#include <fstream>
#include <set>

#include "sampo/core/error.hpp"
#include "sampo/io/eeg.hpp"
#include "sampo_test.hpp"

using sampo::io_error;
using sampo::io::read_eeg;
namespace fs = std::filesystem;

namespace {
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
                            "BioSig cannot read");

  const fs::path real = eegmmidb("S001R04.edf");
  if (!fs::exists(real)) return;
  // A truncated copy (what a CRLF-damaged or interrupted download looks like).
  const fs::path cut = dir / "cut.edf";
  fs::copy_file(real, cut);
  fs::resize_file(cut, fs::file_size(real) - 1000);
  SAMPO_REQUIRE_THROWS_WITH(read_eeg(cut), io_error, "cut.edf", "2595896", "2596896", "damaged");
}

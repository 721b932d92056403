#include <Eigen/Dense>
#include <filesystem>

#include "sampo/core/error.hpp"
#include "sampo/io/eeg.hpp"
#include "sampo/signal/epochs.hpp"
#include "sampo/signal/filter.hpp"
#include "sampo_test.hpp"

using namespace sampo::signal;
using sampo::invalid_argument;

TEST_CASE("epochs at annotations, MNE's inclusive window", "[signal][epochs]") {
  const double fs = 100.0;
  Eigen::MatrixXd data(2, 1000);  // 10 s; entry = sample index (+1000 on channel 1)
  for (Eigen::Index t = 0; t < 1000; ++t) data(0, t) = double(t), data(1, t) = 1000.0 + double(t);
  const std::vector<sampo::io::EegAnnotation> ann{
      {1.0, 4.1, "T1"}, {2.004, 4.1, "T0"}, {3.0, 4.1, "T2"}, {9.5, 4.1, "T1"}, {-0.6, 0, "T2"}};
  const Epochs e = epoch(data, fs, ann, {"T2", "T1"});
  // Window 0.5 .. 2.5 s: samples +50 .. +250 inclusive = 201 samples.
  REQUIRE(e.trials.size() == 2);
  CHECK(e.dropped == 2);  // 9.5 s + 2.5 s and -0.6 s + 0.5 s leave the recording
  CHECK(e.labels == std::vector<int>{1, 0});  // T1 -> index 1, T2 -> index 0
  CHECK(e.trials[0].cols() == 201);
  CHECK(e.trials[0](0, 0) == 150.0);
  CHECK(e.trials[0](1, 200) == 1350.0);
  CHECK(e.trials[1](0, 0) == 350.0);
  CHECK(e.onsets == std::vector<double>{1.0, 3.0});
  EpochOptions o;
  o.tmin = -0.2;
  o.tmax = 0.0;
  const Epochs pre = epoch(data, fs, ann, {"T0"}, o);
  REQUIRE(pre.trials.size() == 1);
  CHECK(pre.trials[0](0, 0) == 180.0);  // round(2.004 * 100) - 20
  CHECK(pre.trials[0].cols() == 21);
  SAMPO_REQUIRE_THROWS_WITH(epoch(data, fs, ann, {"T3"}), invalid_argument, "= T3",
                            "labels present: T0, T1, T2");
  o.tmax = -0.5;
  SAMPO_REQUIRE_THROWS_WITH(epoch(data, fs, ann, {"T0"}, o), invalid_argument, "'tmax'");
  SAMPO_REQUIRE_THROWS_WITH(epoch(data, fs, ann, {}), invalid_argument, "'events'");
}

TEST_CASE("load_epochs: read, keep channels, band-pass, cut, pool the files", "[signal][epochs]") {
  const std::filesystem::path file = sampo::test::optional_data("eegmmidb/S001/S001R04.edf");
  if (file.empty()) {
    WARN("eegmmidb/S001/S001R04.edf not found (scripts/run data fetches it): skipped");
    return;
  }
  EpochLoadOptions o;
  o.channels = {"C4", "C3"};
  o.window.tmin = 0.0;
  o.window.tmax = 1.0;
  const Epochs e = load_epochs({file.string(), file.string()}, o);
  // The same steps by hand: the library function must be exactly this composition.
  const sampo::io::EegRecording rec = sampo::io::read_eeg(file);
  Eigen::MatrixXd data(2, rec.data.cols());
  data.row(0) = rec.data.row(rec.channel_index("C4"));
  data.row(1) = rec.data.row(rec.channel_index("C3"));
  const Eigen::MatrixXd sos = butterworth_bandpass(4, 8.0, 35.0, rec.sampling_rate);
  const Epochs one =
      epoch(sosfiltfilt(sos, data), rec.sampling_rate, rec.annotations, {"T1", "T2"}, o.window);
  REQUIRE(!one.trials.empty());
  REQUIRE(e.trials.size() == 2 * one.trials.size());
  CHECK(e.dropped == 2 * one.dropped);
  for (std::size_t k = 0; k < e.trials.size(); ++k) {
    const std::size_t j = k % one.trials.size();
    CHECK(e.labels[k] == one.labels[j]);
    CHECK(e.onsets[k] == one.onsets[j]);
    CHECK((e.trials[k].array() == one.trials[j].array()).all());  // same operations, same bits
  }
  EpochLoadOptions bad = o;
  bad.channels = {"Q7"};
  SAMPO_REQUIRE_THROWS_WITH(load_epochs({file.string()}, bad), invalid_argument, "Q7");
}

TEST_CASE("load_epochs: bad input", "[signal][epochs]") {
  SAMPO_REQUIRE_THROWS_WITH(load_epochs({}), invalid_argument, "sampo::signal::load_epochs",
                            "'files'");
  EpochLoadOptions o;
  o.events.clear();
  SAMPO_REQUIRE_THROWS_WITH(load_epochs({"x.edf"}, o), invalid_argument, "'events'");
  o = {};
  o.window.tmax = 0.0;
  SAMPO_REQUIRE_THROWS_WITH(load_epochs({"x.edf"}, o), invalid_argument, "'tmax'");
  const sampo::test::TempDir dir;
  SAMPO_REQUIRE_THROWS_WITH(load_epochs({(dir / "missing.edf").string()}), sampo::io_error,
                            "missing.edf");
}

#include <Eigen/Dense>

#include "sampo/core/error.hpp"
#include "sampo/riemann/epochs.hpp"
#include "sampo_test.hpp"

using namespace sampo::riemann;
using sampo::invalid_argument;

TEST_CASE("epochs at annotations, MNE's inclusive window", "[riemann][epochs]") {
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

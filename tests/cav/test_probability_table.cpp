#include <cmath>
#include <string>
#include <vector>

#include "sampo/cav/probability_table.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/npy.hpp"
#include "sampo_test.hpp"

using namespace sampo::cav;

namespace {

std::vector<std::string> acceleration_columns() {
  std::vector<std::string> names;
  for (int k = 0; k < kAccelerationCount; ++k) names.push_back(std::string("a").append(std::to_string(k)));
  return names;
}

// A synthetic car-following table over range {10, 20}, range rate {-2, 0}, speed {20, 25}:
// each cell puts all its mass on one acceleration, index = cell number (0..7), so a lookup
// is checkable by eye.
Eigen::MatrixXd synthetic_rows() {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(8, 3 + kAccelerationCount);
  int c = 0;
  for (double range : {10.0, 20.0})
    for (double rr : {-2.0, 0.0})
      for (double v : {20.0, 25.0}) {
        m(c, 0) = range;
        m(c, 1) = rr;
        m(c, 2) = v;
        m(c, 3 + c) = 1.0;
        ++c;
      }
  return m;
}

std::vector<std::string> header() {
  std::vector<std::string> h{"range", "range_rate", "speed"};
  for (const auto& a : acceleration_columns()) h.push_back(a);
  return h;
}

}  // namespace

TEST_CASE("probability tables from CSV and NPY drive the naturalistic model", "[cav]") {
  sampo::test::TempDir dir;
  Eigen::MatrixXd rows = synthetic_rows();
  // Rows in any order: reverse them.
  const Eigen::MatrixXd reversed = rows.colwise().reverse();
  sampo::io::write_csv(dir / "cf.csv", reversed, header());
  const auto csv = read_probability_table_csv(dir / "cf.csv", {"range", "range_rate", "speed"},
                                              acceleration_columns(), true);
  REQUIRE(csv.cells() == 8);
  CHECK(csv.axes()[0].step == 10.0);
  CHECK(csv.axes()[1].start == -2.0);
  const double keys[3] = {19.0, -0.4, 24.0};  // nearest: (20, 0, 25) = cell 7
  CHECK(csv.cell(keys) == 7);
  const double outside[3] = {26.0, 0.0, 25.0};  // more than half a step beyond range 20
  CHECK(csv.cell(outside) == -1);

  // The same table as an NPY array of shape (2, 2, 2, 31).
  sampo::io::NpyArray a;
  a.shape = {2, 2, 2, static_cast<std::size_t>(kAccelerationCount)};
  for (Eigen::Index r = 0; r < 8; ++r)
    for (int k = 0; k < kAccelerationCount; ++k) a.values.push_back(rows(r, 3 + k));
  sampo::io::write_npy(dir / "cf.npy", a);
  const auto npy = read_probability_table_npy(
      dir / "cf.npy", {{"range", 10.0, 10.0, 0}, {"range_rate", -2.0, 2.0, 0}, {"speed", 20.0, 5.0, 0}},
      kAccelerationCount, true);
  REQUIRE(npy.cells() == 8);
  for (std::size_t c = 0; c < 8; ++c)
    for (std::size_t k = 0; k < static_cast<std::size_t>(kAccelerationCount); ++k)
      CHECK(npy.row(c)[k] == csv.row(c)[k]);

  // The model: one lane (no lane changes), a leader 20 m ahead at the same speed 25 m/s →
  // cell (20, 0, 25) = 7 → all mass on acceleration index 7 (−2.6 m/s²).
  NaturalisticTables tables;
  tables.car_following = std::make_shared<ProbabilityTable>(npy);
  const TableNaturalistic model(tables);
  RoadGeometry road;
  Traffic t(road, std::vector<Vehicle>{{0.0, 25.0, 0, 5.0}, {25.0, 25.0, 0, 5.0}});
  ActionPmf p{};
  model.action_pmf(observe(t, 0), p);
  CHECK(p[kFirstAcceleration + 7] == 1.0);
  CHECK(p[kLaneLeft] == 0.0);
  // The leader itself has no leader: outside the car-following table, no free-flow table →
  // the parametric fallback (a smooth pmf summing to 1, to rounding).
  model.action_pmf(observe(t, 1), p);
  double sum = 0.0;
  for (double x : p) sum += x;
  CHECK(std::abs(sum - 1.0) < 1e-14);
  CHECK(p[kFirstAcceleration + 7] < 0.5);

  // A lane-change table: constant 0.1 per side over its support.
  RoadGeometry two;
  two.lanes = 3;
  tables.lane_change = std::make_shared<ProbabilityTable>(
      std::vector<GridAxis>{{"speed", 20.0, 5.0, 3}, {"range", 0.0, 100.0, 3}, {"range_rate", -5.0, 5.0, 3}},
      1, std::vector<double>(27, 0.1), false, "lc");
  const TableNaturalistic with_lc(tables);
  Traffic t2(two, std::vector<Vehicle>{{0.0, 25.0, 1, 5.0}, {25.0, 25.0, 1, 5.0},
                                       {60.0, 25.0, 0, 5.0}, {80.0, 25.0, 2, 5.0}});
  with_lc.action_pmf(observe(t2, 0), p);
  CHECK(p[kLaneLeft] == 0.1);
  CHECK(p[kLaneRight] == 0.1);
  CHECK(p[kFirstAcceleration + 7] == Approx(0.8).epsilon(1e-15));
}

TEST_CASE("probability tables: bad rows and grids are named", "[cav]") {
  sampo::test::TempDir dir;
  Eigen::MatrixXd rows = synthetic_rows();
  rows(5, 3 + 5) = 0.9;  // row 5 sums to 0.9
  sampo::io::write_csv(dir / "bad.csv", rows, header());
  SAMPO_REQUIRE_THROWS_WITH(
      read_probability_table_csv(dir / "bad.csv", {"range", "range_rate", "speed"}, acceleration_columns(), true),
      sampo::invalid_argument, "bad.csv", "row 5", "range=20", "range_rate=-2", "speed=25", "sums to 0.9");
  rows = synthetic_rows();
  rows(2, 3 + 2) = 1.1;
  rows(2, 3 + 3) = -0.1;
  sampo::io::write_csv(dir / "neg.csv", rows, header());
  SAMPO_REQUIRE_THROWS_WITH(
      read_probability_table_csv(dir / "neg.csv", {"range", "range_rate", "speed"}, acceleration_columns(), true),
      sampo::invalid_argument, "row 2", "-0.1");
  rows = synthetic_rows();
  rows(7, 0) = 10.0;  // a duplicate cell (10, 0, 25), and cell (20, 0, 25) missing
  sampo::io::write_csv(dir / "dup.csv", rows, header());
  SAMPO_REQUIRE_THROWS_WITH(
      read_probability_table_csv(dir / "dup.csv", {"range", "range_rate", "speed"}, acceleration_columns(), true),
      sampo::invalid_argument, "dup.csv");
  rows = synthetic_rows();
  SAMPO_REQUIRE_THROWS_WITH(
      read_probability_table_csv(dir / "missing.csv", {"range"}, {"a0"}, true), sampo::io_error,
      "missing.csv");
  sampo::io::write_csv(dir / "ok.csv", rows, header());
  SAMPO_REQUIRE_THROWS_WITH(
      read_probability_table_csv(dir / "ok.csv", {"range", "rr", "speed"}, acceleration_columns(), true),
      sampo::invalid_argument, "rr");
  // An all-zero row is a cell without data (allowed; the fallback is used there).
  rows.row(3).tail(kAccelerationCount).setZero();
  sampo::io::write_csv(dir / "gap.csv", rows, header());
  const auto t = read_probability_table_csv(dir / "gap.csv", {"range", "range_rate", "speed"},
                                            acceleration_columns(), true);
  CHECK_FALSE(t.has_data(3));
  CHECK(t.has_data(4));
  // NPY of the wrong shape.
  sampo::io::write_npy(dir / "flat.npy", Eigen::VectorXd::Constant(31, 1.0 / 31));
  SAMPO_REQUIRE_THROWS_WITH(
      read_probability_table_npy(dir / "flat.npy", {{"speed", 20.0, 1.0, 0}}, 31, true),
      sampo::invalid_argument, "flat.npy", "(31)", "2 dimensions");
  // A lane-change probability above 0.5 for one side.
  NaturalisticTables tables;
  tables.lane_change = std::make_shared<ProbabilityTable>(
      std::vector<GridAxis>{{"speed", 20.0, 5.0, 1}, {"range", 0.0, 100.0, 1}, {"range_rate", 0.0, 1.0, 1}},
      1, std::vector<double>{0.7}, false, "lc");
  SAMPO_REQUIRE_THROWS_WITH(TableNaturalistic{tables}, sampo::invalid_argument, "lane_change", "0.7");
  // A table with the wrong number of axes for its role.
  tables = {};
  tables.free_flow = std::make_shared<ProbabilityTable>(t);
  SAMPO_REQUIRE_THROWS_WITH(TableNaturalistic{tables}, sampo::invalid_argument, "free_flow", "1 axes");
}

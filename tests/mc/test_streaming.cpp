#include "sampo/mc/streaming.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "mc_fixtures.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/mc/control_variates.hpp"
#include "sampo/mc/gaussian_benchmark.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/mc/log_io.hpp"
#include "sampo/mc/multi_surrogate.hpp"
#include "sampo/mc/sparse_control_variates.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::mc;

namespace {

TestLog ladder_log(std::size_t n) {
  testkit::Ladder ladder;
  return ladder.log(n, sampo::testing::fixture_seed(), 7);
}

/// n importance-sampled tests with one control of mean 0: u ~ U(0, 1) drawn from q, the
/// control h = u − 1/2, Y = 1{u < 0.2}, weight 0.5 + u (any weight; the controls need not
/// know it).
TestLog controlled_log(std::size_t n) {
  TestLogSchema schema;
  schema.controls = {"u"};
  TestLogBuilder b(schema);
  for (std::size_t i = 0; i < n; ++i) {
    parallel::RandomStream rs(sampo::testing::fixture_seed(), 9, i);
    const double u = rs.uniform();
    const double h = u - 0.5;
    b.end_test(u < 0.2 ? 1.0 : 0.0, 0.5 + u, {&h, 1});
  }
  return std::move(b).finish();
}

void check_same_estimate(const Estimate& a, const Estimate& b) {
  CHECK(a.n == b.n);
  CHECK(a.estimate == b.estimate);
  CHECK(a.variance == b.variance);
  CHECK(a.standard_error == b.standard_error);
  CHECK(a.ci_lower == b.ci_lower);
  CHECK(a.ci_upper == b.ci_upper);
  CHECK(a.relative_half_width == b.relative_half_width);
}

void check_same_precision(const PrecisionReport& a, const PrecisionReport& b) {
  CHECK(a.tests_to_target == b.tests_to_target);
  CHECK(a.target_reached == b.target_reached);
  CHECK(a.tests_needed == b.tests_needed);
  CHECK((a.vrf_crude == b.vrf_crude || (std::isnan(a.vrf_crude) && std::isnan(b.vrf_crude))));
}

}  // namespace

TEST_CASE("Streaming in log order gives the in-memory estimators' bits", "[mc][streaming]") {
  const TestLog log = ladder_log(3000);
  StreamingOptions o;
  o.chunk = 64;  // many chunks: the chunked fold is exercised
  o.rhw_target = 0.5;

  ImportanceSamplingOptions io;
  io.chunk = o.chunk;
  io.rhw_target = o.rhw_target;
  const ImportanceSamplingResult mem = importance_sampling(log, io);
  const StreamingResult s = stream_estimate(log, o);
  check_same_estimate(s, mem);
  check_same_precision(s.precision, mem.precision);
  CHECK(s.precision.vrf_is == 1.0);
  CHECK(s.in_order_scan);
  CHECK(s.max_weight == mem.max_weight);
  CHECK(s.effective_sample_size == mem.effective_sample_size);

  const TestLog nat = testkit::bernoulli_log(5000, 0.05, sampo::testing::fixture_seed());
  CrudeOptions co;
  co.chunk = 100;
  StreamingOptions sc;
  sc.method = StreamMethod::crude;
  sc.chunk = 100;
  const CrudeResult cm = crude(nat, co);
  const StreamingResult cs = stream_estimate(nat, sc);
  check_same_estimate(cs, cm);
  check_same_precision(cs.precision, cm.precision);
  CHECK(std::isnan(cs.precision.vrf_is));
}

TEST_CASE("Streaming control variates with fixed coefficients reproduce the in-memory values",
          "[mc][streaming]") {
  const TestLog log = controlled_log(4000);
  ControlVariateOptions co;
  co.folds = 1;  // one row of coefficients, every test in fold 0
  co.chunk = 128;
  const ControlVariateResult mem = control_variates(log, co);
  StreamingOptions o;
  o.method = StreamMethod::control_variates;
  o.chunk = co.chunk;
  o.fold_coefficients = mem.fold_coefficients;
  const StreamingResult s = stream_estimate(log, o);
  check_same_estimate(s, mem);
  check_same_precision(s.precision, mem.precision);
  // vrf_is: s²_{Y·L} comes from chunked scalar moments here and from the (h, Y·L) moment
  // matrices in memory; the same quantity summed in another order, so rounding only.
  CHECK(s.precision.vrf_is == Approx(mem.precision.vrf_is).epsilon(1e-12));
  CHECK(s.precision.vrf_is > 1.0);  // the control helps
}

TEST_CASE("Merging streamed pieces: chunk-aligned pieces in order give the stream's bits; "
          "any order gives the same value to rounding",
          "[mc][streaming]") {
  const TestLog log = ladder_log(1000);
  StreamingOptions o;
  o.chunk = 50;
  StreamingEstimator whole(o);
  for (std::size_t i = 0; i < log.tests(); ++i) whole.add(log.result(i), log.weight(i));
  const StreamingResult w = whole.result();

  auto piece = [&](std::size_t lo, std::size_t hi) {
    StreamingEstimator e(o, lo);
    for (std::size_t i = lo; i < hi; ++i) e.add(log.result(i), log.weight(i));
    return e;
  };
  // Chunk-aligned, in order, left to right: the stream's bits (except the in-order scan).
  StreamingEstimator left = piece(0, 300);
  left.merge(piece(300, 650));
  left.merge(piece(650, 1000));
  const StreamingResult l = left.result();
  check_same_estimate(l, w);
  CHECK_FALSE(l.in_order_scan);
  CHECK(l.precision.tests_to_target == 0);

  // Other groupings and orders: Chan's update is exact arithmetic, so only rounding differs;
  // 1e-12 relative is ~10^4 ulps, far above the few roundings of three merges.
  StreamingEstimator right = piece(300, 650);
  right.merge(piece(650, 1000));
  StreamingEstimator grouped = piece(0, 300);
  grouped.merge(right);
  StreamingEstimator reversed = piece(650, 1000);
  reversed.merge(piece(0, 317));  // not chunk-aligned either
  reversed.merge(piece(317, 650));
  for (const StreamingEstimator* e : {&grouped, &reversed}) {
    const StreamingResult r = e->result();
    CHECK(r.n == w.n);
    CHECK(r.estimate == Approx(w.estimate).epsilon(1e-12));
    CHECK(r.variance == Approx(w.variance).epsilon(1e-12));
    CHECK(r.effective_sample_size == Approx(w.effective_sample_size).epsilon(1e-12));
    CHECK(r.max_weight == w.max_weight);
  }
  // Merging an empty piece changes nothing; merging into an empty one copies.
  StreamingEstimator empty(o);
  StreamingEstimator copy = piece(0, 1000);
  copy.merge(empty);
  check_same_estimate(copy.result(), w);
  CHECK(copy.result().in_order_scan);
  empty.merge(piece(0, 1000));
  check_same_estimate(empty.result(), w);
}

TEST_CASE("estimate_distributed: the same bits for 1 and 2 threads, and the in-memory estimate",
          "[mc][streaming]") {
  const TestLog log = controlled_log(5000);
  StreamingOptions o;
  o.chunk = 256;
  auto run = [&](int threads) {
    return sampo::test::with_threads(threads, [&] {
      return estimate_distributed(
          log.tests(),
          [&](std::size_t i, StreamTest& t) {
            t.result = log.result(i);
            t.weight = log.weight(i);
          },
          o);
    });
  };
  const StreamingResult one = run(1), two = run(2);
  check_same_estimate(one, two);
  CHECK(one.effective_sample_size == two.effective_sample_size);
  CHECK_FALSE(one.in_order_scan);  // 20 chunks merged
  ImportanceSamplingOptions io;
  io.chunk = o.chunk;
  check_same_estimate(one, importance_sampling(log, io));

  // One chunk: nothing merged, the in-order scan survives.
  StreamingOptions big = o;
  big.chunk = 10000;
  const StreamingResult single = estimate_distributed(
      log.tests(),
      [&](std::size_t i, StreamTest& t) {
        t.result = log.result(i);
        t.weight = log.weight(i);
      },
      big);
  CHECK(single.in_order_scan);
  io.chunk = big.chunk;
  check_same_precision(single.precision, importance_sampling(log, io).precision);
}

TEST_CASE("A CSV log streams in batches: the same tests as reading it whole", "[mc][streaming]") {
  testkit::Ladder ladder;
  ladder.surrogate_scale = {1.0};
  const TestLog log = ladder.log(1000, sampo::testing::fixture_seed(), 5);
  sampo::test::TempDir dir;
  write_test_log_csv(dir / "log.csv", log);
  TestLogCsvStream s(dir / "log.csv", 97);
  CHECK(s.schema() == log.schema());
  TestLog batch;
  std::size_t seen = 0, batches = 0;
  while (s.next(batch)) {
    CHECK(s.tests_before() == seen);
    CHECK(batch.tests() <= 97);
    for (std::size_t i = 0; i < batch.tests(); ++i) {
      const std::size_t g = seen + i;
      CHECK(batch.result(i) == log.result(g));
      CHECK(batch.weight(i) == log.weight(g));
      REQUIRE(batch.step_count(i) == log.step_count(g));
      for (std::size_t k = 0; k < batch.step_count(i); ++k) {
        CHECK(batch.p(batch.first_step(i) + k) == log.p(log.first_step(g) + k));
        CHECK(batch.surrogate_mean(batch.first_step(i) + k, 0) ==
              log.surrogate_mean(log.first_step(g) + k, 0));
      }
    }
    seen += batch.tests();
    ++batches;
  }
  CHECK(seen == 1000);
  CHECK(batches == 11);  // ceil(1000 / 97)
  CHECK(s.bytes_read() == s.file_size());

  StreamFileOptions fo;
  fo.batch_tests = 64;
  const StreamingResult r = stream_estimate_csv(dir / "log.csv", fo);
  check_same_estimate(r, importance_sampling(log));
  check_same_precision(r.precision, importance_sampling(log).precision);
}

TEST_CASE("stream_estimate_csv fits control variates in two passes, cross-fitted by stream_fold",
          "[mc][streaming]") {
  const TestLog log = controlled_log(3000);
  sampo::test::TempDir dir;
  write_test_log_csv(dir / "cv.csv", log);
  StreamFileOptions fo;
  fo.method = StreamMethod::control_variates;
  fo.folds = 4;
  fo.seed = 17;
  sampo::Progress progress(std::size_t(2 * std::filesystem::file_size(dir / "cv.csv")),
                           "stream", false);
  const StreamingResult r = stream_estimate_csv(dir / "cv.csv", fo, &progress);
  CHECK(progress.done() == progress.total());  // two passes over every byte
  REQUIRE(r.fold_coefficients.rows() == 4);
  CHECK(r.control_names == std::vector<std::string>{"u"});
  CHECK(r.run.iterations == 2);

  // β_{−k} is the in-sample regression slope on the tests outside fold k (summed in another
  // order in memory: 1e-9 relative covers the rounding of 3000-term sums).
  std::vector<int> fold(log.tests());
  for (std::size_t i = 0; i < log.tests(); ++i) fold[i] = stream_fold(fo.seed, i, fo.folds);
  for (int k = 0; k < 4; ++k) {
    std::vector<double> y, h;
    for (std::size_t i = 0; i < log.tests(); ++i)
      if (fold[i] != k) {
        y.push_back(log.result(i) * log.weight(i));
        h.push_back(log.control(i, 0));
      }
    ControlVariateOptions in;
    in.folds = 1;
    const ControlVariateResult c = control_variates(
        Eigen::Map<const Eigen::VectorXd>(y.data(), Eigen::Index(y.size())),
        Eigen::Map<const Eigen::MatrixXd>(h.data(), Eigen::Index(h.size()), 1), in);
    CHECK(r.fold_coefficients(k, 0) == Approx(c.coefficients(0)).epsilon(1e-9));
  }
  // Pass 2 is the fixed-coefficient stream: its bits.
  StreamingOptions so;
  so.method = StreamMethod::control_variates;
  so.fold_coefficients = r.fold_coefficients;
  check_same_estimate(r, stream_estimate(log, so, fold));
  // Folds are balanced in expectation: each has 3000/4 ± 4·sqrt(3000·(1/4)(3/4)) tests.
  for (int k = 0; k < 4; ++k)
    CHECK(std::abs(double(std::count(fold.begin(), fold.end(), k)) - 750.0) < 4 * 23.72);
}

TEST_CASE("stream_estimate_csv streams the unbiased sparse control variates in two passes",
          "[mc][streaming]") {
  const TestLog log = ladder_log(2000);
  sampo::test::TempDir dir;
  write_test_log_csv(dir / "scv.csv", log);
  SparseControlVariateOptions sp;
  sp.order = 2;
  StreamFileOptions fo;
  fo.method = StreamMethod::control_variates;
  fo.sparse = sp;
  fo.folds = 3;
  fo.seed = 11;
  fo.batch_tests = 97;  // batches that cut the log anywhere
  const StreamingResult r = stream_estimate_csv(dir / "scv.csv", fo);
  CHECK(r.run.iterations == 2);
  CHECK(r.run.message.find("streaming sparse control variates") != std::string::npos);

  // The controls are those the in-memory estimator regresses on (names and count).
  const SparseControls sc(log.schema(), sp);
  sp.folds = 3;
  CHECK(r.control_names == sparse_control_variates(log, sp).control_names);
  CHECK(r.control_names == sc.names());
  // The all-tests β does not depend on the folds: the in-memory fit's, to 1e-8 relative (the
  // same moments summed in another order), so fill() gives the in-memory controls.
  const SparseControlVariateResult mem = sparse_control_variates(log, sp);
  REQUIRE(r.coefficients.size() == mem.coefficients.size());
  for (Eigen::Index j = 0; j < r.coefficients.size(); ++j)
    CHECK(r.coefficients(j) == Approx(mem.coefficients(j)).epsilon(1e-8).margin(
                                   1e-12 * mem.coefficients.cwiseAbs().maxCoeff()));
  const auto d = Eigen::Index(sc.size());
  REQUIRE(r.fold_coefficients.rows() == 3);
  REQUIRE(r.fold_coefficients.cols() == d);

  // In memory with the same folds: the controls of every test as explicit control columns.
  std::vector<int> fold(log.tests());
  for (std::size_t i = 0; i < log.tests(); ++i) fold[i] = stream_fold(fo.seed, i, fo.folds);
  TestLogSchema schema;  // column names may not hold sc.names()' '+', '*', '(': c0, c1, ...
  for (std::size_t c = 0; c < sc.size(); ++c)
    schema.controls.push_back(std::string("c").append(std::to_string(c)));
  TestLogBuilder b(schema);
  Eigen::MatrixXd h(Eigen::Index(log.tests()), d);
  Eigen::VectorXd y(Eigen::Index(log.tests()));
  std::vector<double> row(sc.size());
  for (std::size_t i = 0; i < log.tests(); ++i) {
    sc.fill(log, i, row);
    for (Eigen::Index c = 0; c < d; ++c) h(Eigen::Index(i), c) = row[std::size_t(c)];
    y(Eigen::Index(i)) = log.result(i) * log.weight(i);
    b.end_test(log.result(i), log.weight(i), row);
  }
  const TestLog explicit_log = std::move(b).finish();
  // Pass 1: β_{−k} is the in-sample regression slope on the tests outside fold k (the moments
  // are summed in another order in memory: 1e-8 relative covers the rounding of 2000-term
  // sums through a d x d solve).
  for (int k = 0; k < 3; ++k) {
    std::vector<Eigen::Index> rest;
    for (std::size_t i = 0; i < log.tests(); ++i)
      if (fold[i] != k) rest.push_back(Eigen::Index(i));
    ControlVariateOptions in;
    in.folds = 1;
    const Eigen::MatrixXd hk = h(rest, Eigen::all);
    const Eigen::VectorXd yk = y(rest);
    const ControlVariateResult c = control_variates(yk, hk, in);
    for (Eigen::Index j = 0; j < d; ++j)
      CHECK(r.fold_coefficients(k, j) ==
            Approx(c.coefficients(j)).epsilon(1e-8).margin(1e-12 * c.coefficients.cwiseAbs().maxCoeff()));
  }
  // Pass 2 is the fixed-coefficient stream over the explicit controls: its bits.
  StreamingOptions so;
  so.method = StreamMethod::control_variates;
  so.fold_coefficients = r.fold_coefficients;
  check_same_estimate(r, stream_estimate(explicit_log, so, fold));
  // ... and the two-pass cv stream of the explicit controls gives the same bits too.
  write_test_log_csv(dir / "explicit.csv", explicit_log);
  StreamFileOptions fe = fo;
  fe.sparse.reset();
  const StreamingResult re = stream_estimate_csv(dir / "explicit.csv", fe);
  CHECK(sampo::test::same_entries(re.fold_coefficients, r.fold_coefficients));
  check_same_estimate(r, re);

  // Thread count does not change a bit.
  const StreamingResult r1 = sampo::test::with_threads(1, [&] { return stream_estimate_csv(dir / "scv.csv", fo); });
  const StreamingResult r2 = sampo::test::with_threads(2, [&] { return stream_estimate_csv(dir / "scv.csv", fo); });
  check_same_estimate(r1, r2);
  check_same_estimate(r1, r);
  CHECK(sampo::test::same_entries(r1.fold_coefficients, r2.fold_coefficients));

  // Bad uses name the field.
  StreamFileOptions bad = fo;
  bad.sparse->stratification = Stratification::by_critical_count;
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate_csv(dir / "scv.csv", bad), sampo::invalid_argument,
                            "'options.sparse->stratification'");
  bad = fo;
  bad.controls = {"u"};
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate_csv(dir / "scv.csv", bad), sampo::invalid_argument,
                            "'options.controls' = u");
  bad = fo;
  bad.method = StreamMethod::importance_sampling;
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate_csv(dir / "scv.csv", bad), sampo::invalid_argument,
                            "'options.sparse'", "control_variates");
  std::vector<double> short_row(1);
  SAMPO_REQUIRE_THROWS_WITH(sc.fill(log, 0, short_row), sampo::invalid_argument, "'controls'");
  SAMPO_REQUIRE_THROWS_WITH(sc.fill(log, log.tests(), row), sampo::invalid_argument, "'i'");
}

TEST_CASE("stream_estimate_csv streams the multi-surrogate combination in two passes",
          "[mc][streaming]") {
  testkit::Ladder ladder;
  ladder.surrogate_scale = {1.0, 0.5};
  const TestLog log = ladder.log(2000, sampo::testing::fixture_seed(), 13);
  sampo::test::TempDir dir;
  write_test_log_csv(dir / "ms.csv", log);
  StreamFileOptions fo;
  fo.method = StreamMethod::control_variates;
  fo.multi_surrogate = true;
  fo.folds = 3;
  fo.seed = 5;
  fo.batch_tests = 101;
  const StreamingResult r = stream_estimate_csv(dir / "ms.csv", fo);
  CHECK(r.run.converged());
  CHECK(r.control_names == log.schema().surrogates);
  REQUIRE(r.fold_coefficients.rows() == 3);
  REQUIRE(r.fold_coefficients.cols() == 2);
  for (int k = 0; k < 3; ++k) {  // simplex weights (sum to 1 up to the QP's rounding)
    CHECK(r.fold_coefficients.row(k).minCoeff() >= 0.0);
    CHECK(r.fold_coefficients.row(k).sum() == Approx(1.0).epsilon(1e-12));
  }
  // λ on all tests does not depend on the folds: the in-memory fit's. The moments agree to
  // rounding (summed in another order) and the QP stops at a KKT residual of 1e-12: 1e-7.
  MultiSurrogateOptions mo;
  mo.folds = 3;
  const MultiSurrogateResult mem = multi_surrogate(log, mo);
  for (Eigen::Index j = 0; j < 2; ++j) CHECK(r.coefficients(j) == Approx(mem.weights(j)).margin(1e-7));

  // Pass 2 is the fixed-coefficient stream over the surrogate controls as explicit columns.
  std::vector<int> fold(log.tests());
  for (std::size_t i = 0; i < log.tests(); ++i) fold[i] = stream_fold(fo.seed, i, fo.folds);
  TestLogSchema schema;
  schema.controls = {"h0", "h1"};
  TestLogBuilder b(schema);
  std::vector<double> row(2);
  for (std::size_t i = 0; i < log.tests(); ++i) {
    surrogate_controls(log, i, row);
    b.end_test(log.result(i), log.weight(i), row);
  }
  StreamingOptions so;
  so.method = StreamMethod::control_variates;
  so.fold_coefficients = r.fold_coefficients;
  check_same_estimate(r, stream_estimate(std::move(b).finish(), so, fold));

  const StreamingResult r1 = sampo::test::with_threads(1, [&] { return stream_estimate_csv(dir / "ms.csv", fo); });
  const StreamingResult r2 = sampo::test::with_threads(2, [&] { return stream_estimate_csv(dir / "ms.csv", fo); });
  check_same_estimate(r1, r2);
  CHECK(sampo::test::same_entries(r1.fold_coefficients, r2.fold_coefficients));

  StreamFileOptions bad = fo;
  bad.sparse = SparseControlVariateOptions{};
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate_csv(dir / "ms.csv", bad), sampo::invalid_argument,
                            "'options.multi_surrogate'", "options.sparse");
  std::vector<double> short_row(1);
  SAMPO_REQUIRE_THROWS_WITH(surrogate_controls(log, 0, short_row), sampo::invalid_argument,
                            "'controls'");
}

TEST_CASE("Streaming refuses bad input, naming the test and the argument", "[mc][streaming]") {
  StreamingOptions o;
  StreamingEstimator e(o, 10);
  e.add(1.0, 0.5);
  SAMPO_REQUIRE_THROWS_WITH(e.add(std::nan(""), 1.0), sampo::invalid_argument,
                            "result of test 11", "finite");
  SAMPO_REQUIRE_THROWS_WITH(e.add(1.0, -1.0), sampo::invalid_argument, "weight of test 11");
  CHECK(e.tests() == 1);  // the state is unchanged by a refused test

  StreamingOptions c;
  c.method = StreamMethod::crude;
  StreamingEstimator crude_e(c);
  SAMPO_REQUIRE_THROWS_WITH(crude_e.add(0.0, 0.5), sampo::invalid_argument, "weight of test 0",
                            "is not 1");
  SAMPO_REQUIRE_THROWS_WITH((void)crude_e.result(), sampo::invalid_argument, "no test");

  StreamingOptions cv;
  cv.method = StreamMethod::control_variates;
  SAMPO_REQUIRE_THROWS_WITH(StreamingEstimator{cv}, sampo::invalid_argument,
                            "options.fold_coefficients");
  cv.fold_coefficients = Eigen::MatrixXd::Ones(2, 1);
  StreamingEstimator cve(cv);
  const double h[2] = {0.1, 0.2};
  SAMPO_REQUIRE_THROWS_WITH(cve.add(1.0, 1.0, {h, 2}), sampo::invalid_argument,
                            "controls of test 0");
  SAMPO_REQUIRE_THROWS_WITH(cve.add(1.0, 1.0, {h, 1}, 2), sampo::invalid_argument,
                            "fold of test 0", "2");
  SAMPO_REQUIRE_THROWS_WITH(e.merge(cve), sampo::invalid_argument, "later", "other options");
  StreamingOptions zero;
  zero.chunk = 0;
  SAMPO_REQUIRE_THROWS_WITH(StreamingEstimator{zero}, sampo::invalid_argument, "options.chunk");
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate(TestLog{}, o), sampo::invalid_argument, "log");
  const TestLog small = controlled_log(10);
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate(small, cv), sampo::invalid_argument,
                            "argument 'fold' = empty", "2 rows");
  const std::vector<int> short_fold(3, 0);
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate(small, cv, short_fold), sampo::invalid_argument,
                            "argument 'fold' = 3 entries");
}

TEST_CASE("A bad CSV row in a stream names the data row, its line and the field",
          "[mc][streaming]") {
  sampo::test::TempDir dir;
  const std::string head = "# sampo-mc-log 1\ntest,result,weight,step,p,q,ordinal,epsilon\n";
  auto write = [&](const std::string& body) {
    std::ofstream(dir / "bad.csv") << head << body;
    return dir / "bad.csv";
  };
  auto drain = [](const std::filesystem::path& p) {
    TestLogCsvStream s(p, 1);
    TestLog b;
    while (s.next(b)) {
    }
  };
  SAMPO_REQUIRE_THROWS_WITH(drain(write("0,1,1,,,,,\n1,0,1,0,0.5,0,3,0.1\n")), sampo::io_error,
                            "data row 1 (line 4)", "argument 'q' = 0", "(test 1, step 0)");
  // The file's test number, not the batch's (batches of one test here).
  SAMPO_REQUIRE_THROWS_WITH(drain(write("0,1,1,,,,,\n1,0,1,,,,,\n2,0,1,0,0.5,0.5,1,0.1\n"
                                        "2,0,1,1,1.5,0.5,2,0.1\n")),
                            sampo::io_error, "data row 3 (line 6)", "argument 'p' = 1.5",
                            "(test 2, step 1)");
  SAMPO_REQUIRE_THROWS_WITH(drain(write("0,1,1,,,,\n")), sampo::io_error, "data row 0 (line 3)",
                            "7 fields where the header has 8");
  SAMPO_REQUIRE_THROWS_WITH(drain(write("0,x,1,,,,,\n")), sampo::io_error, "field 'result'",
                            "'x' is not a number");
  SAMPO_REQUIRE_THROWS_WITH(drain(write("0,1,1,,,,,\n2,1,1,,,,,\n")), sampo::io_error,
                            "data row 1", "field 'test'");
  std::ofstream(dir / "v9.csv") << "# sampo-mc-log 9\n";
  SAMPO_REQUIRE_THROWS_WITH(TestLogCsvStream(dir / "v9.csv"), sampo::io_error, "version 9");
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate_csv(write(""), StreamFileOptions{}),
                            sampo::invalid_argument, "log", "no tests");
  StreamFileOptions cv;
  cv.method = StreamMethod::control_variates;
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate_csv(write("0,1,1,,,,,\n"), cv),
                            sampo::invalid_argument, "no control columns");
  cv.folds = 1;
  SAMPO_REQUIRE_THROWS_WITH((void)stream_estimate_csv(write("0,1,1,,,,,\n"), cv),
                            sampo::invalid_argument, "options.folds");
}

TEST_CASE("The Gaussian benchmark advances a progress bar once per test, without changing the log",
          "[mc][streaming]") {
  GaussianLimitStateOptions g;
  g.tests = 500;
  g.beta = 3;
  const TestLog plain = gaussian_limit_state_log(g);
  sampo::Progress bar(g.tests, "gaussian", false);
  g.progress = &bar;
  CHECK(gaussian_limit_state_log(g) == plain);
  CHECK(bar.done() == 500);
}

TEST_CASE("read_test_log_csv with a progress bar reads the same log and counts every byte",
          "[mc][streaming]") {
  testkit::Ladder ladder;
  const TestLog log = ladder.log(300, sampo::testing::fixture_seed(), 4);
  sampo::test::TempDir dir;
  write_test_log_csv(dir / "log.csv", log);
  const auto bytes = std::filesystem::file_size(dir / "log.csv");
  sampo::Progress bar(std::size_t(bytes), "read", false);
  CHECK(read_test_log_csv(dir / "log.csv", &bar) == log);
  CHECK(bar.done() == bytes);
  CHECK(read_test_log_csv(dir / "log.csv", nullptr) == log);
}

// Data hyper-cleaning tasks (split, corruption, scores, references) and the named benchmarks.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include <sampo/bilevel/benchmarks.hpp>
#include <sampo/bilevel/hyperclean.hpp>
#include <sampo/core/error.hpp>
#include <sampo/testing/fixtures.hpp>

#include "sampo_test.hpp"

using namespace sampo::bilevel;
using Catch::Matchers::Contains;
using Vec = Eigen::VectorXd;

namespace {
/// Three well-separated Gaussian classes in 4 dimensions, 40 samples each.
struct Blobs {
  Eigen::MatrixXd x;
  std::vector<int> labels;
};
Blobs blobs(std::uint64_t seed) {
  Blobs b{sampo::testing::normal_matrix(120, 4, seed, 1), std::vector<int>(120)};
  for (int i = 0; i < 120; ++i) {
    b.labels[static_cast<std::size_t>(i)] = i % 3;
    b.x(i, i % 3) += 6.0;
  }
  return b;
}
}  // namespace

TEST_CASE("make_hyperclean: stratified quarters, exact corruption, labels changed", "[hyperclean]") {
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    const Blobs b = blobs(seed);
    HypercleanOptions o;
    o.corrupted_fraction = 0.5;
    o.seed = seed;
    const HypercleanTask t = make_hyperclean(b.x, b.labels, 3, o);
    CHECK(t.x_train.rows() == 60);  // two of four stratified folds of 120
    CHECK(t.x_val.rows() == 30);
    CHECK(t.x_test.rows() == 30);
    CHECK(t.problem.dim_x() == 60);
    CHECK(t.problem.dim_y() == 3 * 5);
    const auto bad = std::count(t.corrupted.begin(), t.corrupted.end(), true);
    CHECK(bad == 30);  // round(0.5 · 60)
    for (std::size_t i = 0; i < t.corrupted.size(); ++i)
      CHECK((t.labels_train[i] != t.labels_train_clean[i]) == t.corrupted[i]);
    // Standardized by the training set: mean 0 and sd 1 per column, to rounding.
    CHECK(t.x_train.colwise().mean().cwiseAbs().maxCoeff() <= 1e-12);
    const Eigen::RowVectorXd sd = ((t.x_train.rowwise() - t.x_train.colwise().mean()).array().square()
                                       .colwise().sum() / 60.0).sqrt();
    CHECK((sd.array() - 1.0).abs().maxCoeff() <= 1e-12);
    // The same seed gives the same task.
    const HypercleanTask again = make_hyperclean(b.x, b.labels, 3, o);
    CHECK(again.corrupted == t.corrupted);
    CHECK(again.x_test == t.x_test);
  }
}

TEST_CASE("score_hyperclean and reference_accuracy on a separable task", "[hyperclean]") {
  const Blobs b = blobs(7);
  HypercleanOptions o;
  o.corrupted_fraction = 0.3;
  const HypercleanTask t = make_hyperclean(b.x, b.labels, 3, o);
  // Separated blobs: the clean-label model classifies the test set perfectly.
  CHECK(reference_accuracy(t, true) == 1.0);
  CHECK(reference_accuracy(t, false) <= reference_accuracy(t, true));
  // Weights that flag exactly the corrupted samples: precision = recall = 1.
  Vec lambda(t.problem.dim_x());
  for (Eigen::Index i = 0; i < lambda.size(); ++i) lambda[i] = t.corrupted[static_cast<std::size_t>(i)] ? -5.0 : 5.0;
  const HypercleanScores s = score_hyperclean(t, lambda, Vec::Zero(t.problem.dim_y()));
  CHECK(s.precision == 1.0);
  CHECK(s.recall == 1.0);
  CHECK(s.flagged == static_cast<std::size_t>(std::count(t.corrupted.begin(), t.corrupted.end(), true)));
  CHECK_THROWS_WITH(score_hyperclean(t, Vec::Zero(3), Vec::Zero(t.problem.dim_y())), Contains("'x'"));
}

TEST_CASE("make_hyperclean refuses bad input naming the argument", "[hyperclean]") {
  const Blobs b = blobs(1);
  HypercleanOptions o;
  CHECK_THROWS_WITH(make_hyperclean(b.x, std::vector<int>(5, 0), 3, o), Contains("labels"));
  std::vector<int> out_of_range = b.labels;
  out_of_range[4] = 3;
  CHECK_THROWS_WITH(make_hyperclean(b.x, out_of_range, 3, o), Contains("labels") && Contains("row 4"));
  Eigen::MatrixXd nan = b.x;
  nan(2, 1) = std::nan("");
  CHECK_THROWS_WITH(make_hyperclean(nan, b.labels, 3, o), Contains("features"));
  o.corrupted_fraction = 1.5;
  CHECK_THROWS_WITH(make_hyperclean(b.x, b.labels, 3, o), Contains("corrupted_fraction"));
  o = {};
  o.regularization = 0;
  CHECK_THROWS_WITH(make_hyperclean(b.x, b.labels, 3, o), Contains("regularization"));
  CHECK_THROWS_WITH(make_hyperclean(b.x, b.labels, 1, HypercleanOptions{}), Contains("classes"));
}

TEST_CASE("make_benchmark builds every named problem with a start of the right size", "[benchmarks]") {
  BenchmarkOptions o;
  o.dim = 4;
  o.samples = 20;
  o.epsilon = 0.5;
  for (const std::string& name : benchmark_names()) {
    INFO(name);
    if (name == "hyperclean-digits") {
      const auto path = sampo::test::data_dir() / "digits" / "digits.csv";  // shipped
      BenchmarkOptions d = o;
      d.data = path;
      const Benchmark b = make_benchmark(name, d);
      REQUIRE(b.hyperclean);
      CHECK(b.problem.get() == &b.hyperclean->problem);
      CHECK(b.problem->dim_y() == 10 * 65);
      CHECK_THROWS_WITH(make_benchmark(name, o), Contains("digits"));  // no data given
      continue;
    }
    const Benchmark b = make_benchmark(name, o);
    CHECK(b.name == name);
    CHECK(b.x0.size() == b.problem->dim_x());
    CHECK(b.y0.size() == b.problem->dim_y());
  }
  CHECK_THROWS_WITH(make_benchmark("rosenbrock", o), Contains("rosenbrock") && Contains("quadratic"));
  o.samples = 1;
  CHECK_THROWS_WITH(make_benchmark("ridge-hpo", o), Contains("samples"));
}

TEST_CASE("load_digits reads the shipped file and refuses a wrong one", "[benchmarks]") {
  const Digits d = load_digits(sampo::test::data_dir() / "digits" / "digits.csv");
  CHECK(d.features.rows() == 1797);
  CHECK(d.features.cols() == 64);
  CHECK(std::set<int>(d.labels.begin(), d.labels.end()).size() == 10);
  CHECK(d.features.maxCoeff() == 16.0);
  sampo::test::TempDir dir;
  const auto bad = dir.path() / "bad.csv";
  {
    std::ofstream f(bad);
    f << "1,2,3\n";
  }
  CHECK_THROWS_AS(load_digits(bad), sampo::io_error);
  CHECK_THROWS_AS(load_digits(dir.path() / "absent.csv"), sampo::io_error);
}

#include "sampo/bilevel/benchmarks.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "sampo/bilevel/problems.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/csv.hpp"

namespace sampo::bilevel {

void BenchmarkOptions::validate() const {
  constexpr const char* fn = "sampo::bilevel::BenchmarkOptions";
  if (dim < 1) throw_invalid_argument(fn, "dim", std::to_string(dim), "must be at least 1");
  if (samples < 2) throw_invalid_argument(fn, "samples", std::to_string(samples), "must be at least 2");
  check_nonnegative(fn, "epsilon", epsilon);
  check_in_range(fn, "corrupted_fraction", corrupted_fraction, 0.0, 1.0);
}

const std::vector<std::string>& benchmark_names() {
  static const std::vector<std::string> names{"quadratic", "quadratic-stochastic", "ridge-hpo",
                                              "hyperclean-ls", "cosh", "degenerate",
                                              "hyperclean-digits"};
  return names;
}

Digits load_digits(const std::filesystem::path& path) {
  constexpr const char* fn = "sampo::bilevel::load_digits";
  io::CsvOptions o;
  o.header = false;
  o.text_columns = false;
  const io::CsvTable t = io::read_csv(path, o);
  if (t.data.cols() != 65)
    throw_io_error(fn, path.string(), "expected 65 columns (64 features and a label), found " +
                                          std::to_string(t.data.cols()));
  Digits d{t.data.leftCols(64), std::vector<int>(static_cast<std::size_t>(t.data.rows()))};
  for (Eigen::Index i = 0; i < t.data.rows(); ++i) {
    const double l = t.data(i, 64);
    if (!(l >= 0.0 && l <= 9.0 && std::floor(l) == l))
      throw_io_error(fn, path.string(), "row " + std::to_string(i + 1) + ": label " +
                                            format_value(l) + " is not an integer in 0..9");
    d.labels[static_cast<std::size_t>(i)] = static_cast<int>(l);
  }
  return d;
}

Benchmark make_benchmark(std::string_view name, const BenchmarkOptions& o) {
  o.validate();
  Benchmark b;
  b.name = std::string(name);
  if (name == "quadratic") {
    QuadraticProblemOptions q;
    q.dim_x = q.dim_y = o.dim;
    q.seed = o.seed;
    b.problem = std::make_shared<QuadraticProblem>(make_quadratic(q));
  } else if (name == "quadratic-stochastic") {
    StochasticQuadraticOptions q;
    q.dim_x = q.dim_y = o.dim;
    q.inner_samples = q.outer_samples = o.samples;
    q.seed = o.seed;
    b.problem = std::make_shared<StochasticQuadraticProblem>(make_stochastic_quadratic(q));
  } else if (name == "ridge-hpo") {
    RidgeHpoOptions r;
    r.features = o.dim;
    r.train_samples = r.val_samples = o.samples;
    r.seed = o.seed;
    b.problem = std::make_shared<RidgeHpoProblem>(make_ridge_hpo(r));
  } else if (name == "hyperclean-ls") {
    HypercleanLsOptions h;
    h.features = o.dim;
    h.train_samples = h.val_samples = o.samples;
    h.corrupted_fraction = o.corrupted_fraction;
    h.seed = o.seed;
    b.problem = std::make_shared<HypercleanLsProblem>(make_hyperclean_ls(h).problem);
  } else if (name == "cosh") {
    auto p = std::make_shared<CoshProblem>(make_cosh(o.dim, 4.0, o.seed));
    b.x0 = *p->minimizer() + Eigen::VectorXd::Constant(o.dim, 6.0);
    b.problem = std::move(p);
  } else if (name == "degenerate") {
    b.problem = std::make_shared<DegenerateProblem>(o.epsilon);
    b.x0 = Eigen::VectorXd::Constant(1, 2.0);
  } else if (name == "hyperclean-digits") {
    if (o.data.empty())
      throw_invalid_argument("sampo::bilevel::make_benchmark", "options.data", "",
                             "hyperclean-digits needs the digits CSV (data/digits/digits.csv)");
    const Digits d = load_digits(o.data);
    HypercleanOptions h;
    h.corrupted_fraction = o.corrupted_fraction;
    h.seed = o.seed;
    auto task = std::make_shared<const HypercleanTask>(make_hyperclean(d.features, d.labels, 10, h));
    b.problem = std::shared_ptr<const Problem>(task, &task->problem);
    b.hyperclean = std::move(task);
  } else {
    std::string known;
    for (const auto& n : benchmark_names()) {
      if (!known.empty()) known.append(", ");
      known.append(n);
    }
    throw_invalid_argument("sampo::bilevel::make_benchmark", "name", name,
                           "unknown problem; known problems: " + known);
  }
  if (b.x0.size() == 0) b.x0 = Eigen::VectorXd::Zero(b.problem->dim_x());
  b.y0 = Eigen::VectorXd::Zero(b.problem->dim_y());
  return b;
}

}  // namespace sampo::bilevel

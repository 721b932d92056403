#pragma once
/// @file
/// The named benchmark problems of `sampo bilevel`, `sampo validate` and the benchmarks, with
/// their starting points: one place that says what "quadratic" or "hyperclean-digits" is.
///
///   quadratic             QuadraticProblem (make_quadratic, d_x = d_y = dim)
///   quadratic-stochastic  StochasticQuadraticProblem (dim, samples rows per level)
///   ridge-hpo             RidgeHpoProblem (dim features, samples rows for train and validation)
///   hyperclean-ls         HypercleanLsProblem (dim features, samples rows)
///   cosh                  CoshProblem (dim), started 6 units from x* in every coordinate
///   degenerate            DegenerateProblem(epsilon)
///   hyperclean-digits     data hyper-cleaning of the UCI digits (HypercleanTask; needs data)

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sampo/bilevel/hyperclean.hpp"
#include "sampo/bilevel/problem.hpp"
#include "sampo/core/eigen.hpp"

namespace sampo::bilevel {

/// Options of make_benchmark (each problem reads the fields its line above names).
struct BenchmarkOptions {
  Eigen::Index dim = 10;
  Eigen::Index samples = 1024;
  double epsilon = 0.0;              ///< degenerate: lower-level curvature along y₂
  double corrupted_fraction = 0.5;   ///< hyperclean-ls, hyperclean-digits
  std::filesystem::path data;        ///< hyperclean-digits: digits CSV (64 features, label)
  std::uint64_t seed = 0;            ///< the random instance (and the digits split)
  void validate() const;
};

/// A problem with its starting point.
struct Benchmark {
  std::string name;
  std::shared_ptr<const Problem> problem;
  Eigen::VectorXd x0, y0;
  std::shared_ptr<const HypercleanTask> hyperclean;  ///< hyperclean-digits only
};

/// The names make_benchmark knows, in the order of the file comment.
[[nodiscard]] const std::vector<std::string>& benchmark_names();

/// @throw sampo::invalid_argument for an unknown name or bad options; sampo::io_error when the
///        digits file cannot be read.
[[nodiscard]] Benchmark make_benchmark(std::string_view name, const BenchmarkOptions& options = {});

/// The UCI digits as shipped in data/digits/digits.csv: 64 features, then the label (0..9).
struct Digits {
  Eigen::MatrixXd features;
  std::vector<int> labels;
};
/// @throw sampo::io_error for an unreadable file or a row that is not 64 features + a label.
[[nodiscard]] Digits load_digits(const std::filesystem::path& path);

}  // namespace sampo::bilevel

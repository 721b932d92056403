#pragma once
/// @file
/// One-pass (streaming) mean and variance, scalar and multivariate, with merging.
///
/// Welford's update keeps the mean and the sum of squared deviations M2 = Σ(x - x̄)², which
/// avoids the catastrophic cancellation of Σx² - n x̄². Two accumulators over disjoint samples
/// merge exactly (in exact arithmetic) into the accumulator of the union with Chan, Golub &
/// LeVeque's formula: with δ = x̄_b - x̄_a and n = n_a + n_b,
///     x̄ = x̄_a + δ n_b / n,   M2 = M2_a + M2_b + δ² n_a n_b / n
/// (δδᵀ in the multivariate case), so partial results from threads or MPI ranks can be
/// combined; combining in a fixed order gives reproducible results.
///
/// Queries on too few samples return NaN (mean: n = 0; variance: n < 2), not an exception.

#include <cstddef>

#include "sampo/core/eigen.hpp"

namespace sampo::linalg {

/// Running count, mean and variance of a stream of doubles.
class RunningStats {
 public:
  /// Adds one observation. @throw sampo::invalid_argument if @p x is not finite.
  void push(double x);
  /// Adds all observations of another accumulator (Chan's formula).
  void merge(const RunningStats& other) noexcept;

  /// Number of observations n.
  [[nodiscard]] std::size_t count() const noexcept { return n_; }
  /// Sample mean x̄ (NaN if n = 0).
  [[nodiscard]] double mean() const noexcept;
  /// Unbiased sample variance M2/(n-1) (NaN if n < 2).
  [[nodiscard]] double variance() const noexcept;
  /// sqrt(variance()).
  [[nodiscard]] double std_dev() const noexcept;
  /// Standard error of the mean sqrt(variance()/n) (NaN if n < 2).
  [[nodiscard]] double std_error() const noexcept;
  /// Sum of squared deviations from the mean M2 (0 if n = 0).
  [[nodiscard]] double sum_squared_deviations() const noexcept { return m2_; }

 private:
  std::size_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

/// Running count, mean vector and covariance matrix of a stream of d-vectors.
class RunningCovariance {
 public:
  /// An empty accumulator for vectors of size @p dimension.
  /// @throw sampo::invalid_argument if dimension < 1.
  explicit RunningCovariance(Eigen::Index dimension);

  /// Adds one observation (a rank-one update of M2, d² flops).
  /// @throw sampo::invalid_argument if x.size() != dimension() or an entry is not finite.
  void push(const Eigen::Ref<const Eigen::VectorXd>& x);
  /// Adds all observations of another accumulator (Chan's formula).
  /// @throw sampo::invalid_argument if the dimensions differ.
  void merge(const RunningCovariance& other);

  [[nodiscard]] Eigen::Index dimension() const noexcept { return mean_.size(); }
  [[nodiscard]] std::size_t count() const noexcept { return n_; }
  /// Sample mean vector (NaN entries if n = 0).
  [[nodiscard]] Eigen::VectorXd mean() const;
  /// Unbiased sample covariance M2/(n-1), exactly symmetric (NaN entries if n < 2).
  [[nodiscard]] Eigen::MatrixXd covariance() const;
  /// Sum of outer products of deviations M2 = Σ(x - x̄)(x - x̄)ᵀ, exactly symmetric.
  [[nodiscard]] Eigen::MatrixXd sum_squared_deviations() const;

 private:
  std::size_t n_ = 0;
  Eigen::VectorXd mean_;
  Eigen::MatrixXd m2_;  // lower triangle is authoritative
};

}  // namespace sampo::linalg

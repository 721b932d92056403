#pragma once
/// @file
/// Repeated draws from one discrete distribution by inversion with binary search.

#include <cstddef>
#include <span>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::parallel {

/// Samples index k with probability weights[k] / sum(weights), O(log size) per draw after an
/// O(size) setup. It draws exactly what RandomStream::discrete(weights) draws — one uniform(),
/// the same left-to-right partial sums, the same rule — so both give the same index from the
/// same stream state. Immutable after construction, hence safe to share between threads
/// (each thread with its own RandomStream).
class DiscreteSampler {
 public:
  /// Precomputes the partial sums of @p weights.
  /// @throw sampo::invalid_argument if weights is empty, has a negative or non-finite entry,
  ///        is all zero, or sums to infinity (the message names the entry).
  explicit DiscreteSampler(std::span<const double> weights);
  /// @copydoc DiscreteSampler(std::span<const double>)
  explicit DiscreteSampler(const Eigen::Ref<const Eigen::VectorXd>& weights);

  /// One index drawn with @p stream (consumes one uniform()).
  std::size_t sample(RandomStream& stream) const noexcept;

  /// Number of categories (the length of the weights).
  [[nodiscard]] std::size_t size() const noexcept { return cumulative_.size(); }
  /// weights[k] / sum(weights), from the stored partial sums (exact up to one rounding
  /// of the difference). @throw sampo::invalid_argument if k >= size().
  [[nodiscard]] double probability(std::size_t k) const;
  /// sum(weights), accumulated left to right.
  [[nodiscard]] double total() const noexcept { return cumulative_.back(); }

 private:
  std::vector<double> cumulative_;  // w0, w0+w1, ... (left to right)
  std::size_t last_positive_ = 0;   // fallback when uniform()·total rounds up to total
};

}  // namespace sampo::parallel

#pragma once
// Private to src/parallel: the weight checks shared by RandomStream::discrete and
// DiscreteSampler, so both accept and reject exactly the same inputs.
#include <cstddef>
#include <span>
#include <string_view>

namespace sampo::parallel::detail {

struct WeightSummary {
  double total;                // left-to-right sum
  std::size_t last_positive;   // index of the last weight > 0
};

/// Throws sampo::invalid_argument (naming @p function and the entry) unless @p weights is
/// non-empty, finite, >= 0, not all zero and has a finite sum.
WeightSummary check_weights(std::string_view function, std::span<const double> weights);

}  // namespace sampo::parallel::detail

#include "sampo/parallel/discrete_sampler.hpp"

#include <algorithm>
#include <string>

#include "sampo/core/error.hpp"
#include "weights.hpp"

namespace sampo::parallel {

DiscreteSampler::DiscreteSampler(std::span<const double> weights) {
  const auto s = detail::check_weights("sampo::parallel::DiscreteSampler", weights);
  cumulative_.resize(weights.size());
  double partial = 0.0;
  for (std::size_t k = 0; k < weights.size(); ++k) cumulative_[k] = partial += weights[k];
  last_positive_ = s.last_positive;
}

DiscreteSampler::DiscreteSampler(const Eigen::Ref<const Eigen::VectorXd>& weights)
    : DiscreteSampler(
          std::span<const double>(weights.data(), static_cast<std::size_t>(weights.size()))) {}

std::size_t DiscreteSampler::sample(RandomStream& stream) const noexcept {
  const double x = stream.uniform() * total();
  // First k with cumulative_[k] > x: the rule of RandomStream::discrete.
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
  if (it == cumulative_.end()) return last_positive_;
  return static_cast<std::size_t>(it - cumulative_.begin());
}

double DiscreteSampler::probability(std::size_t k) const {
  if (k >= size())
    throw_invalid_argument("sampo::parallel::DiscreteSampler::probability", "k", std::to_string(k),
                           "must be < size() = " + std::to_string(size()));
  const double below = k == 0 ? 0.0 : cumulative_[k - 1];
  return (cumulative_[k] - below) / total();
}

}  // namespace sampo::parallel

#include "sampo/parallel/random_stream.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "weights.hpp"

namespace sampo::parallel {

namespace detail {

WeightSummary check_weights(std::string_view function, std::span<const double> weights) {
  check_nonempty(function, "weights", weights.size());
  WeightSummary s{0.0, 0};
  bool any_positive = false;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const double w = weights[k];
    if (!(std::isfinite(w) && w >= 0))
      throw_invalid_argument(function, "weights", {},
                             "entry " + std::to_string(k) + " is " + format_value(w) +
                                 "; weights must be finite and >= 0");
    s.total += w;
    if (w > 0) {
      any_positive = true;
      s.last_positive = k;
    }
  }
  if (!any_positive) throw_invalid_argument(function, "weights", {}, "all weights are zero");
  if (!std::isfinite(s.total))
    throw_invalid_argument(function, "weights", {}, "the weights sum to infinity; rescale them");
  return s;
}

}  // namespace detail

double RandomStream::uniform(double a, double b) {
  constexpr const char* fn = "sampo::parallel::RandomStream::uniform";
  check_finite(fn, "a", a);
  check_finite(fn, "b", b);
  if (!(a < b))
    throw_invalid_argument(fn, "b", format_value(b), "must be greater than a = " + format_value(a));
  const double width = b - a;
  if (!std::isfinite(width))
    throw_invalid_argument(fn, "b", format_value(b), "b - a overflows (a = " + format_value(a) + ")");
  return a + width * uniform();
}

double RandomStream::normal_pair() noexcept {
  const double u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

double RandomStream::normal(double mean, double sd) {
  constexpr const char* fn = "sampo::parallel::RandomStream::normal";
  check_finite(fn, "mean", mean);
  check_nonnegative(fn, "sd", sd);
  return mean + sd * normal();
}

std::uint64_t RandomStream::uniform_int(std::uint64_t n) {
  if (n == 0)
    throw_invalid_argument("sampo::parallel::RandomStream::uniform_int", "n", "0", "must be >= 1");
  // 2^64 mod n, computed in 64-bit arithmetic as (2^64 - n) mod n. Accepting only
  // x >= threshold leaves 2^64 - threshold values, a multiple of n, so x mod n is uniform.
  const std::uint64_t threshold = (0 - n) % n;
  for (;;) {
    const std::uint64_t x = next_u64();
    if (x >= threshold) return x % n;
  }
}

bool RandomStream::bernoulli(double p) {
  check_in_range("sampo::parallel::RandomStream::bernoulli", "p", p, 0.0, 1.0);
  return uniform() < p;
}

std::size_t RandomStream::discrete(std::span<const double> weights) {
  const auto s = detail::check_weights("sampo::parallel::RandomStream::discrete", weights);
  const double x = uniform() * s.total;
  double partial = 0.0;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    partial += weights[k];
    if (partial > x) return k;
  }
  return s.last_positive;  // x rounded up to the total
}

std::size_t RandomStream::discrete(const Eigen::Ref<const Eigen::VectorXd>& weights) {
  return discrete(std::span<const double>(weights.data(), static_cast<std::size_t>(weights.size())));
}

Eigen::VectorXd RandomStream::uniform_vector(Eigen::Index n) {
  if (n < 0)
    throw_invalid_argument("sampo::parallel::RandomStream::uniform_vector", "n",
                           std::to_string(n), "must be >= 0");
  Eigen::VectorXd v(n);
  fill_uniform(v);
  return v;
}

Eigen::VectorXd RandomStream::normal_vector(Eigen::Index n) {
  if (n < 0)
    throw_invalid_argument("sampo::parallel::RandomStream::normal_vector", "n",
                           std::to_string(n), "must be >= 0");
  Eigen::VectorXd v(n);
  fill_normal(v);
  return v;
}

Eigen::MatrixXd RandomStream::normal_matrix(Eigen::Index rows, Eigen::Index cols) {
  constexpr const char* fn = "sampo::parallel::RandomStream::normal_matrix";
  if (rows < 0) throw_invalid_argument(fn, "rows", std::to_string(rows), "must be >= 0");
  if (cols < 0) throw_invalid_argument(fn, "cols", std::to_string(cols), "must be >= 0");
  Eigen::MatrixXd m(rows, cols);
  fill_normal(m);
  return m;
}

void RandomStream::fill_uniform(Eigen::Ref<Eigen::MatrixXd> out) noexcept {
  for (Eigen::Index j = 0; j < out.cols(); ++j)
    for (Eigen::Index i = 0; i < out.rows(); ++i) out(i, j) = uniform();
}

void RandomStream::fill_normal(Eigen::Ref<Eigen::MatrixXd> out) noexcept {
  for (Eigen::Index j = 0; j < out.cols(); ++j)
    for (Eigen::Index i = 0; i < out.rows(); ++i) out(i, j) = normal();
}

}  // namespace sampo::parallel

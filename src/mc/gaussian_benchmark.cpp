#include "sampo/mc/gaussian_benchmark.hpp"

#include "sampo/core/progress.hpp"

#include <cmath>
#include <string>

#include "sampo/core/error.hpp"
#include "sampo/linalg/normal.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::mc {

std::string_view to_string(GaussianSampling s) noexcept {
  switch (s) {
    case GaussianSampling::naturalistic: return "naturalistic";
    case GaussianSampling::shifted: return "shifted";
    case GaussianSampling::mixture: return "mixture";
  }
  return "?";
}

GaussianSampling gaussian_sampling_from_string(std::string_view name) {
  if (name == "naturalistic") return GaussianSampling::naturalistic;
  if (name == "shifted") return GaussianSampling::shifted;
  if (name == "mixture") return GaussianSampling::mixture;
  throw_invalid_argument("sampo::mc::gaussian_sampling_from_string", "name", name,
                         "is not naturalistic, shifted or mixture");
}

void GaussianLimitStateOptions::validate() const {
  constexpr std::string_view function = "sampo::mc::gaussian_limit_state_log";
  if (!(std::isfinite(beta) && beta >= 0))
    throw_invalid_argument(function, "options.beta", format_value(beta), "must be finite and >= 0");
  if (dim < 1) throw_invalid_argument(function, "options.dim", std::to_string(dim), "must be >= 1");
  if (tests < 1) throw_invalid_argument(function, "options.tests", "0", "must be >= 1");
  if (!(alpha > 0 && alpha < 1))
    throw_invalid_argument(function, "options.alpha", format_value(alpha), "must be in (0, 1)");
}

TestLog gaussian_limit_state_log(const GaussianLimitStateOptions& options) {
  options.validate();
  const double beta = options.beta, alpha = options.alpha;
  const double root_d = std::sqrt(double(options.dim));
  TestLogSchema schema;
  if (options.sampling == GaussianSampling::mixture) schema.controls = {"mixture"};
  TestLogBuilder b(schema);
  for (std::size_t i = 0; i < options.tests; ++i) {
    if (options.cancel && i % 1024 == 0 && options.cancel->cancelled()) break;
    parallel::RandomStream rs(options.seed, 0, i);
    // Only t = aᵀx/‖a‖ matters; it is drawn from the d coordinates so that the log is the one a
    // d-dimensional simulation would give.
    bool shifted = options.sampling == GaussianSampling::shifted;
    if (options.sampling == GaussianSampling::mixture) shifted = !(rs.uniform() < alpha);
    double t = 0;
    for (int k = 0; k < options.dim; ++k) t += rs.normal() / root_d;
    if (shifted) t += beta;
    const double y = t >= beta ? 1.0 : 0.0;
    switch (options.sampling) {
      case GaussianSampling::naturalistic:
        b.end_test(y, 1.0);
        break;
      case GaussianSampling::shifted:
        b.end_test(y, std::exp(-beta * t + 0.5 * beta * beta));
        break;
      case GaussianSampling::mixture: {
        // φ(t − β)/φ(t) = exp(βt − β²/2); q_α/φ = α + (1 − α)·that.
        const double ratio = std::exp(beta * t - 0.5 * beta * beta);
        const double qa = alpha + (1 - alpha) * ratio;  // q_α/φ
        const double control = ratio / qa - 1.0;
        b.end_test(y, 1.0 / qa, {&control, 1});
        break;
      }
    }
    if (options.progress) options.progress->advance();
  }
  return std::move(b).finish();
}

GaussianLimitStateExact gaussian_limit_state_exact(double beta) {
  if (!(std::isfinite(beta) && beta >= 0))
    throw_invalid_argument("sampo::mc::gaussian_limit_state_exact", "beta", format_value(beta),
                           "must be finite and >= 0");
  GaussianLimitStateExact e;
  e.probability = linalg::normal_cdf(-beta);
  e.shifted_second_moment = std::exp(beta * beta) * linalg::normal_cdf(-2 * beta);
  e.shifted_relative_variance =
      e.shifted_second_moment / (e.probability * e.probability) - 1.0;
  return e;
}

}  // namespace sampo::mc

#pragma once
/// @file
/// The linear Gaussian limit state, a rare-event benchmark with exact answers: X ~ N(0, I_d),
/// failure when aᵀX/‖a‖ >= β (a = (1, ..., 1)), so P = Φ(−β). Tests can be drawn
///   - naturalistically (L = 1: crude Monte Carlo has Var = P(1 − P));
///   - from the mean shift q = N(βa/‖a‖, I): L = exp(−βt + β²/2), t = aᵀx/‖a‖, and
///     E_q[Y²L²] = e^{β²}Φ(−2β) exactly;
///   - from the defensive mixture q = αN(0, I) + (1 − α)N(βa/‖a‖, I): L = φ(t)/q_α(t) along a
///     (the orthogonal directions cancel), with the control φ(t − β)/q_α(t) − 1 (mean 0) logged
///     as "mixture" (Owen & Zhou).
/// Used by the validation cases and `sampo mc gaussian`.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sampo/core/cancellation.hpp"
#include "sampo/mc/test_log.hpp"

namespace sampo {
class Progress;
}

namespace sampo::mc {

/// How the benchmark's tests are drawn.
enum class GaussianSampling { naturalistic, shifted, mixture };

/// "naturalistic", "shifted", "mixture".
[[nodiscard]] std::string_view to_string(GaussianSampling s) noexcept;
/// Inverse of to_string. @throw sampo::invalid_argument naming the value.
[[nodiscard]] GaussianSampling gaussian_sampling_from_string(std::string_view name);

/// Options of gaussian_limit_state_log().
struct GaussianLimitStateOptions {
  double beta = 4.0;          ///< reliability index β (finite, >= 0)
  int dim = 2;                ///< d >= 1
  std::size_t tests = 10000;  ///< n >= 1
  std::uint64_t seed = 0;     ///< test i is drawn from RandomStream(seed, 0, i)
  GaussianSampling sampling = GaussianSampling::shifted;
  double alpha = 0.1;         ///< mixture: weight of the naturalistic component, in (0, 1)
  /// Advanced by one per test drawn (may be null; not owned). Never changes the log.
  sampo::Progress* progress = nullptr;
  /// Polled every 1024 tests: once raised, the log holds the tests drawn so far (a prefix of
  /// the full log, tests() < options.tests). Not owned; null: never cancelled.
  const CancellationFlag* cancel = nullptr;
  /// @throw sampo::invalid_argument naming the field.
  void validate() const;
};

/// A log of options.tests benchmark tests (schema: control "mixture" for mixture sampling).
[[nodiscard]] TestLog gaussian_limit_state_log(const GaussianLimitStateOptions& options);

/// Exact figures of the benchmark at β.
struct GaussianLimitStateExact {
  double probability = 0;          ///< P = Φ(−β)
  double shifted_second_moment = 0;  ///< E_q[Y²L²] = e^{β²}Φ(−2β) under the mean shift
  double shifted_relative_variance = 0;  ///< E_q[Y²L²]/P² − 1
};
/// @throw sampo::invalid_argument unless β is finite and >= 0.
[[nodiscard]] GaussianLimitStateExact gaussian_limit_state_exact(double beta);

}  // namespace sampo::mc

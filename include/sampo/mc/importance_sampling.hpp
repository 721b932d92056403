#pragma once
/// @file
/// Crude Monte Carlo and importance sampling over a test log.
///
/// Crude Monte Carlo (naturalistic tests, every L = 1): μ̂ = (1/n) Σ Y_i, Var = μ(1 − μ)/n for
/// a 0/1 result. Importance sampling: μ̂ = (1/n) Σ Y_i L_i, unbiased when q > 0 wherever
/// p·Y ≠ 0; Var = (E_q[Y²L²] − μ²)/n.

#include "sampo/mc/estimate.hpp"
#include "sampo/mc/test_log.hpp"

namespace sampo::mc {

/// Options of crude().
struct CrudeOptions : EstimatorOptions {
  void validate() const { EstimatorOptions::validate("sampo::mc::crude"); }
};
/// Result of crude(): an Estimate of E_p[Y].
struct CrudeResult : Estimate {};

/// The sample mean of the results of a naturalistic log.
/// @throw sampo::invalid_argument if the log is empty or a weight is not 1 (naming the test:
///        an importance-sampled log needs importance_sampling()), or options are invalid.
[[nodiscard]] CrudeResult crude(const TestLog& log, const CrudeOptions& options = {});

/// Options of importance_sampling().
struct ImportanceSamplingOptions : EstimatorOptions {
  void validate() const { EstimatorOptions::validate("sampo::mc::importance_sampling"); }
};
/// Result of importance_sampling().
struct ImportanceSamplingResult : Estimate {
  double max_weight = 0;            ///< largest L_i
  double effective_sample_size = 0; ///< (Σ L_i)² / Σ L_i² (Kish), a weight-degeneracy warning
};

/// The mean of Y_i·L_i.
/// @throw sampo::invalid_argument if the log is empty or options are invalid.
[[nodiscard]] ImportanceSamplingResult importance_sampling(
    const TestLog& log, const ImportanceSamplingOptions& options = {});

}  // namespace sampo::mc

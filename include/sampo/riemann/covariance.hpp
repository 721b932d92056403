#pragma once
/// @file
/// Covariance estimators for EEG trials and the augmented covariance (ACM) of Carrara &
/// Papadopoulo, exactly as MOABB's `AugmentedDataset` builds it.
///
/// A trial is a C x T matrix (channels x samples). What each estimator computes:
///  - `sample`: numpy.cov(X): the rows are centred and the scatter is divided by T - 1
///    (pyRiemann's "cov").
///  - `ledoit_wolf`, `oas`: scikit-learn's `ledoit_wolf(X.T)` / `oas(X.T)` (pyRiemann's "lwf",
///    "oas"): the rows are centred, S = Xc Xc^T / **T** (not T - 1, as scikit-learn), and the
///    result is (1 - s) S + s (tr S / C) I with scikit-learn's shrinkage s (formulas in
///    docs/learn.md and sampo/learn/covariance.hpp).
///  - `regularized`: numpy.cov(X) + lambda I.
/// Every estimate is checked to be numerically SPD (see CovarianceOptions::require_spd): a
/// rank-deficient trial (fewer samples than channels, a flat or duplicated channel, an
/// average reference) is reported with its smallest eigenvalue and the advice to use
/// shrinkage, instead of failing later inside a matrix logarithm.

#include <string>
#include <string_view>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/learn/covariance.hpp"

namespace sampo::riemann {

/// The covariance estimators.
enum class Estimator {
  sample,       ///< numpy.cov: centred, divided by T - 1
  ledoit_wolf,  ///< scikit-learn ledoit_wolf: centred, divided by T, Ledoit-Wolf shrinkage
  oas,          ///< scikit-learn oas: centred, divided by T, oracle approximating shrinkage
  regularized,  ///< numpy.cov + regularization * I
};

/// "sample", "ledoit_wolf", "oas", "regularized".
std::string_view to_string(Estimator e) noexcept;

/// Parses to_string's names and pyRiemann's ("cov", "lwf", "oas").
/// @throw sampo::invalid_argument listing the accepted names.
Estimator estimator_from_string(std::string_view name);

/// How covariances are estimated.
struct CovarianceOptions {
  Estimator estimator = Estimator::sample;  ///< which estimator
  double regularization = 0.0;  ///< lambda added to the diagonal by Estimator::regularized (>= 0)
  /// Check that every estimate is numerically SPD by sampo's one SPD rule: its smallest
  /// eigenvalue must exceed C * eps * (its largest) and 0 (sampo::is_spd_spectrum). Off only
  /// for callers that check themselves.
  bool require_spd = true;
  /// @throw sampo::invalid_argument naming the field (regularization < 0 or not finite).
  void validate() const;
};

// The plain estimators (sample_covariance, ledoit_wolf, oas, regularized_covariance,
// ShrunkCovariance) are sampo::learn's (sampo/learn/covariance.hpp), used here by name.
using learn::ledoit_wolf;
using learn::oas;
using learn::regularized_covariance;
using learn::sample_covariance;
using learn::ShrunkCovariance;

/// The estimate chosen by @p options, checked to be SPD when options.require_spd.
/// @throw sampo::invalid_argument for bad data; sampo::not_spd_error (a sampo::invalid_argument)
///        when the estimate is not SPD (the message gives its smallest eigenvalue and advises
///        shrinkage).
[[nodiscard]] Eigen::MatrixXd covariance(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                         const CovarianceOptions& options = {});

/// covariance() of every trial, in parallel over trials (sampo::parallel::parallel_for); each
/// estimate is computed alone, so the result is bit-identical for any thread count. Trials
/// may differ in length but not in channel count.
/// @throw as covariance, naming the lowest-index bad trial ("trial 7") whatever the thread
///        count; a not-SPD estimate stays a sampo::not_spd_error.
[[nodiscard]] std::vector<Eigen::MatrixXd> covariances(const std::vector<Eigen::MatrixXd>& trials,
                                                       const CovarianceOptions& options = {});

/// The delay-embedded trial of MOABB's AugmentedDataset: for order p = 1, @p x itself (the
/// lag is ignored, as in MOABB); for p > 1 the pC x (T - p lag) matrix whose block k
/// (rows kC .. kC + C - 1) is x[:, k lag : T - (p - k) lag], k = 0..p-1. Every block is
/// T - p lag long, so the last lag samples are never used (MOABB's truncation, reproduced
/// for parity).
/// @throw sampo::invalid_argument if order < 1, lag < 1, or T <= order * lag (p > 1).
[[nodiscard]] Eigen::MatrixXd augment(const Eigen::Ref<const Eigen::MatrixXd>& x, int order,
                                      int lag);

/// covariance(augment(x, order, lag), options): the augmented covariance matrix (pC x pC).
/// @throw sampo::invalid_argument as augment and covariance.
[[nodiscard]] Eigen::MatrixXd augmented_covariance(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                   int order, int lag,
                                                   const CovarianceOptions& options = {});

/// augmented_covariance of every trial, in parallel over trials as covariances().
/// @throw as covariances.
[[nodiscard]] std::vector<Eigen::MatrixXd> augmented_covariances(
    const std::vector<Eigen::MatrixXd>& trials, int order, int lag,
    const CovarianceOptions& options = {});

/// Throws unless @p c is numerically SPD by sampo's one rule (sampo::is_spd_spectrum):
/// smallest eigenvalue > C * eps * largest and > 0.
/// The message names @p function and @p name, gives the smallest eigenvalue and advises what
/// can help given the @p estimator that produced @p c: shrinkage or regularization after the
/// sample covariance; for a shrinkage or regularized estimate of constant data (all zero),
/// that no estimator can help.
/// @throw sampo::not_spd_error (a sampo::invalid_argument)
void require_spd_estimate(std::string_view function, std::string_view name,
                          const Eigen::Ref<const Eigen::MatrixXd>& c,
                          Estimator estimator = Estimator::sample);

}  // namespace sampo::riemann

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
///    docs/riemann.md and in the functions below).
///  - `regularized`: numpy.cov(X) + lambda I.
/// Every estimate is checked to be numerically SPD (see CovarianceOptions::require_spd): a
/// rank-deficient trial (fewer samples than channels, a flat or duplicated channel, an
/// average reference) is reported with its smallest eigenvalue and the advice to use
/// shrinkage, instead of failing later inside a matrix logarithm.

#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

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

/// A shrinkage estimate and the shrinkage coefficient s in [0, 1] that produced it.
struct ShrunkCovariance {
  Eigen::MatrixXd covariance;  ///< (1 - s) S + s mu I
  double shrinkage = 0.0;      ///< s
};

/// numpy.cov of the rows of @p x (C x T): (X - mean) (X - mean)^T / (T - 1). No SPD check.
/// @throw sampo::invalid_argument if x has a non-finite entry or T < 2.
[[nodiscard]] Eigen::MatrixXd sample_covariance(const Eigen::Ref<const Eigen::MatrixXd>& x);

/// scikit-learn's `ledoit_wolf(x.T)`: with Xc the centred data and S = Xc Xc^T / T,
/// mu = tr S / C, b = sum_ij (Xc.^2 Xc.^2^T)_ij / T, d = ||Xc Xc^T||_F^2 / T^2,
/// beta = (b - d) / (C T), delta = (d - 2 mu tr S + C mu^2) / C, s = min(beta, delta) / delta
/// (s = 0 when beta = 0 and for C = 1). No SPD check.
/// @throw sampo::invalid_argument if x has a non-finite entry or T < 2.
[[nodiscard]] ShrunkCovariance ledoit_wolf(const Eigen::Ref<const Eigen::MatrixXd>& x);

/// scikit-learn's `oas(x.T)` (versions 1.2 and later): with S and mu as in ledoit_wolf and
/// alpha = mean(S.^2), s = min(1, (alpha + mu^2) / ((T + 1)(alpha - mu^2 / C))) (s = 1 when the
/// denominator is 0; s = 0 for C = 1). No SPD check.
/// @throw sampo::invalid_argument if x has a non-finite entry or T < 2.
[[nodiscard]] ShrunkCovariance oas(const Eigen::Ref<const Eigen::MatrixXd>& x);

/// sample_covariance(x) + lambda I. No SPD check.
/// @throw sampo::invalid_argument if lambda < 0 or x is bad as for sample_covariance.
[[nodiscard]] Eigen::MatrixXd regularized_covariance(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                     double lambda);

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

#pragma once
/// @file
/// Covariance estimators of the rows of a data matrix (variables x observations: an EEG trial
/// is C x T), as numpy and scikit-learn compute them:
///  - sample_covariance: numpy.cov(X): the rows are centred and the scatter divided by T - 1;
///  - ledoit_wolf, oas: scikit-learn's `ledoit_wolf(X.T)` / `oas(X.T)`: the rows are centred,
///    S = Xc Xc^T / **T** (not T - 1, as scikit-learn), and the result is
///    (1 - s) S + s (tr S / C) I with scikit-learn's shrinkage s;
///  - regularized_covariance: numpy.cov(X) + lambda I.
/// None checks the estimate for SPD (sampo::riemann::covariance does, with estimator advice).

#include <string_view>

#include "sampo/core/eigen.hpp"

namespace sampo::learn {

/// Throws unless @p x (variables x observations) has a row, at least 2 columns and finite
/// entries: what every estimator here needs.
/// @throw sampo::invalid_argument naming @p function and @p name.
void check_observations(std::string_view function, std::string_view name,
                        const Eigen::Ref<const Eigen::MatrixXd>& x);

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

}  // namespace sampo::learn

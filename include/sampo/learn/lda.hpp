#pragma once
/// @file
/// Linear discriminant analysis with Ledoit-Wolf shrinkage, as scikit-learn computes it.

#include <vector>

#include "sampo/core/eigen.hpp"

namespace sampo::learn {

/// scikit-learn's `LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto").fit(x, y).coef_`:
/// with the class means μ_k, priors π_k = n_k / n and the within-class covariance
/// Σ = Σ_k π_k Σ_k, where Σ_k is the Ledoit–Wolf estimate of class k's features after
/// standardizing each feature (centred, divided by its population standard deviation; a constant
/// feature is left unscaled) and scaled back, the coefficients are the least-squares solution
/// Σ Bᵀ = [μ_1 … μ_K]: K x d, or for two classes the single row B_2 − B_1.
/// @param x n x d features (rows are samples). @param labels n labels, at least 2 classes, and at
///        least 2 samples per class.
/// @throw sampo::invalid_argument for non-finite features, a size mismatch, a single class, or a
///        class with fewer than 2 samples.
[[nodiscard]] Eigen::MatrixXd lda_coefficients(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                               const std::vector<int>& labels);

}  // namespace sampo::learn

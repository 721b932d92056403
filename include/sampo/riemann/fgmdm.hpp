#pragma once
/// @file
/// Fisher geodesic discriminant analysis (FGDA) and FgMDM (Barachant et al., "Riemannian
/// geometry applied to BCI classification", LVA/ICA 2010), as pyRiemann's `FGDA` and `FgMDM`:
///  1. tangent vectors of the training matrices at their Riemannian mean (pyRiemann's order);
///  2. scikit-learn's LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto") on them
///     (sampo::learn::lda_coefficients) gives the K' x d coefficients W (K' = 1 for two classes, K
///     otherwise);
///  3. the filter projects every tangent vector onto the span of W's rows,
///     P = Wᵀ (W Wᵀ)⁺ W, and maps it back to the manifold;
///  4. FgMDM is MDM on the filtered matrices (class means and prediction).

#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/riemann/mdm.hpp"
#include "sampo/riemann/mean.hpp"

namespace sampo::riemann {

/// The FGDA filter (pyRiemann's FGDA with metric "riemann").
class Fgda {
 public:
  explicit Fgda(MeanOptions mean = {});
  /// Fits the reference (Riemannian mean of @p covs) and the projection. If the mean's
  /// cancellation flag (MeanOptions::cancel) is raised during the mean, it returns at once and
  /// the filter keeps its previous fit (or stays unfitted).
  /// @throw sampo::invalid_argument for bad matrices or labels (see lda_coefficients).
  void fit(const std::vector<Eigen::MatrixXd>& covs, const std::vector<int>& labels);
  /// The filtered matrices exp_C(unupper(P t_i)), with t_i the tangent vector of covs[i] at C.
  /// @throw sampo::invalid_argument if not fitted or a matrix does not match.
  [[nodiscard]] std::vector<Eigen::MatrixXd> transform(
      const std::vector<Eigen::MatrixXd>& covs) const;
  /// The tangent-space reference C (empty before fit).
  [[nodiscard]] const Eigen::MatrixXd& reference() const noexcept { return reference_; }
  /// The d x d orthogonal projection P onto the discriminant directions (rank K − 1 for K
  /// classes, when the class means differ).
  [[nodiscard]] const Eigen::MatrixXd& projection() const noexcept { return projection_; }
  /// The options of the Riemannian mean this filter was built with.
  [[nodiscard]] const MeanOptions& mean_options() const noexcept { return mean_; }

 private:
  MeanOptions mean_;
  Eigen::MatrixXd reference_, projection_;
};

/// FgMDM: MDM on FGDA-filtered matrices (pyRiemann's FgMDM with metric "riemann").
class FgMdm {
 public:
  explicit FgMdm(MeanOptions mean = {});
  /// Fgda::fit then Mdm::fit on the filtered matrices; cancelled (MeanOptions::cancel), it
  /// returns at once and keeps its previous fit.
  /// @throw sampo::invalid_argument as Fgda::fit and Mdm::fit.
  void fit(const std::vector<Eigen::MatrixXd>& covs, const std::vector<int>& labels);
  /// Labels of the nearest class mean after filtering.
  [[nodiscard]] std::vector<int> predict(const std::vector<Eigen::MatrixXd>& covs) const;
  /// n x K softmax(−δ²) probabilities after filtering (column k: classes()[k]).
  [[nodiscard]] Eigen::MatrixXd predict_proba(const std::vector<Eigen::MatrixXd>& covs) const;
  /// n x K distances to the class means after filtering.
  [[nodiscard]] Eigen::MatrixXd transform(const std::vector<Eigen::MatrixXd>& covs) const;
  [[nodiscard]] const std::vector<int>& classes() const noexcept { return mdm_.classes(); }
  [[nodiscard]] const Fgda& filter() const noexcept { return fgda_; }
  /// The options of the Riemannian means (the filter's reference and the class means).
  [[nodiscard]] const MeanOptions& mean_options() const noexcept { return fgda_.mean_options(); }

 private:
  Fgda fgda_;
  Mdm mdm_;
};

}  // namespace sampo::riemann

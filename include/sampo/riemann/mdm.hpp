#pragma once
/// @file
/// Minimum distance to mean (MDM) classifier of Barachant et al. (IEEE TBME 2012), as
/// pyRiemann's `MDM`: fit computes one mean per class; predict assigns each matrix to the
/// class whose mean is nearest; predict_proba is softmax(-d^2) over the classes.

#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/riemann/mean.hpp"
#include "sampo/riemann/metric.hpp"

namespace sampo::riemann {

/// MDM settings: one metric for the means and the distances (pyRiemann's metric="riemann").
struct MdmOptions {
  Metric metric = Metric::riemann;  ///< metric of the class means and of the distances
  MeanOptions mean;                 ///< options of the Riemannian mean
  /// @throw sampo::invalid_argument naming the field.
  void validate() const { mean.validate(); }
};

/// The MDM classifier. Not thread-safe for concurrent fit; const member functions may be
/// called concurrently.
class Mdm {
 public:
  explicit Mdm(MdmOptions options = {});

  /// Computes the class means of @p covs (SPD matrices) grouped by @p labels. If
  /// options.mean.cancel is raised during the fit, it returns as soon as the running mean
  /// stops, and the classifier keeps its previous fit (or stays unfitted).
  /// @throw sampo::invalid_argument if sizes differ, there is a single class, or a matrix is
  ///        not SPD ("matrix 4").
  void fit(const std::vector<Eigen::MatrixXd>& covs, const std::vector<int>& labels);

  /// n x K matrix of distances to the K class means (column k: classes()[k]).
  /// @throw sampo::invalid_argument if not fitted or a matrix is bad.
  [[nodiscard]] Eigen::MatrixXd transform(const std::vector<Eigen::MatrixXd>& covs) const;

  /// The label of the nearest class mean for each matrix.
  [[nodiscard]] std::vector<int> predict(const std::vector<Eigen::MatrixXd>& covs) const;

  /// n x K probabilities softmax(-d^2) (rows sum to 1).
  [[nodiscard]] Eigen::MatrixXd predict_proba(const std::vector<Eigen::MatrixXd>& covs) const;

  [[nodiscard]] const std::vector<int>& classes() const noexcept { return classes_; }
  /// The settings given at construction.
  [[nodiscard]] const MdmOptions& options() const noexcept { return options_; }
  [[nodiscard]] const std::vector<Eigen::MatrixXd>& means() const noexcept { return means_; }
  /// How each class mean was obtained (iterations, convergence).
  [[nodiscard]] const std::vector<sampo::Run>& mean_runs() const noexcept { return runs_; }

 private:
  MdmOptions options_;
  std::vector<int> classes_;
  std::vector<Eigen::MatrixXd> means_;
  std::vector<sampo::Run> runs_;
};

/// softmax(-d^2) of each row of a distance matrix, computed stably (shifted by the row
/// minimum of d^2).
[[nodiscard]] Eigen::MatrixXd softmax_neg_squared(const Eigen::Ref<const Eigen::MatrixXd>& d);

}  // namespace sampo::riemann

#pragma once
/// @file
/// Geodesics between SPD matrices: the point at position t of the shortest path from A
/// (t = 0) to B (t = 1) under each metric.


#include "sampo/core/eigen.hpp"
#include "sampo/riemann/metric.hpp"

namespace sampo::riemann {

/// Affine-invariant geodesic A^{1/2} (A^{-1/2} B A^{-1/2})^t A^{1/2}; t may lie outside [0, 1]
/// (extrapolation along the same geodesic). d(A, gamma(t)) = |t| d(A, B).
/// @throw sampo::invalid_argument if A or B is not SPD, sizes differ, or t is not finite.
[[nodiscard]] Eigen::MatrixXd geodesic_riemann(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                               const Eigen::Ref<const Eigen::MatrixXd>& b,
                                               double t);

/// Log-Euclidean geodesic exp((1 - t) log A + t log B). @throw as geodesic_riemann.
[[nodiscard]] Eigen::MatrixXd geodesic_logeuclid(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                                 const Eigen::Ref<const Eigen::MatrixXd>& b,
                                                 double t);

/// Euclidean geodesic (1 - t) A + t B. @throw sampo::invalid_argument for mismatched sizes,
/// non-finite entries or t.
[[nodiscard]] Eigen::MatrixXd geodesic_euclid(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                              const Eigen::Ref<const Eigen::MatrixXd>& b, double t);

/// The geodesic of @p metric. @throw as the chosen geodesic.
[[nodiscard]] Eigen::MatrixXd geodesic(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                       const Eigen::Ref<const Eigen::MatrixXd>& b, double t,
                                       Metric metric = Metric::riemann);

}  // namespace sampo::riemann

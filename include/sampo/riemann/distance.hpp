#pragma once
/// @file
/// Distances between SPD matrices.
///
/// The affine-invariant distance is computed as pyRiemann v0.7 does, from the generalized
/// eigenvalues lambda_i of the pencil (A, B) (A v = lambda B v, through a Cholesky reduction of
/// B): d(A, B) = sqrt(sum_i log^2 lambda_i). Error model: each lambda_i carries a relative error
/// of about n * eps * cond(B), so d carries an absolute error of about n * eps * cond(B).

#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/riemann/metric.hpp"

namespace sampo::riemann {

/// Affine-invariant (Riemannian) distance ||log(B^{-1/2} A B^{-1/2})||_F.
/// @throw sampo::invalid_argument if A or B is not square, symmetric and finite, or their
///        sizes differ; sampo::not_spd_error (a sampo::invalid_argument) if A or B fails
///        sampo's SPD rule (λ_min > n·eps·λ_max, sampo/core/check.hpp);
///        sampo::numerical_error if, both being SPD, a computed generalized eigenvalue is
///        still <= 0 (κ(A)·κ(B) near 1/eps): the result is never NaN or inf.
[[nodiscard]] double distance_riemann(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                      const Eigen::Ref<const Eigen::MatrixXd>& b);

/// Log-Euclidean distance ||log A - log B||_F. @throw sampo::invalid_argument as distance_riemann.
[[nodiscard]] double distance_logeuclid(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                        const Eigen::Ref<const Eigen::MatrixXd>& b);

/// Euclidean distance ||A - B||_F. @throw sampo::invalid_argument if sizes differ or an entry
/// is not finite (SPD is not required).
[[nodiscard]] double distance_euclid(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                     const Eigen::Ref<const Eigen::MatrixXd>& b);

/// The distance of @p metric. @throw sampo::invalid_argument as the chosen distance.
[[nodiscard]] double distance(const Eigen::Ref<const Eigen::MatrixXd>& a,
                              const Eigen::Ref<const Eigen::MatrixXd>& b,
                              Metric metric = Metric::riemann);

/// d(xs[i], b) for every i, in parallel (sampo::parallel::parallel_for); B is factored once.
/// @throw as the chosen distance, naming the lowest-index bad matrix ("matrix 4") whatever
///        the thread count.
[[nodiscard]] Eigen::VectorXd distances(const std::vector<Eigen::MatrixXd>& xs,
                                        const Eigen::Ref<const Eigen::MatrixXd>& b,
                                        Metric metric = Metric::riemann);

/// d(i, k) = distance(xs[i], refs[k]) under @p metric for every matrix and every reference
/// (an MDM's distances to its class means): the same numbers as distances(xs, refs[k], metric)
/// column by column, but each xs[i] is checked (and, for log_euclid, its logarithm taken) once
/// however many references there are. In parallel as distances().
/// @throw sampo::invalid_argument if @p refs is empty or its matrices differ in size, and as the
///        chosen distance, naming "refs[k]" or the lowest-index bad matrix ("matrix 4").
[[nodiscard]] Eigen::MatrixXd distances(const std::vector<Eigen::MatrixXd>& xs,
                                        const std::vector<Eigen::MatrixXd>& refs,
                                        Metric metric = Metric::riemann);

}  // namespace sampo::riemann

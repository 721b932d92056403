#pragma once
/// @file
/// The tangent space of the SPD manifold at a reference C (affine-invariant metric), as
/// pyRiemann: log_map(X, C) = log(C^{-1/2} X C^{-1/2}) (no re-colouring by C^{1/2}),
/// exp_map(S, C) = C^{1/2} exp(S) C^{1/2}, and the vectorization `upper`: the upper triangle
/// row by row ((0,0), (0,1), ..., (0,n-1), (1,1), ...), off-diagonal entries times sqrt(2),
/// so that ||upper(S)||_2 = ||S||_F and ||upper(log_map(X, C))|| = d_riemann(X, C).

#include <Eigen/Core>
#include <vector>

namespace sampo::riemann {

/// upper(S): the n(n+1)/2 vector of the upper triangle of symmetric @p s, row by row, with
/// sqrt(2) on off-diagonal entries. @throw sampo::invalid_argument if s is not square,
/// finite and symmetric.
[[nodiscard]] Eigen::VectorXd upper(const Eigen::Ref<const Eigen::MatrixXd>& s);

/// The inverse of upper: the symmetric n x n matrix of a vector of length n(n+1)/2.
/// @throw sampo::invalid_argument if the length is not triangular or an entry is not finite.
[[nodiscard]] Eigen::MatrixXd unupper(const Eigen::Ref<const Eigen::VectorXd>& v);

/// log(C^{-1/2} X C^{-1/2}). @throw sampo::invalid_argument if X or C is not SPD or sizes differ.
[[nodiscard]] Eigen::MatrixXd log_map(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                      const Eigen::Ref<const Eigen::MatrixXd>& reference);

/// C^{1/2} exp(S) C^{1/2}. @throw sampo::invalid_argument if S is not symmetric, C not SPD,
/// or sizes differ.
[[nodiscard]] Eigen::MatrixXd exp_map(const Eigen::Ref<const Eigen::MatrixXd>& s,
                                      const Eigen::Ref<const Eigen::MatrixXd>& reference);

/// upper(log_map(X, C)). @throw as log_map.
[[nodiscard]] Eigen::VectorXd tangent_vector(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                             const Eigen::Ref<const Eigen::MatrixXd>& reference);

/// The tangent vectors of all @p xs as the rows of an n x C(C+1)/2 matrix, in parallel
/// (sampo::parallel::parallel_for); C^{-1/2} is computed once.
/// @throw sampo::invalid_argument naming the lowest-index bad matrix whatever the thread
///        count, or if C is not SPD.
[[nodiscard]] Eigen::MatrixXd tangent_space(const std::vector<Eigen::MatrixXd>& xs,
                                            const Eigen::Ref<const Eigen::MatrixXd>& reference);

/// The inverse of tangent_space: exp_map(unupper(row i), C) for every row of @p vectors.
/// @throw sampo::invalid_argument if the row length does not match C, or C is not SPD.
[[nodiscard]] std::vector<Eigen::MatrixXd> untangent_space(
    const Eigen::Ref<const Eigen::MatrixXd>& vectors,
    const Eigen::Ref<const Eigen::MatrixXd>& reference);

}  // namespace sampo::riemann

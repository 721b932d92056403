#pragma once
/// @file
/// Symmetric products: symmetrization, congruence W A Wᵀ and the Gram matrix AᵀA.
///
/// Every result is *exactly* symmetric (entry (i, j) and (j, i) are the same double), so a
/// later eigensolver or Cholesky factorization sees a symmetric input whatever the rounding.

#include "sampo/core/eigen.hpp"

namespace sampo::linalg {

/// (A + Aᵀ) / 2, the nearest symmetric matrix to @p a in the Frobenius norm.
/// @param a square, finite matrix.
/// @return the symmetric part of @p a.
/// @throw sampo::invalid_argument if @p a is empty, not square or has a non-finite entry.
[[nodiscard]] Eigen::MatrixXd symmetrize(const Eigen::Ref<const Eigen::MatrixXd>& a);

/// Replaces @p a by (A + Aᵀ)/2 in place (no allocation, no checks beyond squareness; the
/// building block of the other functions here, for callers that own a scratch matrix).
/// @throw sampo::invalid_argument if @p a is not square.
void symmetrize_in_place(Eigen::Ref<Eigen::MatrixXd> a);

/// The congruence W A Wᵀ, symmetrized (the result of a change of basis of a quadratic form).
/// Cost: two matrix products, 2mn² + 2m²n flops for W of size m x n.
/// @param w any finite m x n matrix (m may differ from n).
/// @param a symmetric n x n matrix (sampo::check_symmetric's tolerance).
/// @return the m x m symmetric matrix W A Wᵀ.
/// @throw sampo::invalid_argument on a non-finite entry, @p a not symmetric, or
///        w.cols() != a.rows().
[[nodiscard]] Eigen::MatrixXd congruence(const Eigen::Ref<const Eigen::MatrixXd>& w,
                                         const Eigen::Ref<const Eigen::MatrixXd>& a);

/// The Gram matrix AᵀA (p x p for A of size n x p), exactly symmetric.
///
/// Computed as the lower triangle only (half the flops of a general product) over fixed
/// blocks of rows, in parallel with OpenMP, each block by one serial call of the dense kernel
/// (kernels.hpp: the AVX2 + FMA build where the processor has it). The blocks depend only on the shape of @p a, and
/// their partial sums are added in block order, so the result is bit-for-bit the same for any
/// number of threads.
/// @param a finite, non-empty matrix.
/// @throw sampo::invalid_argument if @p a is empty or has a non-finite entry.
[[nodiscard]] Eigen::MatrixXd gram(const Eigen::Ref<const Eigen::MatrixXd>& a);

/// The squared row norms of the product A·W, h_i = ‖(A W)_{i,:}‖² (A n x p, W p x k), without
/// forming A·W: fixed blocks of rows in parallel with OpenMP, each by the dense kernel
/// (kernels.hpp: an 8 x 6 register tile over packed rows of A, the squares summed as they
/// leave the registers). Each h_i depends only on row i of A and on W, so the result is
/// bit-for-bit the same for any number of threads (and for any split of A's rows).
/// A non-finite entry of @p a makes its row's h_i non-finite; A is scanned, to name the entry,
/// only then.
/// @param a non-empty matrix.
/// @param w p x k matrix, finite, k >= 1.
/// @throw sampo::invalid_argument if @p a or @p w is empty, w.rows() != a.cols(), or either
///        has a non-finite entry.
[[nodiscard]] Eigen::VectorXd product_row_norms(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                                const Eigen::Ref<const Eigen::MatrixXd>& w);

}  // namespace sampo::linalg

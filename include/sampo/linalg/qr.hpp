#pragma once
/// @file
/// Thin (economy) Householder QR factorization of a tall matrix.

#include <Eigen/SparseCore>

#include "sampo/core/eigen.hpp"

namespace sampo::linalg {

/// A = Q R with Q (n x p) having orthonormal columns and R (p x p) upper triangular.
struct ThinQr {
  Eigen::MatrixXd q;  ///< n x p, QᵀQ = I to O(p·eps)
  Eigen::MatrixXd r;  ///< p x p upper triangular, diagonal >= 0
};

/// Thin Householder QR (unpivoted, blocked; Eigen::HouseholderQR), normalized so that
/// diag(R) >= 0 — which makes the factorization unique when A has full column rank.
///
/// Backward stable: Q R = A + E with ‖E‖ = O(n·p·eps·‖A‖) columnwise, and Q is orthonormal to
/// working precision whatever the conditioning of A. A rank-deficient A is not an error: R then
/// has (numerically) zero diagonal entries and Q still has orthonormal columns, but the columns
/// of Q belonging to the deficient directions are not determined by A.
/// Cost: about 4np² - 4p³/3 flops (factorization plus forming Q).
/// @param a n x p matrix with n >= p >= 1, finite.
/// @throw sampo::invalid_argument if @p a is empty, wide (n < p) or has a non-finite entry.
[[nodiscard]] ThinQr thin_qr(const Eigen::Ref<const Eigen::MatrixXd>& a);

/// R of the thin QR of a sparse tall A, never forming A densely: Householder QR of fixed row
/// blocks of max(4p, 8192) rows, each densified in turn (R ← R of [R; A_block]), so memory is
/// O(block·p), not O(n·p). AᵀA = RᵀR up to the rounding of a Householder QR; R is p x p upper
/// triangular, normalized so that diag(R) >= 0 (as thin_qr). Q is not kept. The order of the
/// operations is fixed (no threads): the same bits on every call. It is the R of the sparse QR
/// route of leverage_scores(SparseMatrix).
/// @param a n x p sparse, n >= p >= 1, finite (explicit zeros are allowed).
/// @throw sampo::invalid_argument if @p a is empty, wide (n < p) or has a non-finite entry.
[[nodiscard]] Eigen::MatrixXd sparse_qr_r(const Eigen::SparseMatrix<double>& a);

}  // namespace sampo::linalg

#pragma once
/// @file
/// Exact statistical leverage scores h_i = ‖e_iᵀ U‖² of a tall matrix A (U an orthonormal basis
/// of range(A)); h_i = a_iᵀ (AᵀA)⁻¹ a_i when A has full column rank. 0 <= h_i <= 1 and
/// Σ h_i = rank(A).
///
/// Two routes:
/// - **QR**: Householder QR, h_i = ‖Q_i‖² (about 4np² flops). For tall A it is a one-level
///   TSQR: fixed blocks of max(4p, 8192) rows are factored in cache and in parallel, then the
///   stacked R factors once more (Demmel, Grigori, Hoemmen & Langou 2012); Q is applied, never
///   stored as n x n. Backward stable whatever κ(A); a rank-deficient A is handled: the SVD of
///   the p x p factor R gives the numerical rank r and U = Q·U_R[:, :r], so Σ h_i = r.
/// - **Gram**: G = AᵀA (the lower triangle only, np² flops), L = chol(G),
///   h_i = ‖L⁻¹ a_i‖² (A times the triangular L⁻ᵀ per row block with the squared row norms
///   fused, np² flops; both products are dense kernels, kernels.hpp): about half the flops of
///   QR, in parallel over fixed row blocks. It squares the condition number: the scores carry
///   a relative error of about κ(A)²·eps, and G stops being numerically positive definite near
///   κ(A) ≈ 1/√eps ≈ 7e7 (the route refuses rcond(G) <= p·eps).
/// - **automatic** (default): the Gram route, accepted only if chol(G) succeeds and
///   κ(A)²·eps <= max_gram_error, with κ(A)² ≈ κ₁(G) estimated by Eigen::LLT::rcond (O(p²));
///   otherwise A is re-factored by the QR route. Both the estimate and the route taken are
///   reported.
/// With any route the scores are bit-for-bit identical for any number of OpenMP threads.

#include <string_view>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

#include <Eigen/SparseCore>

namespace sampo::linalg {

/// Which route leverage_scores takes.
enum class LeverageMethod {
  automatic,  ///< Gram when safe (see max_gram_error), otherwise QR
  qr,         ///< thin Householder QR; handles rank deficiency
  gram,       ///< Gram + Cholesky; throws if AᵀA is not numerically positive definite
};

/// "automatic", "qr", "gram".
[[nodiscard]] std::string_view to_string(LeverageMethod m) noexcept;

/// Options of leverage_scores.
struct LeverageOptions {
  LeverageMethod method = LeverageMethod::automatic;  ///< route (see the file comment)
  /// automatic: use the Gram route only if the estimated κ(A)²·eps is at most this (1e-8
  /// admits κ(A) up to about 6.7e3 and keeps ~8 correct digits).
  double max_gram_error = 1e-8;
  /// QR route: singular values of R below rank_tolerance·σ_max count as zero. 0 means
  /// max(n, p)·eps (the rule of LAPACK/NumPy matrix_rank).
  double rank_tolerance = 0.0;

  /// @throw sampo::invalid_argument if max_gram_error is not finite and > 0, or
  ///        rank_tolerance is not in [0, 1).
  void validate() const;
};

/// Leverage scores and how they were obtained.
struct LeverageResult {
  Eigen::VectorXd scores;             ///< h_i, one per row of A
  LeverageMethod method_used = LeverageMethod::qr;  ///< qr or gram
  Eigen::Index rank = 0;              ///< numerical rank (= p on the Gram route)
  /// κ₂(A) = σ_max/σ_min from R on the QR route (+inf if rank deficient); sqrt(1/rcond(G)),
  /// a 1-norm based estimate, on the Gram route.
  double condition_estimate = 0.0;
  /// termination = converged (a direct method; rank and conditioning are the outcome);
  /// message: the route taken (and why, for automatic), the rank and the condition estimate;
  /// iterations = evaluations = 0; seconds.
  Run run;
};

/// Exact leverage scores of a tall matrix (see the file comment for the routes).
/// @param a       n x p, n >= p >= 1, finite.
/// @param options route and tolerances.
/// @return scores with Σ h_i = rank, the route used, the rank, a condition estimate.
/// @throw sampo::invalid_argument if @p a is empty, wide (n < p), has a non-finite entry, or
///        @p options is invalid.
/// @throw sampo::numerical_error with method = gram if AᵀA is not numerically positive
///        definite (Cholesky fails or rcond(AᵀA) <= p·eps: A rank deficient or
///        κ(A) >~ 1e7); use automatic or qr.
[[nodiscard]] LeverageResult leverage_scores(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                             const LeverageOptions& options = {});

/// Exact leverage scores of a sparse tall matrix, never forming A densely. The same options,
/// routes and Result as the dense overload, with these sparse forms:
/// - **Gram**: G = AᵀA accumulated row by row from each row's non-zeros (Σ_i nnz(a_i)² flops,
///   one fixed order), L = chol(G) (dense, p x p), L⁻¹ formed once (p³/3 flops), then
///   h_i = ‖Σ_{j: a_ij ≠ 0} a_ij (L⁻¹)_{:,j}‖²: nnz(a_i)·p flops per row, touching only the
///   columns of L⁻¹ that the row's non-zeros select. Relative error about κ(A)²·eps, as the
///   dense Gram route; refused on the same test (chol fails or rcond(G) <= p·eps).
/// - **QR** (method qr, and automatic when the Gram route is refused or its κ(A)²·eps exceeds
///   max_gram_error): R of A by Householder QR of fixed row blocks of max(4p, 8192) rows, each
///   densified in turn (R ← R of [R; A_block]; memory O(block·p), not O(n·p)); then
///   R = U_R Σ V_Rᵀ, the numerical rank r by the dense QR route's rule (rank_tolerance) and
///   h_i = ‖a_iᵀ V_r Σ_r⁻¹‖², nnz(a_i)·r flops per row. A rank-deficient A gets Σ h_i = r, the
///   scores of its numerical range, as on the dense QR route. Unlike the dense route, which
///   applies the stored Q (error O(eps)), this one multiplies by Σ_r⁻¹: relative error about
///   κ_r·eps, κ_r = σ_1/σ_r.
/// Zero rows get h_i = 0. The rows are computed in parallel, each in a fixed order: the scores
/// are bit-for-bit identical for any number of OpenMP threads (they may differ in the last bits
/// from the dense overload on the same matrix: other summation orders).
/// @param a       n x p, n >= p >= 1, finite (explicit zeros are allowed).
/// @throw sampo::invalid_argument as the dense overload.
/// @throw sampo::numerical_error with method = gram as the dense overload.
[[nodiscard]] LeverageResult leverage_scores(const Eigen::SparseMatrix<double>& a,
                                             const LeverageOptions& options = {});

}  // namespace sampo::linalg

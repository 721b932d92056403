#pragma once
/// @file
/// Functions of symmetric (positive definite) matrices through one symmetric
/// eigendecomposition: A = V diag(λ) Vᵀ  =>  f(A) = V diag(f(λ)) Vᵀ.
///
/// Error model. The eigensolver (Householder tridiagonalization + implicit symmetric QR,
/// Eigen::SelfAdjointEigenSolver) is backward stable: the computed (V, λ) are exact for some
/// A + E with ‖E‖₂ = O(n·eps·‖A‖₂). An eigenvalue λ is therefore known to *absolute* accuracy
/// O(n·eps·‖A‖₂), i.e. to relative accuracy O(n·eps·κ(A)) where κ(A) = λ_max/λ_min; f(A) is
/// correspondingly accurate in the directions of the large eigenvalues and loses digits in
/// proportion to κ(A) in the directions of the small ones. Every result is exactly symmetric.
///
/// Reuse. A caller needing several functions of one matrix (e.g. A^{1/2} and A^{-1/2}) calls
/// spd_eigen() once and passes the SymmetricEigen to each function.
///
/// Errors. Inputs must be non-empty, square, finite and symmetric (sampo::check_symmetric);
/// SPD functions need the eigenvalues to pass sampo's one SPD rule, λ_min > n·eps·λ_max and
/// λ_min > 0 (sampo/core/check.hpp; otherwise sampo::not_spd_error, a sampo::invalid_argument,
/// reporting the smallest eigenvalue). A result that is not representable (f(λ) overflows,
/// or exp(λ) underflows to a singular "SPD" matrix) throws sampo::numerical_error.

#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "sampo/core/eigen.hpp"

namespace sampo::linalg {

/// A symmetric eigendecomposition A = V diag(λ) Vᵀ.
struct SymmetricEigen {
  Eigen::VectorXd values;   ///< eigenvalues λ, ascending
  Eigen::MatrixXd vectors;  ///< V: orthonormal eigenvectors, column j belongs to values(j)

  /// Matrix dimension n.
  [[nodiscard]] Eigen::Index size() const noexcept { return values.size(); }
  /// Smallest eigenvalue λ_min (NaN if empty).
  [[nodiscard]] double min_eigenvalue() const noexcept;
  /// Largest eigenvalue λ_max (NaN if empty).
  [[nodiscard]] double max_eigenvalue() const noexcept;
  /// Spectral condition number λ_max / λ_min; +inf when λ_min <= 0.
  [[nodiscard]] double condition_number() const noexcept;
};

/// Eigendecomposition of a symmetric matrix (the symmetric part (A + Aᵀ)/2 is decomposed).
/// @param a non-empty, square, finite, symmetric matrix.
/// @return eigenvalues ascending and orthonormal eigenvectors.
/// @throw sampo::invalid_argument if @p a is empty, not square, not finite or not symmetric.
/// @throw sampo::numerical_error if the eigensolver does not converge.
[[nodiscard]] SymmetricEigen symmetric_eigen(const Eigen::Ref<const Eigen::MatrixXd>& a);

/// Eigendecomposition of a symmetric positive definite matrix: the SPD check of this module.
/// @param a as symmetric_eigen; in addition its eigenvalues must pass the SPD rule
///        (λ_min > n·eps·λ_max and λ_min > 0, sampo::is_spd_spectrum).
/// @throw sampo::invalid_argument as symmetric_eigen; sampo::not_spd_error if the rule fails
///        (the message gives λ_min, so a rank-deficient matrix, λ_min ≈ 0, is told apart from
///        a wrong sign).
[[nodiscard]] SymmetricEigen spd_eigen(const Eigen::Ref<const Eigen::MatrixXd>& a);

/// Eigendecompositions of several symmetric matrices of one size, each as symmetric_eigen
/// decomposes it (its symmetric part). For n <= 64 the matrices are decomposed several at a
/// time, one per SIMD lane (Householder tridiagonalization + implicit symmetric QR, the same
/// backward-stable algorithm and error model; docs/linalg.md "Batched eigendecompositions"),
/// about 2 times faster than one by one at n = 22 and 1.7 times at n = 64. The result of each matrix does not depend on the
/// other matrices of the call, nor on how a caller splits its batch.
/// @param as matrices of one size (may be empty).
/// @throw sampo::invalid_argument naming "as[i]" as symmetric_eigen would (shape, finite,
///        symmetric); sampo::numerical_error if the eigensolver does not converge.
[[nodiscard]] std::vector<SymmetricEigen> symmetric_eigen_batch(std::span<const Eigen::MatrixXd> as);

/// symmetric_eigen_batch() with the SPD check of spd_eigen on each matrix.
/// @throw as symmetric_eigen_batch; sampo::not_spd_error naming "as[i]".
[[nodiscard]] std::vector<SymmetricEigen> spd_eigen_batch(std::span<const Eigen::MatrixXd> as);

/// The eigenvalues (ascending) of several symmetric matrices of one size, as
/// symmetric_eigen_batch computes them, without the eigenvectors (about a third of the work).
/// @throw as symmetric_eigen_batch.
[[nodiscard]] std::vector<Eigen::VectorXd> symmetric_eigenvalues_batch(
    std::span<const Eigen::MatrixXd> as);

/// Σ_i weights[i] · log(W X_i Wᵀ): the sum behind Riemannian means (W = M^{-1/2}) and
/// log-Euclidean means (W = I). For n <= 64 the congruences, eigendecompositions and logarithms
/// of several matrices run together, one matrix per SIMD lane (docs/linalg.md "Batched
/// eigendecompositions"); larger sizes take the one-matrix kernels. Either way the terms are
/// added in index order, and each term does not depend on the other matrices of the call.
/// Error model: each term as spd_log(congruence(W, X_i)).
/// @param xs symmetric matrices of one size n (lower triangles read), at least one.
/// @param weights one finite weight per matrix.
/// @param w n x n, or empty (0 x 0) for the identity. A lower-triangular W (zeros above the
///        diagonal, e.g. L⁻¹ of a Cholesky factor) costs n³ flops per congruence instead of 3n³.
/// @return the n x n sum, exactly symmetric.
/// @throw sampo::invalid_argument naming "xs[i]", "weights" or "w" (shape, finite, symmetric);
///        sampo::not_spd_error naming "xs[i]" if W X_i Wᵀ fails the SPD rule;
///        sampo::numerical_error if the eigensolver does not converge.
[[nodiscard]] Eigen::MatrixXd weighted_log_sum(std::span<const Eigen::MatrixXd> xs,
                                               std::span<const double> weights,
                                               const Eigen::Ref<const Eigen::MatrixXd>& w);

/// The eigenvalues (ascending) of W X_i Wᵀ for symmetric X_i of one size: for W = L⁻¹ with
/// B = L Lᵀ, the generalized eigenvalues of (X_i, B) behind Riemannian distances. The congruence
/// is formed in the lanes of symmetric_eigenvalues_batch for n <= 64.
/// @param xs symmetric matrices of one size n (lower triangles read; may be empty).
/// @param w n x n, or empty (0 x 0) for the identity.
/// @throw sampo::invalid_argument naming "xs[i]" or "w" (shape, finite, symmetric);
///        sampo::numerical_error if the eigensolver does not converge.
[[nodiscard]] std::vector<Eigen::VectorXd> congruence_eigenvalues_batch(
    std::span<const Eigen::MatrixXd> xs, const Eigen::Ref<const Eigen::MatrixXd>& w);

/// V diag(f_values) Vᵀ, symmetrized: the reconstruction behind every function here.
/// Columns of V are scaled (no diagonal matrix is formed) and one product V·(diag(f) Vᵀ) is
/// taken; cost 2n³ flops.
/// @param e a decomposition from symmetric_eigen / spd_eigen.
/// @param f_values the n values f(λ_j), in the order of e.values.
/// @throw sampo::invalid_argument if the sizes differ or a value is not finite.
[[nodiscard]] Eigen::MatrixXd reconstruct(const SymmetricEigen& e,
                                          const Eigen::Ref<const Eigen::VectorXd>& f_values);

/// f(A) = V diag(f(λ)) Vᵀ for any scalar function f (called once per eigenvalue).
/// @param e decomposition of A (from symmetric_eigen or spd_eigen).
/// @param f callable double -> double.
/// @throw sampo::numerical_error if some f(λ_j) is not finite.
template <class F>
[[nodiscard]] Eigen::MatrixXd symmetric_function(const SymmetricEigen& e, F&& f);

/// f(A) for a symmetric matrix A (decomposes A, then as above).
/// @throw sampo::invalid_argument as symmetric_eigen; sampo::numerical_error as above.
template <class F>
[[nodiscard]] Eigen::MatrixXd symmetric_function(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                                 F&& f);

/// A^{1/2}, the SPD square root. @throw as spd_eigen.
[[nodiscard]] Eigen::MatrixXd spd_sqrt(const Eigen::Ref<const Eigen::MatrixXd>& a);
/// A^{1/2} from a decomposition. @throw sampo::not_spd_error if e.values fail the SPD rule.
[[nodiscard]] Eigen::MatrixXd spd_sqrt(const SymmetricEigen& e);

/// A^{-1/2}, the inverse SPD square root. @throw as spd_eigen.
[[nodiscard]] Eigen::MatrixXd spd_invsqrt(const Eigen::Ref<const Eigen::MatrixXd>& a);
/// A^{-1/2} from a decomposition. @throw sampo::not_spd_error if e.values fail the SPD rule.
[[nodiscard]] Eigen::MatrixXd spd_invsqrt(const SymmetricEigen& e);

/// log A, the principal matrix logarithm of an SPD matrix (a symmetric matrix).
/// @throw as spd_eigen.
[[nodiscard]] Eigen::MatrixXd spd_log(const Eigen::Ref<const Eigen::MatrixXd>& a);
/// log A from a decomposition. @throw sampo::not_spd_error if e.values fail the SPD rule.
[[nodiscard]] Eigen::MatrixXd spd_log(const SymmetricEigen& e);

/// exp S for any symmetric S (the result is SPD).
/// @throw sampo::invalid_argument as symmetric_eigen;
///        sampo::numerical_error if exp(λ_max) overflows or exp(λ_min) is below the smallest
///        normal double (the result would not be numerically positive definite).
[[nodiscard]] Eigen::MatrixXd spd_exp(const Eigen::Ref<const Eigen::MatrixXd>& s);
/// exp S from a decomposition of S (any signs). @throw sampo::numerical_error as above.
[[nodiscard]] Eigen::MatrixXd spd_exp(const SymmetricEigen& e);

/// A^p for an SPD matrix and any finite real power p (p = 0 gives I, p = -1 the inverse).
/// @throw as spd_eigen; sampo::invalid_argument if p is not finite;
///        sampo::numerical_error if some λ^p overflows or underflows to 0.
[[nodiscard]] Eigen::MatrixXd spd_power(const Eigen::Ref<const Eigen::MatrixXd>& a, double p);
/// A^p from a decomposition. @throw as above.
[[nodiscard]] Eigen::MatrixXd spd_power(const SymmetricEigen& e, double p);

namespace detail {
/// weighted_log_sum() for callers that have already checked every xs[i] (same size, symmetric,
/// finite; e.g. with sampo::check_spd): the per-matrix checks are skipped, the rest (weights, W,
/// the SPD rule on the eigenvalues of W X_i Wᵀ) is as in weighted_log_sum().
Eigen::MatrixXd weighted_log_sum_unchecked(std::span<const Eigen::MatrixXd> xs,
                                           std::span<const double> weights,
                                           const Eigen::Ref<const Eigen::MatrixXd>& w);

/// congruence_eigenvalues_batch() for callers that have already checked every xs[i] (same
/// size, symmetric, finite): only W is checked.
std::vector<Eigen::VectorXd> congruence_eigenvalues_batch_unchecked(
    std::span<const Eigen::MatrixXd> xs, const Eigen::Ref<const Eigen::MatrixXd>& w);

/// reconstruct() after checking that every f value is finite (numerical_error naming
/// @p function otherwise).
Eigen::MatrixXd reconstruct_checked(const SymmetricEigen& e, Eigen::VectorXd f_values,
                                    std::string_view function);
}  // namespace detail

template <class F>
Eigen::MatrixXd symmetric_function(const SymmetricEigen& e, F&& f) {
  Eigen::VectorXd fv(e.size());
  for (Eigen::Index j = 0; j < e.size(); ++j) fv(j) = f(e.values(j));
  return detail::reconstruct_checked(e, std::move(fv), "sampo::linalg::symmetric_function");
}

template <class F>
Eigen::MatrixXd symmetric_function(const Eigen::Ref<const Eigen::MatrixXd>& a, F&& f) {
  return symmetric_function(symmetric_eigen(a), std::forward<F>(f));
}

}  // namespace sampo::linalg

#pragma once
/// @file
/// Argument checks shared by every module. Each throws sampo::invalid_argument whose message
/// names the calling function, the argument and the offending value (and, for matrices, the
/// offending entry), so a user sees at once what to fix.

#include <cstddef>
#include <string_view>

#include "sampo/core/eigen.hpp"

namespace sampo {

/// Throws unless @p x is finite. @throw sampo::invalid_argument
void check_finite(std::string_view function, std::string_view name, double x);

/// Throws unless every entry of @p m is finite; the message gives the first bad (row, column).
void check_finite(std::string_view function, std::string_view name,
                  const Eigen::Ref<const Eigen::MatrixXd>& m);

/// Throws unless @p x is finite and > 0.
void check_positive(std::string_view function, std::string_view name, double x);

/// Throws unless @p x is finite and >= 0.
void check_nonnegative(std::string_view function, std::string_view name, double x);

/// Throws unless lo <= x <= hi (and x is not NaN).
void check_in_range(std::string_view function, std::string_view name, double x, double lo,
                    double hi);

/// Throws if @p size == 0 ("is empty").
void check_nonempty(std::string_view function, std::string_view name, std::size_t size);

/// Throws unless @p m is rows x cols; a negative expected dimension matches anything.
void check_shape(std::string_view function, std::string_view name,
                 const Eigen::Ref<const Eigen::MatrixXd>& m, Eigen::Index rows, Eigen::Index cols);

/// Throws unless @p m is square and non-empty.
void check_square(std::string_view function, std::string_view name,
                  const Eigen::Ref<const Eigen::MatrixXd>& m);

/// Throws unless @p m is square, finite and symmetric to within
/// |m_ij - m_ji| <= rel_tol * max|m| (default: 1e-10, loose enough for matrices that went
/// through a round of floating-point products, tight enough to catch a transposed argument).
void check_symmetric(std::string_view function, std::string_view name,
                     const Eigen::Ref<const Eigen::MatrixXd>& m, double rel_tol = 1e-10);

/// @name The SPD rule
/// sampo decides "symmetric positive definite" one way, everywhere (core, linalg, riemann):
/// a symmetric n x n matrix is SPD when its computed eigenvalues satisfy
///
///     λ_min > n·eps·λ_max   and   λ_min > 0        (eps = 2⁻⁵², DBL_EPSILON),
///
/// i.e. κ₂ = λ_max/λ_min < 1/(n·eps) ≈ 4.5e15/n.
///
/// Why this threshold. A backward-stable symmetric eigensolver (Householder
/// tridiagonalization + implicit QR: Eigen's SelfAdjointEigenSolver, sampo's dense kernels)
/// returns the exact eigenvalues of some A + E with ‖E‖₂ of order n·eps·‖A‖₂ = n·eps·λ_max
/// (Golub & Van Loan, Matrix Computations, §8.3 and Weyl's inequality). An eigenvalue at or
/// below n·eps·λ_max is therefore within rounding of 0: the numbers do not show that the
/// matrix is positive definite, and anything that uses λ_min — log A, A⁻¹, A^{-1/2}, the
/// affine-invariant distance — has a relative error of 1 or more, or is NaN / inf. The second
/// condition rejects λ_max <= 0 (where n·eps·λ_max <= 0); a NaN fails both.
///
/// A successful Cholesky factorization is *not* the test: its computed pivots bound λ_min
/// only from above, and it accepts matrices whose λ_min is at rounding level (for example
/// [[1, 1], [1, 1 + 2⁻⁵²]], λ_min ≈ 1.1e-16 < 2·eps·λ_max ≈ 8.9e-16). Solvers that only
/// need the factorization (linalg::cholesky_solve) report ill-conditioning as an outcome.
/// @{

/// The rule on a spectrum: true iff lambda_min > n·eps·lambda_max and lambda_min > 0, for
/// the smallest and largest eigenvalue of a symmetric n x n matrix (false on NaN).
[[nodiscard]] bool is_spd_spectrum(Eigen::Index n, double lambda_min, double lambda_max) noexcept;

/// Throws sampo::not_spd_error (via throw_not_spd) unless @p eigenvalues, all the eigenvalues
/// of a symmetric matrix (any order), satisfy the rule; @p advice is appended to the message.
void check_spd_eigenvalues(std::string_view function, std::string_view name,
                           const Eigen::Ref<const Eigen::VectorXd>& eigenvalues,
                           std::string_view advice = {});

/// Throws unless @p m is square, finite, symmetric (check_symmetric with @p rel_tol) and SPD
/// by the rule. A Cholesky factorization of m − δI (δ ≈ 2n²·eps·‖m‖_∞, n³/3 flops) accepts
/// the matrices that pass the rule with that margin; the others are decided by their
/// eigenvalues, computed by Eigen::SelfAdjointEigenSolver (EigenvaluesOnly, about 4n³/3
/// flops plus the QR iterations), so the decision is always the rule's. The message reports the smallest eigenvalue, so a user can tell a
/// rank-deficient estimate (eigenvalue ~0) from a wrong sign.
/// @throw sampo::invalid_argument (shape, finiteness, symmetry), sampo::not_spd_error (SPD).
void check_spd(std::string_view function, std::string_view name,
               const Eigen::Ref<const Eigen::MatrixXd>& m, double rel_tol = 1e-10);

/// Throws sampo::not_spd_error saying @p name is not symmetric positive definite, with its
/// smallest eigenvalue ("... (smallest eigenvalue X); advice").
[[noreturn]] void throw_not_spd(std::string_view function, std::string_view name,
                                double smallest_eigenvalue, std::string_view advice = {});
/// @}

}  // namespace sampo

#pragma once
/// @file
/// Argument checks shared by every module. Each throws sampo::invalid_argument whose message
/// names the calling function, the argument and the offending value (and, for matrices, the
/// offending entry), so a user sees at once what to fix.

#include <Eigen/Core>
#include <cstddef>
#include <string_view>

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

/// Throws unless @p m is symmetric positive definite (Cholesky succeeds). On failure the
/// message reports the smallest eigenvalue, so a user can tell a rank-deficient estimate
/// (eigenvalue ~0) from a wrong sign.
void check_spd(std::string_view function, std::string_view name,
               const Eigen::Ref<const Eigen::MatrixXd>& m, double rel_tol = 1e-10);

/// Throws sampo::invalid_argument saying @p m is not SPD, with its smallest eigenvalue.
[[noreturn]] void throw_not_spd(std::string_view function, std::string_view name,
                                double smallest_eigenvalue, std::string_view advice = {});

}  // namespace sampo

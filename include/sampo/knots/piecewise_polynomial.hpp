#pragma once
/// @file
/// A piecewise polynomial on increasing breakpoints: the common representation behind the
/// cubic spline and the high-order interpolants of sampo::knots::fit.

#include <cstddef>

#include "sampo/core/eigen.hpp"

namespace sampo::knots {

/// p(t) on [t_0, t_n] given by n polynomial pieces. Piece i lives on [t_i, t_{i+1}] and is
/// stored in the centred local variable v = (2t - t_i - t_{i+1}) / h_i in [-1, 1],
/// h_i = t_{i+1} - t_i: p_i(t) = sum_k c(i, k) v^k. Centring and scaling keep the coefficients
/// of a resolved smooth function of the order of its values (c_k ~ f^(k) (h/2)^k / k!), so
/// Horner evaluation loses only a few ulps.
///
/// Outside [t_0, t_n] the end pieces are extrapolated; a NaN argument gives NaN.
/// Evaluation finds the piece by binary search, O(log n); the overloads taking a `hint`
/// start from the caller's last piece (O(1) for nearby arguments). All members are const and
/// the hint is owned by the caller, so concurrent readers are safe.
class PiecewisePolynomial {
 public:
  /// An empty polynomial (no pieces); evaluating it is a logic error.
  PiecewisePolynomial() = default;

  /// @param breaks n+1 strictly increasing finite breakpoints (n >= 1)
  /// @param coefficients n x (degree+1) matrix; row i holds piece i in the variable v
  /// @throw sampo::invalid_argument on a size mismatch, non-increasing or non-finite
  ///        breakpoints, or non-finite coefficients.
  PiecewisePolynomial(Eigen::VectorXd breaks, Eigen::MatrixXd coefficients);

  /// Number of pieces n.
  [[nodiscard]] std::size_t pieces() const noexcept;
  /// Polynomial degree (columns of coefficients() minus one).
  [[nodiscard]] int degree() const noexcept;
  /// The n+1 breakpoints.
  [[nodiscard]] const Eigen::VectorXd& breaks() const noexcept { return breaks_; }
  /// Piece coefficients in the centred variable v (one row per piece).
  [[nodiscard]] const Eigen::MatrixXd& coefficients() const noexcept { return coef_; }
  /// t_0 and t_n.
  [[nodiscard]] double lower() const noexcept;
  [[nodiscard]] double upper() const noexcept;

  /// Index i of the piece used at t: t_i <= t < t_{i+1}, clamped to [0, n-1].
  [[nodiscard]] std::size_t find_piece(double t) const noexcept;
  /// Same, starting from @p hint (updated to the result).
  [[nodiscard]] std::size_t find_piece(double t, std::size_t& hint) const noexcept;

  /// p(t).
  [[nodiscard]] double operator()(double t) const noexcept;
  /// p(t), with a caller-owned search hint.
  [[nodiscard]] double operator()(double t, std::size_t& hint) const noexcept;
  /// p at every entry of @p t (one hint carried along: fast for sorted input).
  [[nodiscard]] Eigen::VectorXd operator()(const Eigen::Ref<const Eigen::VectorXd>& t) const;

  /// The @p order-th derivative p^(order)(t) (order >= 0; zero beyond the degree).
  /// @throw sampo::invalid_argument if order < 0.
  [[nodiscard]] double derivative(double t, int order = 1) const;
  /// Same, with a caller-owned search hint.
  [[nodiscard]] double derivative(double t, int order, std::size_t& hint) const;
  /// The derivative at every entry of @p t.
  [[nodiscard]] Eigen::VectorXd derivative(const Eigen::Ref<const Eigen::VectorXd>& t,
                                           int order = 1) const;

  /// The exact integral of p over [u, v] (negative if u > v; extrapolated pieces outside
  /// the breakpoints). Spans of up to 64 pieces are summed piece by piece (a short integral
  /// keeps its relative accuracy: a few ulp of the integral of |p| over [u, v]); longer spans
  /// use cumulative piece integrals, O(log n), with absolute error ~ ulp * max cumulative.
  /// @throw sampo::invalid_argument if u or v is not finite.
  [[nodiscard]] double integral(double u, double v) const;

 private:
  [[nodiscard]] double eval_piece(std::size_t i, double t, int order) const noexcept;
  [[nodiscard]] double primitive_in_piece(std::size_t i, double t) const noexcept;

  Eigen::VectorXd breaks_;
  Eigen::MatrixXd coef_;
  Eigen::VectorXd cumulative_;  ///< cumulative_(i) = integral over [t_0, t_i]
};

}  // namespace sampo::knots

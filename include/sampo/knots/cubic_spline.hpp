#pragma once
/// @file
/// Interpolating cubic spline on arbitrary increasing knots (not-a-knot or natural ends).

#include <cstddef>

#include "sampo/core/eigen.hpp"
#include "sampo/knots/piecewise_polynomial.hpp"

namespace sampo::knots {

/// How the two missing equations of a cubic spline are closed.
enum class EndCondition {
  not_a_knot,  ///< s''' continuous at the second and the penultimate knot (NumCosmo's default):
               ///< exact for cubic polynomials, O(h^4) everywhere
  natural,     ///< s'' = 0 at both ends: O(h^2) near the ends unless f'' vanishes there
};

/// The C^2 piecewise cubic s with s(x_i) = y_i.
///
/// Construction solves one tridiagonal system for the knot second derivatives, O(n), stable
/// without pivoting (the rows are diagonally dominant for any spacing). With 3 knots the
/// not-a-knot spline is the interpolating parabola and with 2 the line (both end conditions).
/// Error model: for f in C^4 and not-a-knot ends, |f - s| <= C h^4 max|f''''|, h the largest
/// spacing; a cubic polynomial is reproduced up to rounding (a few ulp times the scale of the
/// data, amplified by the mesh ratio).
///
/// Evaluation is O(log n) (binary search), or O(1) with a caller-owned hint for nearby
/// arguments; all members are const, so concurrent readers are safe. Outside [x_0, x_n] the
/// end cubics are extrapolated.
class CubicSpline {
 public:
  /// An empty spline; evaluating it is a logic error.
  CubicSpline() = default;

  /// @param x knots, at least 2, finite and strictly increasing
  /// @param y values at the knots, finite
  /// @param end end condition
  /// @throw sampo::invalid_argument naming the offending argument (sizes differ, fewer than 2
  ///        knots, non-finite entries, non-increasing knots).
  CubicSpline(const Eigen::Ref<const Eigen::VectorXd>& x,
              const Eigen::Ref<const Eigen::VectorXd>& y,
              EndCondition end = EndCondition::not_a_knot);

  /// Number of knots.
  [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(x_.size()); }
  [[nodiscard]] const Eigen::VectorXd& knots() const noexcept { return x_; }
  [[nodiscard]] const Eigen::VectorXd& values() const noexcept { return y_; }
  [[nodiscard]] EndCondition end_condition() const noexcept { return end_; }
  /// s'' at the knots (the solution of the tridiagonal system).
  [[nodiscard]] const Eigen::VectorXd& knot_second_derivatives() const noexcept { return m_; }

  /// s(x) (O(log n)).
  [[nodiscard]] double operator()(double x) const noexcept { return pp_(x); }
  /// s(x) starting the interval search from @p hint (updated).
  [[nodiscard]] double operator()(double x, std::size_t& hint) const noexcept {
    return pp_(x, hint);
  }
  /// s at every entry of @p x.
  [[nodiscard]] Eigen::VectorXd operator()(const Eigen::Ref<const Eigen::VectorXd>& x) const {
    return pp_(x);
  }
  /// s'(x).
  [[nodiscard]] double derivative(double x) const { return pp_.derivative(x, 1); }
  /// s''(x).
  [[nodiscard]] double second_derivative(double x) const { return pp_.derivative(x, 2); }
  /// s' at every entry of @p x.
  [[nodiscard]] Eigen::VectorXd derivative(const Eigen::Ref<const Eigen::VectorXd>& x) const {
    return pp_.derivative(x, 1);
  }
  /// The exact integral of s over [u, v] (O(log n)).
  /// @throw sampo::invalid_argument if u or v is not finite.
  [[nodiscard]] double integral(double u, double v) const { return pp_.integral(u, v); }

  /// The spline as a piecewise polynomial (degree 3, one piece per knot interval).
  [[nodiscard]] const PiecewisePolynomial& piecewise() const noexcept { return pp_; }

 private:
  Eigen::VectorXd x_, y_, m_;
  EndCondition end_ = EndCondition::not_a_knot;
  PiecewisePolynomial pp_;
};

}  // namespace sampo::knots

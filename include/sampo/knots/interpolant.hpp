#pragma once
/// @file
/// What sampo::knots::fit returns: a piecewise polynomial in the working variable t = T(x),
/// evaluated, differentiated and integrated in the user's variable x.

#include <cstddef>

#include "sampo/core/eigen.hpp"
#include "sampo/knots/piecewise_polynomial.hpp"
#include "sampo/knots/scale.hpp"

namespace sampo::knots {

/// g(x) = p(T(x)) with p a piecewise polynomial in t = T(x) (Scale) and pieces between knots.
///
/// Derivatives follow the chain rule (dt/dx = 1/T^{-1}'(t)). Integrals over x are those of
/// p(t) dx/dt over t: exact for the linear scale; for log / asinh the integrand is a
/// polynomial times e^{+-t} and is integrated with 20-point Gauss-Legendre on sub-pieces of
/// width <= 1 in t (error below 1e-25 relative per sub-piece: a 20-point rule is exact to
/// degree 39 and the exponential's Taylor remainder beyond is < 1/24!). All members are
/// const; concurrent readers are safe (hints are owned by the caller).
class Interpolant {
 public:
  /// An empty interpolant.
  Interpolant() = default;
  /// @param scale the map x -> t
  /// @param p the polynomial pieces in t
  Interpolant(Scale scale, PiecewisePolynomial p) : scale_(scale), p_(std::move(p)) {}

  /// g(x). Outside [lower(), upper()] the end pieces are extrapolated; x outside the scale's
  /// domain (x <= 0 for log) gives NaN.
  [[nodiscard]] double operator()(double x) const noexcept;
  /// g(x) with a caller-owned piece hint.
  [[nodiscard]] double operator()(double x, std::size_t& hint) const noexcept;
  /// g at every entry of @p x.
  [[nodiscard]] Eigen::VectorXd operator()(const Eigen::Ref<const Eigen::VectorXd>& x) const;
  /// g'(x).
  [[nodiscard]] double derivative(double x) const;
  /// g''(x).
  [[nodiscard]] double second_derivative(double x) const;
  /// The integral of g over [u, v] in x (negative if u > v).
  /// @throw sampo::invalid_argument if u or v is not finite or outside the scale's domain.
  [[nodiscard]] double integral(double u, double v) const;

  /// The interval [lower(), upper()] in x covered by the pieces.
  [[nodiscard]] double lower() const noexcept;
  [[nodiscard]] double upper() const noexcept;
  [[nodiscard]] Scale scale() const noexcept { return scale_; }
  /// The pieces, in the working variable t.
  [[nodiscard]] const PiecewisePolynomial& pieces() const noexcept { return p_; }

 private:
  Scale scale_ = Scale::linear;
  PiecewisePolynomial p_;
};

}  // namespace sampo::knots

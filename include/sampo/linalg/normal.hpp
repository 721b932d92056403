#pragma once
/// @file
/// The standard normal distribution: cumulative distribution function and quantile
/// (Boost.Math, accurate to a few ulps over the whole range, including the far tails).

namespace sampo::linalg {

/// Φ(x) = P(Z <= x) for Z ~ N(0, 1); Φ(-inf) = 0, Φ(+inf) = 1.
/// Relative accuracy in the lower tail is about (8 + x²)·eps: Φ's own condition number there
/// is ≈ x², so rounding x (or x/√2) costs that much; Φ(x) underflows to 0 below x ≈ -38.5.
/// @throw sampo::invalid_argument if @p x is NaN.
[[nodiscard]] double normal_cdf(double x);

/// Φ⁻¹(p), the standard normal quantile (Φ⁻¹(0.975) = 1.959963984540054...).
/// @param p probability with 0 < p < 1 (the quantiles of 0 and 1 are infinite).
/// @throw sampo::invalid_argument if @p p is NaN or outside (0, 1).
[[nodiscard]] double normal_quantile(double p);

}  // namespace sampo::linalg

#pragma once
/// @file
/// The variable in which knots are spaced and interpolants are built: t = x, ln x or asinh x.

#include <string_view>

namespace sampo::knots {

/// Map from the user's variable x to the working variable t.
enum class Scale {
  linear,  ///< t = x
  log,     ///< t = ln x (requires x > 0): power laws become straight lines
  asinh,   ///< t = asinh x: logarithmic for |x| >> 1, linear near 0, any sign
};

/// "linear", "log" or "asinh".
std::string_view to_string(Scale scale) noexcept;

/// Parses the names of to_string().
/// @throw sampo::invalid_argument naming the unknown value and the accepted ones.
Scale scale_from_string(std::string_view name);

/// t = T(x) for the scale (ln of a non-positive x gives NaN / -inf, as std::log).
double to_scaled(Scale scale, double x) noexcept;

/// x = T^{-1}(t).
double from_scaled(Scale scale, double t) noexcept;

/// dx/dt at t (1, e^t or cosh t).
double jacobian(Scale scale, double t) noexcept;

}  // namespace sampo::knots

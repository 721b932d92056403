#pragma once
/// @file
/// The metrics on symmetric positive-definite (SPD) matrices that sampo's distances, means and
/// tangent spaces support.

#include <string_view>

namespace sampo::riemann {

/// A metric on SPD matrices.
enum class Metric {
  riemann,     ///< affine-invariant: d(A, B) = ||log(A^{-1/2} B A^{-1/2})||_F
  log_euclid,  ///< log-Euclidean: d(A, B) = ||log A - log B||_F
  euclid,      ///< Euclidean (Frobenius): d(A, B) = ||A - B||_F
};

/// "riemann", "logeuclid", "euclid" (pyRiemann's names).
std::string_view to_string(Metric m) noexcept;

/// Parses "riemann", "logeuclid" (or "log_euclid"), "euclid".
/// @throw sampo::invalid_argument listing the accepted names.
Metric metric_from_string(std::string_view name);

}  // namespace sampo::riemann

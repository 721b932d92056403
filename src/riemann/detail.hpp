#pragma once
// Internal helpers of the riemann module (not installed; not part of the public API).
#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <exception>
#include <limits>
#include <string>
#include <vector>

namespace sampo::riemann::detail {

/// Runs body(i) for i in [0, n) in parallel (OpenMP). If any call throws, the exception of the
/// lowest index is rethrown after the loop, so the error a user sees does not depend on the
/// thread count.
template <typename Body>
void parallel_for(std::size_t n, Body&& body) {
  std::exception_ptr error;
  std::size_t error_index = std::numeric_limits<std::size_t>::max();
#pragma omp parallel for schedule(dynamic, 1)
  for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(n); ++i) {
    try {
      body(static_cast<std::size_t>(i));
    } catch (...) {
#pragma omp critical(sampo_riemann_parallel_for)
      if (static_cast<std::size_t>(i) < error_index) {
        error_index = static_cast<std::size_t>(i);
        error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

/// "what k" for error messages ("trial 3", "matrix 0").
inline std::string item(const char* what, std::size_t k) {
  return std::string(what) + " " + std::to_string(k);
}

}  // namespace sampo::riemann::detail

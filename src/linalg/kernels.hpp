#pragma once
// The dense kernels behind sampo/linalg/kernels.hpp: Eigen-free entry points (raw column-major
// arrays), so that the AVX2 build can use its own copy of Eigen (see kernels_impl.inc).
#include <cstddef>

namespace sampo::linalg::detail {

struct DenseKernels {
  /// Eigendecomposition of the symmetric n x n matrix a (both triangles read as stored):
  /// ascending values, orthonormal vectors (column-major n x n). False if QR did not converge.
  bool (*symmetric_eigen)(std::ptrdiff_t n, const double* a, double* values, double* vectors);
  /// out = v diag(f) vᵀ (n x n), not symmetrized.
  void (*reconstruct)(std::ptrdiff_t n, const double* v, const double* f, double* out);
  /// out = w a wᵀ with w m x n and a n x n, not symmetrized.
  void (*congruence)(std::ptrdiff_t m, std::ptrdiff_t n, const double* w, const double* a,
                     double* out);
};

/// The kernels selected by sampo::linalg::kernel_set().
const DenseKernels& dense_kernels() noexcept;

namespace generic {
extern const DenseKernels kernels;
}
#ifdef SAMPO_HAVE_AVX2_KERNELS
namespace avx2 {
extern const DenseKernels kernels;
}
#endif

}  // namespace sampo::linalg::detail

#pragma once
// The dense kernels behind sampo/linalg/kernels.hpp: Eigen-free entry points (raw column-major
// arrays), so that the AVX2 build can use its own copy of Eigen (see kernels_impl.inc).
#include <cstddef>

namespace sampo::linalg::detail {

struct DenseKernels {
  /// Eigendecomposition of the symmetric n x n matrix a (both triangles read as stored):
  /// ascending values, orthonormal vectors (column-major n x n). False if QR did not converge.
  bool (*symmetric_eigen)(std::ptrdiff_t n, const double* a, double* values, double* vectors);
  /// Eigendecompositions of count symmetric n x n matrices a[i] (lower triangles read), several
  /// per SIMD register for n <= 64: values[i] ascending, vectors[i] as above (vectors may be
  /// null: eigenvalues only); ok[i] false where QR did not converge. Each matrix's result does
  /// not depend on the others in the call.
  void (*symmetric_eigen_batch)(std::ptrdiff_t n, std::ptrdiff_t count, const double* const* a,
                                double* const* values, double* const* vectors, bool* ok);
  /// out = Σ_i weights[i] log(w x_i wᵀ) (n x n, exactly symmetric; w n x n, or null for I; the
  /// x_i symmetric and read whole), the terms added in index order; values[i] gets the
  /// eigenvalues of w x_i wᵀ in no particular order (their logs are taken whatever their sign:
  /// the caller checks them before using out); ok[i] false where the eigensolver failed.
  void (*log_congruence_sum)(std::ptrdiff_t n, std::ptrdiff_t count, const double* w,
                             const double* const* x, const double* weights, double* out,
                             double* const* values, bool* ok);
  /// values[i] = the eigenvalues of w x_i wᵀ, ascending (w n x n, or null for I; x_i symmetric,
  /// lower triangles read); ok[i] false where the eigensolver failed.
  void (*congruence_eigenvalues)(std::ptrdiff_t n, std::ptrdiff_t count, const double* w,
                                 const double* const* x, double* const* values, bool* ok);
  /// out = v diag(f) vᵀ (n x n), not symmetrized.
  void (*reconstruct)(std::ptrdiff_t n, const double* v, const double* f, double* out);
  /// out = w a wᵀ with w m x n and a n x n, not symmetrized.
  void (*congruence)(std::ptrdiff_t m, std::ptrdiff_t n, const double* w, const double* a,
                     double* out);
  /// Lower triangle of aᵀa into g (cols x cols, column-major; the strict upper triangle is left
  /// as it is), a rows x cols column-major with leading dimension lda. Serial; the sum over the
  /// rows runs in a fixed order (chunks of rows, each by one register-tiled product), so the
  /// bits depend only on the arguments.
  void (*gram_lower)(std::ptrdiff_t rows, std::ptrdiff_t cols, const double* a,
                     std::ptrdiff_t lda, double* g);
  /// h_r = ‖M a_r‖² for every row a_r of a (rows x cols, column-major, leading dimension lda),
  /// with M cols x cols lower triangular (column-major; the upper triangle is not read). Each
  /// row's value depends only on that row and M (not on rows or on the row's position).
  void (*lower_row_norms)(std::ptrdiff_t rows, std::ptrdiff_t cols, const double* a,
                          std::ptrdiff_t lda, const double* m, double* h);
  /// h_r = ‖Wᵀ a_r‖² for every row a_r of a (rows x cols, column-major, leading dimension
  /// lda), with W cols x k (column-major, leading dimension cols). Each row's value depends
  /// only on that row and W.
  void (*product_row_norms)(std::ptrdiff_t rows, std::ptrdiff_t cols, const double* a,
                            std::ptrdiff_t lda, std::ptrdiff_t k, const double* w, double* h);
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

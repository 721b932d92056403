#include "sampo/linalg/symmetric.hpp"

#include <algorithm>
#include <vector>

#include "gram_unchecked.hpp"
#include "kernels.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::linalg {

void symmetrize_in_place(Eigen::Ref<Eigen::MatrixXd> a) {
  if (a.rows() != a.cols())
    throw_invalid_argument("sampo::linalg::symmetrize_in_place", "a", {},
                           "has shape " + std::to_string(a.rows()) + "x" +
                               std::to_string(a.cols()) + ", expected a square matrix");
  const Eigen::Index n = a.rows();
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = j + 1; i < n; ++i) {
      const double m = 0.5 * (a(i, j) + a(j, i));
      a(i, j) = m;
      a(j, i) = m;
    }
}

Eigen::MatrixXd symmetrize(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  constexpr std::string_view fn = "sampo::linalg::symmetrize";
  check_square(fn, "a", a);
  check_finite(fn, "a", a);
  Eigen::MatrixXd s = a;
  symmetrize_in_place(s);
  return s;
}

Eigen::MatrixXd congruence(const Eigen::Ref<const Eigen::MatrixXd>& w,
                           const Eigen::Ref<const Eigen::MatrixXd>& a) {
  constexpr std::string_view fn = "sampo::linalg::congruence";
  check_symmetric(fn, "a", a);
  check_nonempty(fn, "w", static_cast<std::size_t>(w.size()));
  check_shape(fn, "w", w, -1, a.rows());
  check_finite(fn, "w", w);
  // The kernel takes packed column-major arrays: a strided view (a block of a larger matrix) is
  // copied, a whole matrix is passed as it is.
  Eigen::MatrixXd w_store, a_store;
  const auto packed = [](const Eigen::Ref<const Eigen::MatrixXd>& m, Eigen::MatrixXd& store) {
    if (m.outerStride() == m.rows()) return m.data();
    store = m;
    return static_cast<const double*>(store.data());
  };
  Eigen::MatrixXd out(w.rows(), w.rows());
  detail::dense_kernels().congruence(w.rows(), w.cols(), packed(w, w_store), packed(a, a_store),
                                     out.data());
  symmetrize_in_place(out);
  return out;
}

namespace detail {

Eigen::MatrixXd gram_unchecked(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  const Eigen::Index n = a.rows(), p = a.cols();
  // Fixed partition of the rows: at least max(p, 4096) rows per block (enough work for an
  // efficient rank-k kernel), at most 64 blocks, and at most ~64 MiB of partial sums. Each
  // block's lower triangle is one serial call of the dense kernel (register-tiled, in a fixed
  // order), the partial sums are added in block order: the bits do not depend on threads.
  const Eigen::Index min_rows = std::max<Eigen::Index>(p, 4096);
  const Eigen::Index memory_cap = std::max<Eigen::Index>(1, (Eigen::Index{1} << 23) / (p * p));
  const Eigen::Index blocks =
      std::clamp<Eigen::Index>(n / min_rows, 1, std::min<Eigen::Index>(64, memory_cap));
  const auto& kernels = dense_kernels();
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(p, p);
  if (blocks == 1) {
    kernels.gram_lower(n, p, a.data(), a.outerStride(), g.data());
  } else {
    std::vector<Eigen::MatrixXd> part(static_cast<std::size_t>(blocks));
    const Eigen::Index step = (n + blocks - 1) / blocks;
#pragma omp parallel for schedule(static)
    for (Eigen::Index k = 0; k < blocks; ++k) {
      const Eigen::Index r0 = k * step, len = std::min(step, n - r0);
      auto& gk = part[static_cast<std::size_t>(k)];
      gk = Eigen::MatrixXd::Zero(p, p);
      if (len > 0) kernels.gram_lower(len, p, a.data() + r0, a.outerStride(), gk.data());
    }
    for (const auto& gk : part) g.triangularView<Eigen::Lower>() += gk;  // fixed order
  }
  for (Eigen::Index j = 0; j < p; ++j)  // mirror the lower triangle
    for (Eigen::Index i = j + 1; i < p; ++i) g(j, i) = g(i, j);
  return g;
}

}  // namespace detail

Eigen::MatrixXd gram(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  constexpr std::string_view fn = "sampo::linalg::gram";
  check_nonempty(fn, "a", static_cast<std::size_t>(a.size()));
  Eigen::MatrixXd g = detail::gram_unchecked(a);
  // A non-finite entry of A makes its column's diagonal entry of AᵀA (a sum of squares)
  // non-finite, so A is scanned (to name the entry) only then: no separate pass over A.
  if (!g.diagonal().allFinite()) check_finite(fn, "a", a);
  return g;
}

Eigen::VectorXd product_row_norms(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                  const Eigen::Ref<const Eigen::MatrixXd>& w) {
  constexpr std::string_view fn = "sampo::linalg::product_row_norms";
  check_nonempty(fn, "a", static_cast<std::size_t>(a.size()));
  check_nonempty(fn, "w", static_cast<std::size_t>(w.size()));
  check_shape(fn, "w", w, a.cols(), -1);
  check_finite(fn, "w", w);
  const Eigen::MatrixXd wp = w;  // packed, leading dimension p
  const Eigen::Index n = a.rows(), p = a.cols();
  Eigen::VectorXd h(n);
  const auto& kernels = detail::dense_kernels();
  constexpr Eigen::Index kBlock = 2048;
  const Eigen::Index blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static)
  for (Eigen::Index b = 0; b < blocks; ++b) {
    const Eigen::Index r0 = b * kBlock, len = std::min(kBlock, n - r0);
    kernels.product_row_norms(len, p, a.data() + r0, a.outerStride(), wp.cols(), wp.data(),
                              h.data() + r0);
  }
  if (!h.allFinite()) check_finite(fn, "a", a);
  return h;
}

}  // namespace sampo::linalg

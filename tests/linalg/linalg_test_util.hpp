#pragma once
// Fixtures shared by the linalg tests: the kit's random matrices (sampo/testing/fixtures.hpp)
// under the master seed fixture_seed() ($SAMPO_TEST_SEED, or 0), streams numbered by the tests.
#include <Eigen/Dense>
#include <cstdint>
#include <limits>

#include <vector>

#include "sampo/linalg/kernels.hpp"
#include "sampo/testing/fixtures.hpp"

namespace sampo::test {

inline constexpr double kEps = std::numeric_limits<double>::epsilon();

using sampo::testing::fixture_seed;
using sampo::testing::log_spaced;
using sampo::testing::with_spectrum;

/// n x m matrix of independent N(0, 1) entries: stream (fixture_seed(), stream) of the kit.
inline Eigen::MatrixXd gaussian_matrix(Eigen::Index n, Eigen::Index m, std::uint64_t stream) {
  return sampo::testing::normal_matrix(n, m, fixture_seed(), stream);
}

/// A random n x n orthogonal matrix: Q of gaussian_matrix(n, n, stream).
inline Eigen::MatrixXd orthogonal_matrix(Eigen::Index n, std::uint64_t stream) {
  return sampo::testing::random_orthogonal(n, fixture_seed(), stream);
}

/// Restores the kernel set a test changed.
struct KernelGuard {
  sampo::linalg::KernelSet saved = sampo::linalg::kernel_set();
  ~KernelGuard() { sampo::linalg::use_kernel_set(saved); }
};

/// The kernel sets this build can run on this processor: generic, and AVX2 + FMA if available.
inline std::vector<sampo::linalg::KernelSet> available_kernel_sets() {
  std::vector<sampo::linalg::KernelSet> out{sampo::linalg::KernelSet::generic};
  if (sampo::linalg::kernel_set_available(sampo::linalg::KernelSet::avx2))
    out.push_back(sampo::linalg::KernelSet::avx2);
  return out;
}

/// Largest absolute entry of a - b.
inline double max_abs_diff(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff();
}

/// True if every (i, j) entry equals the (j, i) entry bit for bit.
inline bool exactly_symmetric(const Eigen::MatrixXd& a) {
  for (Eigen::Index j = 0; j < a.cols(); ++j)
    for (Eigen::Index i = j + 1; i < a.rows(); ++i)
      if (a(i, j) != a(j, i)) return false;
  return true;
}

}  // namespace sampo::test

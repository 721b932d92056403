#pragma once
// Fixtures shared by the linalg tests: seeded random matrices with prescribed spectra.
#include "sampo/parallel/random_stream.hpp"
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace sampo::test {

inline constexpr double kEps = std::numeric_limits<double>::epsilon();

/// n x m matrix of independent N(0, 1) entries: Philox stream (seed, 0, 0), the same numbers on
/// every platform (std::normal_distribution differs between standard libraries).
inline Eigen::MatrixXd gaussian_matrix(Eigen::Index n, Eigen::Index m, std::uint64_t seed) {
  return sampo::parallel::RandomStream(seed, 0, 0).normal_matrix(n, m);
}

/// A random n x n orthogonal matrix (Q of a Gaussian matrix, fixed seed).
inline Eigen::MatrixXd orthogonal_matrix(Eigen::Index n, std::uint64_t seed) {
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian_matrix(n, n, seed));
  return qr.householderQ() * Eigen::MatrixXd::Identity(n, n);
}

/// Q diag(lambda) Qᵀ, exactly symmetrized.
inline Eigen::MatrixXd with_spectrum(const Eigen::MatrixXd& q, const Eigen::VectorXd& lambda) {
  Eigen::MatrixXd a = q * lambda.asDiagonal() * q.transpose();
  Eigen::MatrixXd s = 0.5 * (a + a.transpose());
  return s;
}

/// n eigenvalues log-spaced from 1 down to 1/cond.
inline Eigen::VectorXd log_spaced(Eigen::Index n, double cond) {
  Eigen::VectorXd l(n);
  for (Eigen::Index i = 0; i < n; ++i)
    l(i) = std::pow(cond, -static_cast<double>(i) / static_cast<double>(n - 1));
  return l;
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

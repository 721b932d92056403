#pragma once
// Test matrices for the sketch tests, drawn from the fixture kit.
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <limits>

#include "sampo/testing/fixtures.hpp"

namespace sampo::test {

inline constexpr double kEps = std::numeric_limits<double>::epsilon();

/// n x d Gaussian rows, each divided by |h_i| with h_i ~ N(0, 1): a t₁-like row scaling that
/// makes leverage, Lewis weights and sensitivities very non-uniform.
inline Eigen::MatrixXd heavy_tailed(Eigen::Index n, Eigen::Index d, std::uint64_t seed) {
  Eigen::MatrixXd a = sampo::testing::normal_matrix(n, d, seed, 0);
  const Eigen::MatrixXd h = sampo::testing::normal_matrix(n, 1, seed, 1);
  for (Eigen::Index i = 0; i < n; ++i) a.row(i) /= std::abs(h(i, 0)) + 0.05;
  return a;
}

/// heavy_tailed() with about a fraction @p density of its entries kept (the others exactly 0),
/// a_jj = 1 for j < d (full column rank) and row 9 zero: a sparse test matrix with zero rows.
inline Eigen::MatrixXd sparse_heavy_tailed(Eigen::Index n, Eigen::Index d, std::uint64_t seed,
                                           double density) {
  Eigen::MatrixXd a = heavy_tailed(n, d, seed);
  const Eigen::MatrixXd mask = sampo::testing::uniform_matrix(n, d, seed, 7);
  a = (mask.array() < density).select(a, 0.0);
  for (Eigen::Index j = 0; j < d; ++j) a(j, j) = 1.0;
  a.row(9).setZero();
  return a;
}

/// I_d stacked k times: every score (leverage, Lewis, sensitivity, any p) is 1/k.
inline Eigen::MatrixXd stacked_identity(Eigen::Index d, Eigen::Index k) {
  Eigen::MatrixXd a(d * k, d);
  for (Eigen::Index j = 0; j < k; ++j) a.middleRows(j * d, d).setIdentity();
  return a;
}

/// Row @p i of @p a replaced by k copies a_i / k^{1/p} (appended at the end): ‖Ax‖_p is
/// unchanged and σ_i, w_i split evenly over the copies.
inline Eigen::MatrixXd flatten_row(const Eigen::MatrixXd& a, Eigen::Index i, Eigen::Index k,
                                   double p) {
  Eigen::MatrixXd out(a.rows() + k - 1, a.cols());
  out.topRows(a.rows()) = a;
  const Eigen::RowVectorXd piece = a.row(i) / std::pow(static_cast<double>(k), 1.0 / p);
  out.row(i) = piece;
  for (Eigen::Index j = 0; j < k - 1; ++j) out.row(a.rows() + j) = piece;
  return out;
}

inline double max_rel_diff(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return ((a - b).array().abs() / b.array().abs().max(1e-300)).maxCoeff();
}

}  // namespace sampo::test

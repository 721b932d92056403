#pragma once
// Deterministic SPD test matrices for the riemann tests (fixed seeds, no Eigen::Random).
#include <Eigen/Dense>
#include <cmath>
#include <random>
#include <vector>

namespace sampo::test {

/// n x n matrix of standard normal entries from a seeded generator.
inline Eigen::MatrixXd normal_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> nd;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = nd(gen);
  return m;
}

/// A random orthogonal matrix (Q of the QR of a normal matrix).
inline Eigen::MatrixXd orthogonal(Eigen::Index n, unsigned seed) {
  return Eigen::HouseholderQR<Eigen::MatrixXd>(normal_matrix(n, n, seed)).householderQ();
}

/// Q diag(lambda) Q^T with eigenvalues log-spaced from 1 to cond (times scale), exactly symmetric.
inline Eigen::MatrixXd spd_with_condition(Eigen::Index n, double cond, unsigned seed,
                                          double scale = 1.0) {
  const Eigen::MatrixXd q = orthogonal(n, seed);
  Eigen::VectorXd lambda(n);
  for (Eigen::Index i = 0; i < n; ++i)
    lambda(i) = scale * std::pow(cond, n == 1 ? 0.0 : double(i) / double(n - 1));
  Eigen::MatrixXd a = q * lambda.asDiagonal() * q.transpose();
  return 0.5 * (a + a.transpose());
}

/// pyRiemann's make_matrices: V diag(lambda) V^T, lambda ~ U[0.5, 2].
inline std::vector<Eigen::MatrixXd> random_spd(std::size_t count, Eigen::Index n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(0.5, 2.0);
  std::vector<Eigen::MatrixXd> out;
  for (std::size_t k = 0; k < count; ++k) {
    const Eigen::MatrixXd q = orthogonal(n, seed * 1000u + static_cast<unsigned>(k));
    Eigen::VectorXd lambda(n);
    for (Eigen::Index i = 0; i < n; ++i) lambda(i) = u(gen);
    Eigen::MatrixXd a = q * lambda.asDiagonal() * q.transpose();
    out.push_back(0.5 * (a + a.transpose()));
  }
  return out;
}

/// G = Q diag(s) with s log-spaced so that G G^T has condition number @p cond. Congruences
/// G E G^T of well-conditioned E are ill-conditioned (cond ~ cond(E) * cond) while their
/// affine-invariant geometry is that of the E's, which gives closed forms at any conditioning.
inline Eigen::MatrixXd ill_factor(Eigen::Index n, double cond, unsigned seed) {
  const Eigen::MatrixXd q = orthogonal(n, seed);
  Eigen::VectorXd s(n);
  for (Eigen::Index i = 0; i < n; ++i)
    s(i) = std::pow(cond, n == 1 ? 0.0 : 0.5 * double(i) / double(n - 1));
  return q * s.asDiagonal();
}

/// G E G^T, exactly symmetric.
inline Eigen::MatrixXd congruent(const Eigen::MatrixXd& g, const Eigen::MatrixXd& e) {
  Eigen::MatrixXd x = g * e * g.transpose();
  return 0.5 * (x + x.transpose());
}

/// Labelled synthetic trials: class k (0..classes-1) is A_k z with z white noise (C x T) and
/// A_k = I + boost * e_k e_k^T + a shared random mixing, so the classes differ only in
/// their spatial covariance (the situation MDM and the tangent space are built for).
struct Trials {
  std::vector<Eigen::MatrixXd> x;
  std::vector<int> y;
};
inline Trials make_trials(int per_class, int classes, Eigen::Index c, Eigen::Index t, unsigned seed,
                          double boost = 1.0) {
  Trials out;
  const Eigen::MatrixXd mix = Eigen::MatrixXd::Identity(c, c) +
                              0.3 * normal_matrix(c, c, 4242);  // shared by train and test sets
  for (int i = 0; i < per_class; ++i)
    for (int k = 0; k < classes; ++k) {
      Eigen::MatrixXd a = mix;
      a.col(k) *= 1.0 + boost;
      out.x.push_back(a * normal_matrix(c, t, seed * 7919u + unsigned(i * classes + k)));
      out.y.push_back(10 + k);  // labels need not start at 0
    }
  return out;
}

/// Relative Frobenius distance ||a - b|| / ||b||.
inline double rel_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).norm() / b.norm();
}

}  // namespace sampo::test

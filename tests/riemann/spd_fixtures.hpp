#pragma once
// Deterministic SPD test matrices for the riemann tests: every random number comes from a
// sampo::parallel::RandomStream (Philox, keyed by (master seed, fixture seed, index)), so the
// matrices are the same with every standard library. The master seed is 0; setting
// $SAMPO_TEST_SEED to another integer draws all fixtures afresh, which checks that no
// tolerance is tuned to one draw (ctest passes the environment through).
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "sampo/parallel/random_stream.hpp"

namespace sampo::test {

/// The fixtures' master seed: $SAMPO_TEST_SEED, or 0. Printed once when overridden.
inline std::uint64_t fixture_seed() {
  static const std::uint64_t seed = [] {
    const char* env = std::getenv("SAMPO_TEST_SEED");
    if (env == nullptr || *env == '\0') return std::uint64_t{0};
    const std::uint64_t s = std::stoull(env);
    std::cerr << "riemann test fixtures: SAMPO_TEST_SEED = " << s << "\n";
    return s;
  }();
  return seed;
}

/// rows x cols matrix of standard normal entries: stream (fixture_seed(), seed), index 0.
inline Eigen::MatrixXd normal_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  return sampo::parallel::RandomStream(fixture_seed(), seed).normal_matrix(rows, cols);
}

/// A random orthogonal matrix (Q of the QR of a normal matrix).
inline Eigen::MatrixXd orthogonal(Eigen::Index n, std::uint64_t seed) {
  return Eigen::HouseholderQR<Eigen::MatrixXd>(normal_matrix(n, n, seed)).householderQ();
}

/// Q diag(lambda) Q^T with eigenvalues log-spaced from 1 to cond (times scale), exactly symmetric.
inline Eigen::MatrixXd spd_with_condition(Eigen::Index n, double cond, std::uint64_t seed,
                                          double scale = 1.0) {
  const Eigen::MatrixXd q = orthogonal(n, seed);
  Eigen::VectorXd lambda(n);
  for (Eigen::Index i = 0; i < n; ++i)
    lambda(i) = scale * std::pow(cond, n == 1 ? 0.0 : double(i) / double(n - 1));
  Eigen::MatrixXd a = q * lambda.asDiagonal() * q.transpose();
  return 0.5 * (a + a.transpose());
}

/// pyRiemann's make_matrices: V diag(lambda) V^T, V orthogonal (Q of a normal matrix),
/// lambda ~ U[0.5, 2]; matrix k from stream (fixture_seed(), seed), index k + 1 (index 0 is
/// normal_matrix's).
inline std::vector<Eigen::MatrixXd> random_spd(std::size_t count, Eigen::Index n,
                                               std::uint64_t seed) {
  std::vector<Eigen::MatrixXd> out;
  for (std::size_t k = 0; k < count; ++k) {
    sampo::parallel::RandomStream rs(fixture_seed(), seed, k + 1);
    const Eigen::MatrixXd q =
        Eigen::HouseholderQR<Eigen::MatrixXd>(rs.normal_matrix(n, n)).householderQ();
    Eigen::VectorXd lambda(n);
    for (Eigen::Index i = 0; i < n; ++i) lambda(i) = rs.uniform(0.5, 2.0);
    Eigen::MatrixXd a = q * lambda.asDiagonal() * q.transpose();
    out.push_back(0.5 * (a + a.transpose()));
  }
  return out;
}

/// G = Q diag(s) with s log-spaced so that G G^T has condition number @p cond. Congruences
/// G E G^T of well-conditioned E are ill-conditioned (cond ~ cond(E) * cond) while their
/// affine-invariant geometry is that of the E's, which gives closed forms at any conditioning.
inline Eigen::MatrixXd ill_factor(Eigen::Index n, double cond, std::uint64_t seed) {
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
inline Trials make_trials(int per_class, int classes, Eigen::Index c, Eigen::Index t,
                          std::uint64_t seed, double boost = 1.0) {
  Trials out;
  const Eigen::MatrixXd mix = Eigen::MatrixXd::Identity(c, c) +
                              0.3 * normal_matrix(c, c, 4242);  // shared by train and test sets
  for (int i = 0; i < per_class; ++i)
    for (int k = 0; k < classes; ++k) {
      Eigen::MatrixXd a = mix;
      a.col(k) *= 1.0 + boost;
      out.x.push_back(a * normal_matrix(c, t, seed * 7919u + std::uint64_t(i * classes + k)));
      out.y.push_back(10 + k);  // labels need not start at 0
    }
  return out;
}

/// Relative Frobenius distance ||a - b|| / ||b||.
inline double rel_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).norm() / b.norm();
}

}  // namespace sampo::test

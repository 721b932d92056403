#pragma once
// Deterministic SPD test matrices for the riemann tests, from sampo's fixture kit
// (sampo/testing/fixtures.hpp): every random number comes from a sampo::parallel::RandomStream
// keyed by (master seed, fixture seed, index), so the matrices are the same with every standard
// library. The master seed is fixture_seed(): 0, or $SAMPO_TEST_SEED, which draws all fixtures
// afresh and checks that no tolerance is tuned to one draw (ctest passes the environment
// through).
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "sampo/testing/fixtures.hpp"
#include "sampo/riemann/pipeline.hpp"

namespace sampo::test {

using sampo::testing::fixture_seed;

/// rows x cols matrix of standard normal entries: stream (fixture_seed(), seed), index 0.
inline Eigen::MatrixXd normal_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  return sampo::testing::normal_matrix(rows, cols, fixture_seed(), seed);
}

/// A random orthogonal matrix (Q of the QR of normal_matrix(n, n, seed)).
inline Eigen::MatrixXd orthogonal(Eigen::Index n, std::uint64_t seed) {
  return sampo::testing::random_orthogonal(n, fixture_seed(), seed);
}

/// Q diag(lambda) Q^T with eigenvalues log-spaced from 1 to cond (times scale), exactly symmetric.
inline Eigen::MatrixXd spd_with_condition(Eigen::Index n, double cond, std::uint64_t seed,
                                          double scale = 1.0) {
  return sampo::testing::spd_with_condition(n, cond, fixture_seed(), seed, scale);
}

/// pyRiemann's make_matrices (sampo::testing::random_spd): eigenvalues ~ U(0.5, 2); matrix k
/// from stream (fixture_seed(), seed), index k + 1 (index 0 is normal_matrix's).
inline std::vector<Eigen::MatrixXd> random_spd(std::size_t count, Eigen::Index n,
                                               std::uint64_t seed) {
  return sampo::testing::random_spd(count, n, fixture_seed(), seed);
}

/// G = Q diag(s) with G G^T of condition number @p cond (sampo::testing::ill_factor).
inline Eigen::MatrixXd ill_factor(Eigen::Index n, double cond, std::uint64_t seed) {
  return sampo::testing::ill_factor(n, cond, fixture_seed(), seed);
}

using sampo::testing::congruent;  // G E G^T, exactly symmetric

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

/// Pipeline options of kind @p k, everything else at its default.
inline sampo::riemann::PipelineOptions pipeline_of(sampo::riemann::PipelineKind k) {
  sampo::riemann::PipelineOptions o;
  o.kind = k;
  return o;
}

}  // namespace sampo::test

// Batched eigendecompositions (symmetric_eigen_batch, spd_eigen_batch,
// symmetric_eigenvalues_batch): the backward-error model of the one-matrix solver on a seeded
// sweep of sizes and spectra, on every kernel set; results independent of how a batch is split;
// bad input named by its index.
#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/kernels.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/linalg/symmetric.hpp"
#include "sampo_test.hpp"

using namespace sampo::linalg;
using sampo::test::available_kernel_sets;
using sampo::test::kEps;
using sampo::test::KernelGuard;

namespace {

/// Matrices that exercise the QR iteration differently: random spectra (log-spaced to the
/// condition number), clusters (triples within 1e-9), repeated eigenvalues (multiples of I, also
/// with a tiny off-diagonal pair), diagonal (already tridiagonal and deflated), a graded
/// spectrum down to 1e-300 (scaled rotations), and negative / indefinite spectra.
std::vector<Eigen::MatrixXd> sweep_matrices(Eigen::Index n, std::uint64_t seed) {
  std::vector<Eigen::MatrixXd> out;
  for (std::uint64_t c = 0; c < 23; ++c) {
    const Eigen::MatrixXd u = sampo::test::orthogonal_matrix(n, seed * 100 + c);
    Eigen::VectorXd lambda(n);
    switch (c % 7) {
      case 0:
        lambda = sampo::test::log_spaced(n, 10.0);
        break;
      case 1:
        lambda = sampo::test::log_spaced(n, 1e8);
        break;
      case 2:
        for (Eigen::Index i = 0; i < n; ++i)
          lambda(i) = 1.0 + static_cast<double>(i / 3) + 1e-9 * static_cast<double>(i % 3);
        break;
      case 3:
        lambda.setConstant(3.0);
        break;
      case 4:
        lambda = -sampo::test::log_spaced(n, 1e3);
        break;
      case 5:
        for (Eigen::Index i = 0; i < n; ++i) lambda(i) = std::pow(-2.0, static_cast<double>(i % 5));
        break;
      default:
        for (Eigen::Index i = 0; i < n; ++i)
          lambda(i) =
              std::pow(1e-60, static_cast<double>(i % 6)) * (1.0 + 0.1 * static_cast<double>(i));
        break;
    }
    if (n == 1) lambda(0) = 0.5 + static_cast<double>(c);
    Eigen::MatrixXd a = sampo::test::with_spectrum(u, lambda);
    if (c % 7 == 3 && c % 2 == 1) {
      a = 3.0 * Eigen::MatrixXd::Identity(n, n);
      if (n > 1) a(1, 0) = a(0, 1) = 1e-200;
    }
    if (c == 22) a = Eigen::VectorXd::LinSpaced(n, 5.0, 1.0).asDiagonal();
    out.push_back(0.5 * (a + a.transpose()));
  }
  return out;
}

}  // namespace

TEST_CASE("batched eigendecompositions meet the eigensolver's backward-error model",
          "[linalg][eigen_batch]") {
  const KernelGuard guard;
  for (const KernelSet k : available_kernel_sets()) {
    use_kernel_set(k);
    for (const Eigen::Index n : {1, 2, 3, 5, 8, 13, 22, 33, 64, 65}) {
      const std::vector<Eigen::MatrixXd> as = sweep_matrices(n, static_cast<std::uint64_t>(n));
      const std::vector<SymmetricEigen> es = symmetric_eigen_batch(as);
      const std::vector<Eigen::VectorXd> vs = symmetric_eigenvalues_batch(as);
      REQUIRE(es.size() == as.size());
      REQUIRE(vs.size() == as.size());
      for (std::size_t i = 0; i < as.size(); ++i) {
        INFO("kernels " << to_string(k) << ", n = " << n << ", matrix " << i);
        const Eigen::MatrixXd& a = as[i];
        const SymmetricEigen& e = es[i];
        const SymmetricEigen ref = symmetric_eigen(a);
        // Backward stability as for the one-matrix solver (test_kernels.cpp): residual,
        // orthogonality and Weyl's bound at 10·n·eps·‖A‖₂; the values ascending.
        const double nrm = std::max(std::abs(ref.values(0)), std::abs(ref.values(n - 1)));
        const double tol = 10.0 * static_cast<double>(n) * kEps;
        CHECK((a * e.vectors - e.vectors * e.values.asDiagonal()).norm() <= tol * nrm);
        CHECK((e.vectors.transpose() * e.vectors - Eigen::MatrixXd::Identity(n, n)).norm() <= tol);
        CHECK((e.values - ref.values).cwiseAbs().maxCoeff() <= 2 * tol * nrm);
        CHECK(std::is_sorted(e.values.data(), e.values.data() + n));
        // Without vectors the same QR steps run on (d, e): the same values, bit for bit.
        CHECK((vs[i].array() == e.values.array()).all());
      }
    }
  }
}

TEST_CASE("graded SPD spectra keep their small eigenvalues to relative accuracy",
          "[linalg][eigen_batch]") {
  // A diagonal matrix is already tridiagonal: the QR iteration deflates it at once and
  // returns its entries exactly, however graded (1e-300 .. 1).
  for (const Eigen::Index n : {4, 22}) {
    Eigen::VectorXd d(n);
    for (Eigen::Index i = 0; i < n; ++i)
      d(i) = std::pow(10.0, -300.0 * static_cast<double>(i) / static_cast<double>(n - 1));
    const std::vector<Eigen::MatrixXd> as{Eigen::MatrixXd(d.asDiagonal())};
    const std::vector<Eigen::VectorXd> vs = symmetric_eigenvalues_batch(as);
    Eigen::VectorXd sorted = d;
    std::sort(sorted.data(), sorted.data() + n);
    CHECK((vs[0].array() == sorted.array()).all());
  }
}

TEST_CASE("a matrix's batched decomposition does not depend on its batch",
          "[linalg][eigen_batch]") {
  const KernelGuard guard;
  for (const KernelSet k : available_kernel_sets()) {
    use_kernel_set(k);
    for (const Eigen::Index n : {3, 22}) {
      INFO("kernels " << to_string(k) << ", n = " << n);
      const std::vector<Eigen::MatrixXd> as =
          sweep_matrices(n, 1000 + static_cast<std::uint64_t>(n));
      const std::vector<SymmetricEigen> all = symmetric_eigen_batch(as);
      // Every split: one at a time, odd-sized pieces, the batch reversed.
      for (std::size_t i = 0; i < as.size(); ++i) {
        const std::vector<SymmetricEigen> alone =
            symmetric_eigen_batch(std::span<const Eigen::MatrixXd>(&as[i], 1));
        CHECK((alone[0].values.array() == all[i].values.array()).all());
        CHECK((alone[0].vectors.array() == all[i].vectors.array()).all());
      }
      for (std::size_t i0 = 0; i0 < as.size(); i0 += 3) {
        const std::size_t m = std::min<std::size_t>(3, as.size() - i0);
        const std::vector<SymmetricEigen> part =
            symmetric_eigen_batch(std::span<const Eigen::MatrixXd>(as.data() + i0, m));
        for (std::size_t j = 0; j < m; ++j)
          CHECK((part[j].vectors.array() == all[i0 + j].vectors.array()).all());
      }
      std::vector<Eigen::MatrixXd> reversed(as.rbegin(), as.rend());
      const std::vector<SymmetricEigen> back = symmetric_eigen_batch(reversed);
      for (std::size_t i = 0; i < as.size(); ++i)
        CHECK((back[as.size() - 1 - i].vectors.array() == all[i].vectors.array()).all());
    }
  }
}

TEST_CASE("batched eigendecompositions: empty batches and bad input", "[linalg][eigen_batch]") {
  CHECK(symmetric_eigen_batch({}).empty());
  CHECK(symmetric_eigenvalues_batch({}).empty());
  std::vector<Eigen::MatrixXd> as(3, Eigen::MatrixXd::Identity(4, 4));
  as[1] = Eigen::MatrixXd::Identity(5, 5);
  SAMPO_REQUIRE_THROWS_WITH(symmetric_eigen_batch(as), sampo::invalid_argument,
                            "symmetric_eigen_batch", "as[1]");
  as[1] = Eigen::MatrixXd::Identity(4, 4);
  as[2](3, 1) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(symmetric_eigenvalues_batch(as), sampo::invalid_argument,
                            "symmetric_eigenvalues_batch", "as[2]");
  as[2] = Eigen::MatrixXd::Identity(4, 4);
  as[2](0, 1) = 0.5;  // not symmetric
  SAMPO_REQUIRE_THROWS_WITH(spd_eigen_batch(as), sampo::invalid_argument, "spd_eigen_batch",
                            "as[2]");
  as[2] = -Eigen::MatrixXd::Identity(4, 4);  // symmetric, not SPD
  CHECK_NOTHROW(symmetric_eigen_batch(as));
  SAMPO_REQUIRE_THROWS_WITH(spd_eigen_batch(as), sampo::not_spd_error, "spd_eigen_batch", "as[2]");
}

TEST_CASE("weighted_log_sum is the weighted sum of log(W X Wᵀ)", "[linalg][eigen_batch]") {
  const KernelGuard guard;
  for (const KernelSet k : available_kernel_sets()) {
    use_kernel_set(k);
    // n = 65 takes the one-matrix kernels, the others the lanes; 11 matrices = a full group of
    // lanes plus a partial one.
    for (const Eigen::Index n : {1, 3, 22, 65}) {
      INFO("kernels " << to_string(k) << ", n = " << n);
      std::vector<Eigen::MatrixXd> xs;
      std::vector<double> weights;
      for (std::uint64_t i = 0; i < 11; ++i) {
        const Eigen::VectorXd lambda = n == 1 ? Eigen::VectorXd::Constant(1, 2.0 + i)
                                              : sampo::test::log_spaced(n, 10.0 + 100.0 * i);
        xs.push_back(sampo::test::with_spectrum(
            sampo::test::orthogonal_matrix(n, 300 + i + 20 * static_cast<std::uint64_t>(n)),
            lambda));
        weights.push_back(0.5 + 0.1 * static_cast<double>(i));
      }
      // W: a well-conditioned random matrix (cond ≤ 10); a lower-triangular one, L⁻¹ of
      // M = L Lᵀ with cond(M) = 100 (cond(L⁻¹) = 10; the kernels' triangular route); the identity.
      const Eigen::MatrixXd full = sampo::test::with_spectrum(sampo::test::orthogonal_matrix(n, 99),
                                                              sampo::test::log_spaced(n, 10.0));
      const Eigen::MatrixXd lower =
          sampo::test::with_spectrum(sampo::test::orthogonal_matrix(n, 98),
                                     sampo::test::log_spaced(n, 100.0))
              .llt()
              .matrixL()
              .solve(Eigen::MatrixXd::Identity(n, n));
      for (const int kind : {0, 1, 2}) {
        const bool identity = kind == 2;
        const Eigen::MatrixXd& w = kind == 0 ? full : lower;
        INFO("W " << (kind == 0 ? "full" : kind == 1 ? "lower triangular" : "identity"));
        const Eigen::MatrixXd wm = identity ? Eigen::MatrixXd() : w;
        const Eigen::MatrixXd got = weighted_log_sum(xs, weights, wm);
        Eigen::MatrixXd want = Eigen::MatrixXd::Zero(n, n);
        double scale = 0.0;
        for (std::size_t i = 0; i < xs.size(); ++i) {
          const Eigen::MatrixXd term = spd_log(identity ? xs[i] : congruence(w, xs[i]));
          want += weights[i] * term;
          scale += std::abs(weights[i]) * term.norm();
        }
        // Each term is log of an SPD matrix of condition ≤ 1e5 (1e3 · 10²), accurate to about
        // n·eps·κ in the small directions (spd.hpp's error model): 10·n·eps·κ bounds both
        // computations' errors relative to Σ|w_i|·‖log Y_i‖ (measured: 5e-14 at most).
        const double err = (got - want).norm() / scale;
        INFO("relative error " << err);
        CHECK(err <= 10.0 * static_cast<double>(n) * kEps * 1e5);
        CHECK(sampo::test::exactly_symmetric(got));
        // Weights 1: the sum is the terms of one-matrix calls added in index order, bit for bit.
        const std::vector<double> ones(xs.size(), 1.0);
        const Eigen::MatrixXd sum = weighted_log_sum(xs, ones, wm);
        Eigen::MatrixXd acc;
        for (std::size_t i = 0; i < xs.size(); ++i) {
          const Eigen::MatrixXd t = weighted_log_sum(std::span<const Eigen::MatrixXd>(&xs[i], 1),
                                                     std::span<const double>(&ones[i], 1), wm);
          if (i == 0)
            acc = t;
          else
            acc += t;
        }
        CHECK((sum.array() == acc.array()).all());
      }
    }
  }
}

TEST_CASE("weighted_log_sum rejects bad input naming it", "[linalg][eigen_batch]") {
  std::vector<Eigen::MatrixXd> xs(3, Eigen::MatrixXd::Identity(4, 4));
  std::vector<double> weights{1.0, 1.0, 1.0};
  const Eigen::MatrixXd none;
  SAMPO_REQUIRE_THROWS_WITH(weighted_log_sum({}, {}, none), sampo::invalid_argument,
                            "weighted_log_sum", "xs");
  SAMPO_REQUIRE_THROWS_WITH(weighted_log_sum(xs, std::span<const double>(weights.data(), 2), none),
                            sampo::invalid_argument, "weighted_log_sum", "weights",
                            "2 entries for 3");
  weights[1] = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(weighted_log_sum(xs, weights, none), sampo::invalid_argument,
                            "weights[1]");
  weights[1] = 1.0;
  SAMPO_REQUIRE_THROWS_WITH(weighted_log_sum(xs, weights, Eigen::MatrixXd::Identity(3, 3)),
                            sampo::invalid_argument, "weighted_log_sum", "'w'");
  xs[2] = Eigen::MatrixXd::Identity(5, 5);
  SAMPO_REQUIRE_THROWS_WITH(weighted_log_sum(xs, weights, none), sampo::invalid_argument, "xs[2]");
  xs[2] = Eigen::MatrixXd::Identity(4, 4);
  xs[1] = -Eigen::MatrixXd::Identity(4, 4);  // symmetric, not SPD
  SAMPO_REQUIRE_THROWS_WITH(weighted_log_sum(xs, weights, none), sampo::not_spd_error,
                            "weighted_log_sum", "xs[1]");
  xs[1] = Eigen::MatrixXd::Identity(4, 4);
  Eigen::MatrixXd singular = Eigen::MatrixXd::Identity(4, 4);
  singular(3, 3) = 0.0;  // W X Wᵀ singular: not SPD
  SAMPO_REQUIRE_THROWS_WITH(weighted_log_sum(xs, weights, singular), sampo::not_spd_error, "xs[0]");
}

TEST_CASE("congruence_eigenvalues_batch gives the eigenvalues of W X Wᵀ", "[linalg][eigen_batch]") {
  const KernelGuard guard;
  for (const KernelSet k : available_kernel_sets()) {
    use_kernel_set(k);
    for (const Eigen::Index n : {1, 4, 22, 65}) {  // 65: the one-matrix kernels
      INFO("kernels " << to_string(k) << ", n = " << n);
      const std::vector<Eigen::MatrixXd> xs =
          sweep_matrices(n, 500 + static_cast<std::uint64_t>(n));
      const Eigen::MatrixXd full = sampo::test::gaussian_matrix(n, n, 77);
      // A lower-triangular W takes the kernels' triangular route (sums stop at the diagonal).
      const Eigen::MatrixXd lower = full.triangularView<Eigen::Lower>();
      for (const Eigen::MatrixXd& w : {full, lower}) {
        const std::vector<Eigen::VectorXd> got = congruence_eigenvalues_batch(xs, w);
        REQUIRE(got.size() == xs.size());
        for (std::size_t i = 0; i < xs.size(); ++i) {
          const Eigen::MatrixXd y = congruence(w, xs[i]);
          const Eigen::VectorXd want = symmetric_eigen(y).values;
          // Both are backward stable for W X Wᵀ up to the rounding of the product (n·eps·‖W‖²‖X‖):
          // Weyl's bound at 10·n·eps·‖W‖²·‖X‖ for each.
          const double scale = w.squaredNorm() * xs[i].norm();
          CHECK((got[i] - want).cwiseAbs().maxCoeff() <=
                20.0 * static_cast<double>(n) * kEps * scale);
          CHECK(std::is_sorted(got[i].data(), got[i].data() + n));
        }
      }
      // W empty is the identity: the values of symmetric_eigenvalues_batch, bit for bit.
      const std::vector<Eigen::VectorXd> plain =
          congruence_eigenvalues_batch(xs, Eigen::MatrixXd());
      const std::vector<Eigen::VectorXd> direct = symmetric_eigenvalues_batch(xs);
      for (std::size_t i = 0; i < xs.size(); ++i)
        CHECK((plain[i].array() == direct[i].array()).all());
    }
  }
  CHECK(congruence_eigenvalues_batch({}, Eigen::MatrixXd()).empty());
  const std::vector<Eigen::MatrixXd> xs(2, Eigen::MatrixXd::Identity(3, 3));
  SAMPO_REQUIRE_THROWS_WITH(congruence_eigenvalues_batch(xs, Eigen::MatrixXd::Identity(2, 2)),
                            sampo::invalid_argument, "congruence_eigenvalues_batch", "'w'");
}

TEST_CASE("the unchecked batched functions give the checked ones' results",
          "[linalg][eigen_batch]") {
  // For callers that have checked their matrices already (riemann's means and distances): the
  // same kernels, so the same bits; the SPD rule on W X Wᵀ is still applied.
  for (const Eigen::Index n : {3, 22}) {
    std::vector<Eigen::MatrixXd> xs;
    for (std::uint64_t i = 0; i < 9; ++i)
      xs.push_back(sampo::test::with_spectrum(sampo::test::orthogonal_matrix(n, 700 + i),
                                              sampo::test::log_spaced(n, 50.0)));
    const std::vector<double> weights(xs.size(), 0.25);
    const Eigen::MatrixXd w = sampo::test::with_spectrum(sampo::test::orthogonal_matrix(n, 98),
                                                         sampo::test::log_spaced(n, 4.0));
    CHECK((detail::weighted_log_sum_unchecked(xs, weights, w).array() ==
           weighted_log_sum(xs, weights, w).array())
              .all());
    const auto a = detail::congruence_eigenvalues_batch_unchecked(xs, w);
    const auto b = congruence_eigenvalues_batch(xs, w);
    for (std::size_t i = 0; i < xs.size(); ++i) CHECK((a[i].array() == b[i].array()).all());
    xs[4] = -xs[4];  // W X Wᵀ not SPD
    SAMPO_REQUIRE_THROWS_WITH(detail::weighted_log_sum_unchecked(xs, weights, w),
                              sampo::not_spd_error, "xs[4]");
  }
}

// The run-time choice of the dense kernels (generic / AVX2+FMA): both builds must meet the
// backward-error model of the symmetric eigensolver and of the products, and agree with each
// other to it; the choice itself is validated.
#include "sampo_test.hpp"

#include <algorithm>
#include <vector>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/kernels.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/linalg/symmetric.hpp"

using namespace sampo::linalg;
using sampo::test::kEps;

namespace {

/// Restores the kernel set a test changed.
struct KernelGuard {
  KernelSet saved = kernel_set();
  ~KernelGuard() { use_kernel_set(saved); }
};

std::vector<KernelSet> available_sets() {
  std::vector<KernelSet> out{KernelSet::generic};
  if (kernel_set_available(KernelSet::avx2)) out.push_back(KernelSet::avx2);
  return out;
}

}  // namespace

TEST_CASE("kernel sets: names, availability, selection", "[kernels]") {
  CHECK(to_string(KernelSet::generic) == "generic");
  CHECK(to_string(KernelSet::avx2) == "avx2");
  CHECK(kernel_set_available(KernelSet::generic));
  CHECK(kernel_set_available(kernel_set()));
  const KernelGuard guard;
  use_kernel_set(KernelSet::generic);
  CHECK(kernel_set() == KernelSet::generic);
  if (kernel_set_available(KernelSet::avx2)) {
    use_kernel_set(KernelSet::avx2);
    CHECK(kernel_set() == KernelSet::avx2);
  } else {
    SAMPO_REQUIRE_THROWS_WITH(use_kernel_set(KernelSet::avx2), sampo::invalid_argument,
                              "use_kernel_set", "avx2", "not available");
    CHECK(kernel_set() == KernelSet::generic);
  }
}

TEST_CASE("every kernel set meets the eigensolver's backward-error model", "[kernels]") {
  const KernelGuard guard;
  for (const KernelSet k : available_sets()) {
    use_kernel_set(k);
    for (const Eigen::Index n : {1, 5, 22, 64, 100}) {
      for (const double cond : {1.0, 1e6}) {
        INFO("kernels " << to_string(k) << ", n = " << n << ", cond = " << cond);
        const Eigen::VectorXd lambda =
            n == 1 ? Eigen::VectorXd::Constant(1, 0.5) : sampo::test::log_spaced(n, cond);
        const Eigen::MatrixXd a =
            sampo::test::with_spectrum(sampo::test::orthogonal_matrix(n, 7 + n), lambda);
        const SymmetricEigen e = spd_eigen(a);
        const double nrm = lambda.maxCoeff();  // ‖A‖₂
        // Householder tridiagonalization + implicit QR: the result is exact for A + E with
        // ‖E‖₂ ≲ c·n·eps·‖A‖₂ (c a small constant; 10 is generous for n ≤ 100). Hence:
        //  - residual ‖AV − VΛ‖_F ≤ 10·n·eps·‖A‖₂,
        //  - orthogonality ‖VᵀV − I‖_F ≤ 10·n·eps,
        //  - each eigenvalue within ‖E‖₂ of the exact one (Weyl), ascending.
        const double tol = 10.0 * static_cast<double>(n) * kEps;
        CHECK((a * e.vectors - e.vectors * e.values.asDiagonal()).norm() <= tol * nrm);
        CHECK((e.vectors.transpose() * e.vectors -
               Eigen::MatrixXd::Identity(n, n)).norm() <= tol);
        Eigen::VectorXd sorted = lambda;
        std::sort(sorted.data(), sorted.data() + n);
        CHECK((e.values - sorted).cwiseAbs().maxCoeff() <= tol * nrm);
        // reconstruct(e, λ) = A: V diag(λ) Vᵀ with orthonormal V to n·eps·‖A‖ per entry sum.
        CHECK(sampo::test::max_abs_diff(reconstruct(e, e.values), a) <= 2 * tol * nrm);
      }
    }
  }
}

TEST_CASE("every kernel set computes W A Wᵀ to rounding", "[kernels]") {
  const KernelGuard guard;
  const Eigen::MatrixXd w = sampo::test::gaussian_matrix(30, 40, 11);
  const Eigen::MatrixXd g = sampo::test::gaussian_matrix(40, 40, 12);
  const Eigen::MatrixXd a = g * g.transpose();
  // The reference: the same product in long double, entry by entry.
  Eigen::MatrixXd ref(30, 30);
  for (Eigen::Index i = 0; i < 30; ++i)
    for (Eigen::Index j = 0; j < 30; ++j) {
      long double s = 0;
      for (Eigen::Index p = 0; p < 40; ++p)
        for (Eigen::Index q = 0; q < 40; ++q)
          s += static_cast<long double>(w(i, p)) * a(p, q) * w(j, q);
      ref(i, j) = static_cast<double>(s);
    }
  // |fl(WAWᵀ) − WAWᵀ| ≤ 2·n·eps·(|W||A||Wᵀ|) entrywise (two inner products of length n).
  const Eigen::MatrixXd bound =
      2.0 * 40 * kEps * (w.cwiseAbs() * a.cwiseAbs() * w.cwiseAbs().transpose());
  for (const KernelSet k : available_sets()) {
    use_kernel_set(k);
    INFO("kernels " << to_string(k));
    const Eigen::MatrixXd c = congruence(w, a);
    CHECK(sampo::test::exactly_symmetric(c));
    CHECK(((c - ref).cwiseAbs().array() <= bound.array()).all());
    // Strided views (blocks of larger matrices) are packed before the kernel: same bits.
    Eigen::MatrixXd w_big = Eigen::MatrixXd::Zero(33, 41), a_big = Eigen::MatrixXd::Zero(43, 42);
    w_big.block(2, 1, 30, 40) = w;
    a_big.block(3, 2, 40, 40) = a;
    CHECK(congruence(w_big.block(2, 1, 30, 40), a_big.block(3, 2, 40, 40)) == c);
  }
}

TEST_CASE("the kernel sets agree on SPD functions to the conditioning", "[kernels]") {
  if (!kernel_set_available(KernelSet::avx2)) {
    SUCCEED("only the generic kernels run on this processor");
    return;
  }
  const KernelGuard guard;
  const Eigen::Index n = 64;
  const double cond = 1e4;
  const Eigen::MatrixXd a = sampo::test::with_spectrum(sampo::test::orthogonal_matrix(n, 3),
                                                       sampo::test::log_spaced(n, cond));
  use_kernel_set(KernelSet::generic);
  const Eigen::MatrixXd log_g = spd_log(a), isq_g = spd_invsqrt(a);
  use_kernel_set(KernelSet::avx2);
  const Eigen::MatrixXd log_a = spd_log(a), isq_a = spd_invsqrt(a);
  // Each is within ~n·eps·cond (relative, in norm) of the exact function (spd.hpp's error
  // model), so they are within twice that of each other; 10x margin for the constant.
  const double tol = 20.0 * n * kEps * cond;
  CHECK((log_g - log_a).norm() <= tol * log_g.norm());
  CHECK((isq_g - isq_a).norm() <= tol * isq_g.norm());
}

TEST_CASE("kernel results do not depend on where the caller's arrays sit", "[kernels]") {
  // A vectorized product over caller memory would round differently when an operand starts on
  // a 32-byte boundary or 16 bytes past one; every kernel works on its own aligned copies.
  const KernelGuard guard;
  const Eigen::Index n = 13;  // odd: columns fall on every alignment
  const Eigen::MatrixXd w = sampo::test::gaussian_matrix(n, n, 21);
  const Eigen::MatrixXd g = sampo::test::gaussian_matrix(n, n, 22);
  const Eigen::MatrixXd a = g * g.transpose() + Eigen::MatrixXd::Identity(n, n);
  for (const KernelSet k : available_sets()) {
    use_kernel_set(k);
    INFO("kernels " << to_string(k));
    std::vector<Eigen::MatrixXd> results;
    std::vector<double> buffer(2 * static_cast<std::size_t>(n * n) + 8);
    for (std::size_t shift = 0; shift < 4; ++shift) {  // 0, 8, 16, 24 bytes
      double* pw = buffer.data() + shift;
      double* pa = pw + n * n;
      Eigen::Map<Eigen::MatrixXd>(pw, n, n) = w;
      Eigen::Map<Eigen::MatrixXd>(pa, n, n) = a;
      const Eigen::Map<const Eigen::MatrixXd> wm(pw, n, n), am(pa, n, n);
      results.push_back(congruence(wm, am));
      results.push_back(spd_log(am));
    }
    for (std::size_t r = 2; r < results.size(); ++r) CHECK(results[r] == results[r % 2]);
  }
}

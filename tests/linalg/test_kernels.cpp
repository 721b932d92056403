// The run-time choice of the dense kernels (generic / AVX2+FMA): both builds must meet the
// backward-error model of the symmetric eigensolver and of the products, and agree with each
// other to it; the choice itself is validated.
#include "sampo_test.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "linalg_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/kernels.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/linalg/symmetric.hpp"
#include "thread_count.hpp"

using namespace sampo::linalg;
using sampo::test::available_kernel_sets;
using sampo::test::kEps;
using sampo::test::KernelGuard;


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
  for (const KernelSet k : available_kernel_sets()) {
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
  for (const KernelSet k : available_kernel_sets()) {
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
  for (const KernelSet k : available_kernel_sets()) {
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

namespace {

/// AᵀA in long double, entry by entry, and |A|ᵀ|A| (the scale of its rounding error).
std::pair<Eigen::MatrixXd, Eigen::MatrixXd> gram_reference(const Eigen::MatrixXd& a) {
  const Eigen::Index p = a.cols();
  Eigen::MatrixXd ref(p, p);
  for (Eigen::Index i = 0; i < p; ++i)
    for (Eigen::Index j = 0; j < p; ++j) {
      long double s = 0;
      for (Eigen::Index r = 0; r < a.rows(); ++r) s += static_cast<long double>(a(r, i)) * a(r, j);
      ref(i, j) = static_cast<double>(s);
    }
  return {ref, a.cwiseAbs().transpose() * a.cwiseAbs()};
}

/// Gram-route scores by the textbook route: per-row triangular solves with chol(AᵀA) (Eigen).
Eigen::VectorXd scores_by_solves(const Eigen::MatrixXd& a) {
  const Eigen::MatrixXd g = a.transpose() * a;
  const Eigen::LLT<Eigen::MatrixXd> llt(g);
  Eigen::MatrixXd z = a;
  llt.matrixU().solveInPlace<Eigen::OnTheRight>(z);
  return z.rowwise().squaredNorm();
}

LeverageOptions gram_route() {
  LeverageOptions o;
  o.method = LeverageMethod::gram;
  return o;
}

}  // namespace

TEST_CASE("every kernel set computes AᵀA to rounding, at every tile edge", "[kernels]") {
  // Column counts around the tile widths (3 for AᵀA, 6 and 8 for the scores) and row counts
  // around the 4-row vectors, the 512-row chunks and the 4096-row blocks of gram().
  const KernelGuard guard;
  std::uint64_t stream = 100;
  for (const Eigen::Index p : {1, 2, 3, 4, 7, 8, 13, 37, 100, 131}) {
    for (const Eigen::Index n : {1, 3, 6, 517, 9001}) {
      if (n < p && n != 1) continue;
      const Eigen::MatrixXd a = sampo::test::gaussian_matrix(n, p, ++stream);
      const auto [ref, scale] = gram_reference(a);
      // Each entry is a sum of n products, summed in 4 lanes, then per chunk and per block:
      // |fl − exact| ≤ n·eps·(|A|ᵀ|A|)(i, j) (γ_n for any summation order).
      const double factor = static_cast<double>(n) * kEps;
      for (const KernelSet k : available_kernel_sets()) {
        use_kernel_set(k);
        INFO("kernels " << to_string(k) << ", n = " << n << ", p = " << p);
        const Eigen::MatrixXd g = gram(a);
        CHECK(sampo::test::exactly_symmetric(g));
        CHECK(((g - ref).cwiseAbs().array() <= factor * scale.array()).all());
        // A strided view (a block of a larger matrix) gives the same bits as its copy.
        Eigen::MatrixXd big = Eigen::MatrixXd::Zero(n + 5, p + 2);
        big.block(3, 1, n, p) = a;
        CHECK(gram(big.block(3, 1, n, p)) == g);
      }
    }
  }
}

TEST_CASE("every kernel set computes Gram-route leverage to its error model", "[kernels]") {
  const KernelGuard guard;
  std::uint64_t stream = 200;
  for (const Eigen::Index p : {1, 5, 6, 7, 8, 13, 100}) {
    for (const Eigen::Index n : {p, p + 3, Eigen::Index{2049}, Eigen::Index{5000}}) {
      const Eigen::MatrixXd a = sampo::test::gaussian_matrix(n, p, ++stream);
      const Eigen::VectorXd ref = scores_by_solves(a);
      for (const KernelSet k : available_kernel_sets()) {
        use_kernel_set(k);
        INFO("kernels " << to_string(k) << ", n = " << n << ", p = " << p);
        const LeverageResult r = leverage_scores(a, gram_route());
        REQUIRE(r.method_used == LeverageMethod::gram);
        // Both sides form AᵀA and chol (relative error ≲ p·eps·κ(A)² per score, κ(A) of a
        // tall Gaussian matrix ≤ ~20 here, a square one up to ~1e3 for p = 100); L⁻¹ formed
        // explicitly adds ≲ p·eps·κ(A). Relative tolerance 10·p·eps·κ².
        const double kappa2 = r.condition_estimate * r.condition_estimate;
        const double tol = 10.0 * static_cast<double>(p) * kEps * kappa2;
        CHECK(((r.scores - ref).cwiseAbs().array() <= tol * ref.array()).all());
        // Σ h = p (the trace of the projection), to the same relative error.
        CHECK(std::abs(r.scores.sum() - static_cast<double>(p)) <= tol * static_cast<double>(p));
      }
    }
  }
}

TEST_CASE("every kernel set gives AᵀA and leverage the same bits with 1 and 2 threads",
          "[kernels]") {
  // 30011 x 37: 7 Gram blocks and 15 score blocks (2048 rows), neither tile width divides 37.
  const KernelGuard guard;
  const Eigen::MatrixXd a = sampo::test::gaussian_matrix(30011, 37, 301);
  for (const KernelSet k : available_kernel_sets()) {
    use_kernel_set(k);
    INFO("kernels " << to_string(k));
    const Eigen::MatrixXd g1 = sampo::test::with_threads(1, [&] { return gram(a); });
    const Eigen::MatrixXd g2 = sampo::test::with_threads(2, [&] { return gram(a); });
    CHECK(sampo::test::same_entries(g1, g2));
    const LeverageResult h1 =
        sampo::test::with_threads(1, [&] { return leverage_scores(a, gram_route()); });
    const LeverageResult h2 =
        sampo::test::with_threads(2, [&] { return leverage_scores(a, gram_route()); });
    CHECK(sampo::test::same_entries(h1.scores, h2.scores));
  }
}

TEST_CASE("the kernel sets agree on AᵀA and Gram-route leverage to rounding", "[kernels]") {
  if (!kernel_set_available(KernelSet::avx2)) {
    SUCCEED("only the generic kernels run on this processor");
    return;
  }
  const KernelGuard guard;
  const Eigen::MatrixXd a = sampo::test::gaussian_matrix(20000, 50, 302);
  use_kernel_set(KernelSet::generic);
  const Eigen::MatrixXd g_generic = gram(a);
  const LeverageResult h_generic = leverage_scores(a, gram_route());
  use_kernel_set(KernelSet::avx2);
  const Eigen::MatrixXd g_avx2 = gram(a);
  const LeverageResult h_avx2 = leverage_scores(a, gram_route());
  // Each is within n·eps·|A|ᵀ|A| of the exact AᵀA, so within twice that of each other.
  const Eigen::MatrixXd scale = a.cwiseAbs().transpose() * a.cwiseAbs();
  CHECK(((g_generic - g_avx2).cwiseAbs().array() <= 2 * 20000 * kEps * scale.array()).all());
  // Each score within 10·p·eps·κ² (relative) of the exact one (test above); κ ≈ 1.1 here.
  const double kappa2 = h_avx2.condition_estimate * h_avx2.condition_estimate;
  const double tol = 2 * 10.0 * 50 * kEps * kappa2;
  CHECK(((h_generic.scores - h_avx2.scores).cwiseAbs().array() <=
         tol * h_avx2.scores.array()).all());
}

TEST_CASE("Gram-route leverage and gram name a non-finite entry found through AᵀA", "[kernels]") {
  // Finiteness is checked through the diagonal of AᵀA (a sum of squares), not by a separate
  // pass: every kind of non-finite entry, anywhere, must still be found and named.
  const KernelGuard guard;
  for (const KernelSet k : available_kernel_sets()) {
    use_kernel_set(k);
    INFO("kernels " << to_string(k));
    for (const double bad : {std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity()}) {
      Eigen::MatrixXd a = sampo::test::gaussian_matrix(9001, 13, 303);
      a(8999, 12) = bad;
      SAMPO_REQUIRE_THROWS_WITH(gram(a), sampo::invalid_argument, "sampo::linalg::gram",
                                "entry (8999, 12)");
      for (const LeverageMethod m : {LeverageMethod::gram, LeverageMethod::automatic,
                                     LeverageMethod::qr}) {
        LeverageOptions o;
        o.method = m;
        SAMPO_REQUIRE_THROWS_WITH(leverage_scores(a, o), sampo::invalid_argument,
                                  "sampo::linalg::leverage_scores", "entry (8999, 12)");
      }
    }
    // Finite entries whose squares overflow: AᵀA is not finite but A is, so no argument error;
    // the Gram route refuses the (non-finite) Gram matrix as before.
    Eigen::MatrixXd huge = sampo::test::gaussian_matrix(50, 3, 304) * 1e160;
    CHECK_NOTHROW(gram(huge));
    SAMPO_REQUIRE_THROWS_WITH(leverage_scores(huge, gram_route()), sampo::numerical_error,
                              "not numerically positive definite");
  }
}

TEST_CASE("every kernel set computes product_row_norms to rounding, 1 and 2 threads alike",
          "[kernels]") {
  // Column counts p and widths k around the 8 x 6 tile and row counts around the 64-row passes
  // and the 2048-row blocks.
  const KernelGuard guard;
  std::uint64_t stream = 400;
  for (const Eigen::Index p : {1, 5, 8, 13, 100}) {
    for (const Eigen::Index k : {1, 6, 7, 32}) {
      for (const Eigen::Index n : {1, 9, 65, 2049, 4100}) {
        const Eigen::MatrixXd a = sampo::test::gaussian_matrix(n, p, ++stream);
        const Eigen::MatrixXd w = sampo::test::gaussian_matrix(p, k, ++stream);
        // Reference in long double; each entry of A·W is a p-term dot product, its square
        // summed over k: |fl − exact| ≤ (p + k + 2)·eps·Σ_j ((|A||W|)_{ij})² (γ bounds).
        const Eigen::MatrixXd abs_aw = a.cwiseAbs() * w.cwiseAbs();
        Eigen::VectorXd ref(n), scale(n);
        for (Eigen::Index i = 0; i < n; ++i) {
          long double s = 0;
          for (Eigen::Index j = 0; j < k; ++j) {
            long double z = 0;
            for (Eigen::Index c = 0; c < p; ++c)
              z += static_cast<long double>(a(i, c)) * static_cast<long double>(w(c, j));
            s += z * z;
          }
          ref(i) = static_cast<double>(s);
          scale(i) = abs_aw.row(i).squaredNorm();
        }
        const double factor = static_cast<double>(2 * (p + k + 2)) * kEps;
        for (const KernelSet ks : available_kernel_sets()) {
          use_kernel_set(ks);
          INFO("kernels " << to_string(ks) << ", n = " << n << ", p = " << p << ", k = " << k);
          const Eigen::VectorXd h = product_row_norms(a, w);
          CHECK(((h - ref).cwiseAbs().array() <= factor * scale.array()).all());
          const Eigen::VectorXd h2 = sampo::test::with_threads(2, [&] { return product_row_norms(a, w); });
          const Eigen::VectorXd h1 = sampo::test::with_threads(1, [&] { return product_row_norms(a, w); });
          CHECK(sampo::test::same_entries(h, h1));
          CHECK(sampo::test::same_entries(h1, h2));
          // A strided view gives the same bits as its copy (each row depends on itself only).
          Eigen::MatrixXd big = Eigen::MatrixXd::Zero(n + 5, p + 2);
          big.block(3, 1, n, p) = a;
          CHECK(sampo::test::same_entries(product_row_norms(big.block(3, 1, n, p), w), h));
        }
      }
    }
  }
}

TEST_CASE("product_row_norms rejects bad input", "[kernels]") {
  const Eigen::MatrixXd a = sampo::test::gaussian_matrix(50, 4, 500);
  SAMPO_REQUIRE_THROWS_WITH(product_row_norms(a, Eigen::MatrixXd::Ones(3, 2)),
                            sampo::invalid_argument, "sampo::linalg::product_row_norms", "'w'");
  SAMPO_REQUIRE_THROWS_WITH(product_row_norms(Eigen::MatrixXd(), Eigen::MatrixXd::Ones(3, 2)),
                            sampo::invalid_argument, "'a'");
  Eigen::MatrixXd bad = a;
  bad(17, 2) = std::numeric_limits<double>::quiet_NaN();
  SAMPO_REQUIRE_THROWS_WITH(product_row_norms(bad, Eigen::MatrixXd::Ones(4, 2)),
                            sampo::invalid_argument, "'a'", "(17, 2)");
  Eigen::MatrixXd wbad = Eigen::MatrixXd::Ones(4, 2);
  wbad(1, 1) = std::numeric_limits<double>::infinity();
  SAMPO_REQUIRE_THROWS_WITH(product_row_norms(a, wbad), sampo::invalid_argument, "'w'");
}

#include "sampo/riemann/distance.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "detail.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/linalg/symmetric.hpp"

namespace sampo::riemann {
namespace {

void check_same_size(std::string_view fn, const Eigen::Ref<const Eigen::MatrixXd>& a,
                     const Eigen::Ref<const Eigen::MatrixXd>& b, std::string_view bname = "b") {
  check_shape(fn, bname, b, a.rows(), a.cols());
}

/// L^{-1}, where B = L L^T: the eigenvalues of L^{-1} X L^{-T} are the generalized
/// eigenvalues of (X, B).
Eigen::MatrixXd inverse_factor(const Eigen::LLT<Eigen::MatrixXd>& llt_b) {
  const Eigen::Index n = llt_b.matrixLLT().rows();
  return llt_b.matrixL().solve(Eigen::MatrixXd::Identity(n, n));
}

/// sqrt(sum log^2 lambda) over the generalized eigenvalues @p ev of (X, B). The caller has
/// checked X with check_spd and B with factor(), so both pass sampo's SPD rule. The generalized
/// eigenvalues are then positive in exact arithmetic (Sylvester's law of inertia), but computed
/// ones carry an absolute error of about n·eps·κ(B)·λ_max(Z): when κ(X)·κ(B) approaches 1/eps
/// the smallest can come out <= 0, and its log would be NaN or -inf. That is reported, never
/// returned.
double riemann_from_eigenvalues(std::string_view fn, std::string_view name,
                                const Eigen::VectorXd& ev) {
  if (!(ev.array() > 0.0).all())
    throw_numerical_error(
        fn, "a generalized eigenvalue of ('" + std::string(name) + "', the reference) is " +
                format_value(ev.minCoeff()) +
                ", not positive at working precision: both matrices are SPD, but their "
                "condition numbers multiply beyond 1/eps, so the distance cannot be computed "
                "(rescale or regularize them)");
  return std::sqrt(ev.array().log().square().sum());
}

/// Checks @p b with sampo's SPD rule and returns its Cholesky factor.
Eigen::LLT<Eigen::MatrixXd> factor(std::string_view fn, std::string_view name,
                                   const Eigen::Ref<const Eigen::MatrixXd>& b) {
  check_spd(fn, name, b);
  Eigen::LLT<Eigen::MatrixXd> llt(b);
  if (llt.info() != Eigen::Success)  // possible only with κ(b) near 1/(n·eps)
    throw_numerical_error(fn, "the Cholesky factorization of '" + std::string(name) +
                                  "' failed although it passes the SPD rule (its condition "
                                  "number is near 1/(n·eps)); regularize it");
  return llt;
}

}  // namespace

double distance_riemann(const Eigen::Ref<const Eigen::MatrixXd>& a,
                        const Eigen::Ref<const Eigen::MatrixXd>& b) {
  constexpr const char* fn = "sampo::riemann::distance_riemann";
  check_spd(fn, "a", a);
  check_same_size(fn, a, b);
  const Eigen::MatrixXd a_copy = a;
  return riemann_from_eigenvalues(
      fn, "a",
      linalg::congruence_eigenvalues_batch(std::span<const Eigen::MatrixXd>(&a_copy, 1),
                                           inverse_factor(factor(fn, "b", b)))[0]);
}

double distance_logeuclid(const Eigen::Ref<const Eigen::MatrixXd>& a,
                          const Eigen::Ref<const Eigen::MatrixXd>& b) {
  constexpr const char* fn = "sampo::riemann::distance_logeuclid";
  check_spd(fn, "a", a);
  check_same_size(fn, a, b);
  check_spd(fn, "b", b);
  return (linalg::spd_log(a) - linalg::spd_log(b)).norm();
}

double distance_euclid(const Eigen::Ref<const Eigen::MatrixXd>& a,
                       const Eigen::Ref<const Eigen::MatrixXd>& b) {
  constexpr const char* fn = "sampo::riemann::distance_euclid";
  check_finite(fn, "a", a);
  check_same_size(fn, a, b);
  check_finite(fn, "b", b);
  return (a - b).norm();
}

double distance(const Eigen::Ref<const Eigen::MatrixXd>& a,
                const Eigen::Ref<const Eigen::MatrixXd>& b, Metric metric) {
  switch (metric) {
    case Metric::riemann:
      return distance_riemann(a, b);
    case Metric::log_euclid:
      return distance_logeuclid(a, b);
    case Metric::euclid:
      return distance_euclid(a, b);
  }
  return 0.0;
}

Eigen::VectorXd distances(const std::vector<Eigen::MatrixXd>& xs,
                          const Eigen::Ref<const Eigen::MatrixXd>& b, Metric metric) {
  constexpr const char* fn = "sampo::riemann::distances";
  check_nonempty(fn, "xs", xs.size());
  Eigen::VectorXd d(static_cast<Eigen::Index>(xs.size()));
  // d(i) = distance(xs[i]) for every matrix, after the shape and SPD checks, in parallel.
  const auto each_spd = [&](auto&& distance) {
    parallel::parallel_for(
        xs.size(),
        [&](std::size_t i) {
          const std::string name = detail::item("matrix", i);
          check_same_size(fn, b, xs[i], name);
          check_spd(fn, name, xs[i]);
          d(static_cast<Eigen::Index>(i)) = distance(name, xs[i]);
        },
        detail::one_per_block());
  };
  if (metric == Metric::riemann) {
    // Fixed blocks of 8 matrices: their generalized eigenvalues from one batched call
    // (several matrices per SIMD register); each distance is the same whatever the blocks.
    constexpr std::size_t kBlock = 8;
    const Eigen::MatrixXd linv = inverse_factor(factor(fn, "b", b));
    parallel::parallel_for(
        (xs.size() + kBlock - 1) / kBlock,
        [&](std::size_t blk) {
          const std::size_t i0 = blk * kBlock, m = std::min(kBlock, xs.size() - i0);
          for (std::size_t k = 0; k < m; ++k) {
            const std::string name = detail::item("matrix", i0 + k);
            check_same_size(fn, b, xs[i0 + k], name);
            check_spd(fn, name, xs[i0 + k]);
          }
          const std::vector<Eigen::VectorXd> ev = linalg::detail::congruence_eigenvalues_batch_unchecked(
              std::span<const Eigen::MatrixXd>(xs.data() + i0, m), linv);
          for (std::size_t k = 0; k < m; ++k)
            d(static_cast<Eigen::Index>(i0 + k)) =
                riemann_from_eigenvalues(fn, detail::item("matrix", i0 + k), ev[k]);
        },
        detail::one_per_block());
  } else if (metric == Metric::log_euclid) {
    check_spd(fn, "b", b);
    const Eigen::MatrixXd log_b = linalg::spd_log(b);
    each_spd([&](const std::string&, const Eigen::MatrixXd& x) {
      return (linalg::spd_log(x) - log_b).norm();
    });
  } else {
    check_finite(fn, "b", b);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const std::string name = detail::item("matrix", i);
      check_same_size(fn, b, xs[i], name);
      check_finite(fn, name, xs[i]);
      d(static_cast<Eigen::Index>(i)) = (xs[i] - b).norm();
    }
  }
  return d;
}

}  // namespace sampo::riemann

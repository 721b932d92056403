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

namespace {

/// d(i, k) = distance(xs[i], refs[k]) under @p metric: each matrix and each reference checked
/// once; refs[k] is named ref_names[k] in errors.
Eigen::MatrixXd distance_table(std::string_view fn, const std::vector<Eigen::MatrixXd>& xs,
                               std::span<const Eigen::MatrixXd* const> refs,
                               std::span<const std::string> ref_names, Metric metric) {
  check_nonempty(fn, "xs", xs.size());
  const auto kr = static_cast<Eigen::Index>(refs.size());
  const Eigen::MatrixXd& b0 = *refs[0];
  for (Eigen::Index k = 1; k < kr; ++k) check_same_size(fn, b0, *refs[k], ref_names[k]);
  Eigen::MatrixXd d(static_cast<Eigen::Index>(xs.size()), kr);
  if (metric == Metric::riemann) {
    // Fixed blocks of 8 matrices, each checked once: their generalized eigenvalues against
    // every reference from one batched call per reference (several matrices per SIMD register);
    // each distance is the same whatever the blocks and the other references.
    constexpr std::size_t kBlock = 8;
    std::vector<Eigen::MatrixXd> linv;
    for (Eigen::Index k = 0; k < kr; ++k)
      linv.push_back(inverse_factor(factor(fn, ref_names[k], *refs[k])));
    parallel::parallel_for(
        (xs.size() + kBlock - 1) / kBlock,
        [&](std::size_t blk) {
          const std::size_t i0 = blk * kBlock, m = std::min(kBlock, xs.size() - i0);
          for (std::size_t j = 0; j < m; ++j) {
            const std::string name = detail::item("matrix", i0 + j);
            check_same_size(fn, b0, xs[i0 + j], name);
            check_spd(fn, name, xs[i0 + j]);
          }
          for (Eigen::Index k = 0; k < kr; ++k) {
            const std::vector<Eigen::VectorXd> ev =
                linalg::detail::congruence_eigenvalues_batch_unchecked(
                    std::span<const Eigen::MatrixXd>(xs.data() + i0, m), linv[k]);
            for (std::size_t j = 0; j < m; ++j)
              d(static_cast<Eigen::Index>(i0 + j), k) =
                  riemann_from_eigenvalues(fn, detail::item("matrix", i0 + j), ev[j]);
          }
        },
        detail::one_per_block());
  } else if (metric == Metric::log_euclid) {
    std::vector<Eigen::MatrixXd> log_b;
    for (Eigen::Index k = 0; k < kr; ++k) {
      check_spd(fn, ref_names[k], *refs[k]);
      log_b.push_back(linalg::spd_log(*refs[k]));
    }
    parallel::parallel_for(
        xs.size(),
        [&](std::size_t i) {
          const std::string name = detail::item("matrix", i);
          check_same_size(fn, b0, xs[i], name);
          check_spd(fn, name, xs[i]);
          const Eigen::MatrixXd log_x = linalg::spd_log(xs[i]);
          for (Eigen::Index k = 0; k < kr; ++k)
            d(static_cast<Eigen::Index>(i), k) = (log_x - log_b[static_cast<std::size_t>(k)]).norm();
        },
        detail::one_per_block());
  } else {
    for (Eigen::Index k = 0; k < kr; ++k) check_finite(fn, ref_names[k], *refs[k]);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const std::string name = detail::item("matrix", i);
      check_same_size(fn, b0, xs[i], name);
      check_finite(fn, name, xs[i]);
      for (Eigen::Index k = 0; k < kr; ++k)
        d(static_cast<Eigen::Index>(i), k) = (xs[i] - *refs[k]).norm();
    }
  }
  return d;
}

}  // namespace

Eigen::VectorXd distances(const std::vector<Eigen::MatrixXd>& xs,
                          const Eigen::Ref<const Eigen::MatrixXd>& b, Metric metric) {
  const Eigen::MatrixXd b_copy = b;
  const Eigen::MatrixXd* const refs[1] = {&b_copy};
  const std::string names[1] = {"b"};
  return distance_table("sampo::riemann::distances", xs, refs, names, metric).col(0);
}

Eigen::MatrixXd distances(const std::vector<Eigen::MatrixXd>& xs,
                          const std::vector<Eigen::MatrixXd>& refs, Metric metric) {
  constexpr const char* fn = "sampo::riemann::distances";
  check_nonempty(fn, "refs", refs.size());
  std::vector<const Eigen::MatrixXd*> ptrs;
  std::vector<std::string> names;
  for (std::size_t k = 0; k < refs.size(); ++k) {
    ptrs.push_back(&refs[k]);
    std::string name = "refs[";
    names.push_back(name.append(std::to_string(k)).append("]"));
  }
  return distance_table(fn, xs, ptrs, names, metric);
}

}  // namespace sampo::riemann

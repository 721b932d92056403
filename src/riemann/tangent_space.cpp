#include "sampo/riemann/tangent_space.hpp"

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

const double kSqrt2 = std::sqrt(2.0);

void upper_into(const Eigen::Ref<const Eigen::MatrixXd>& s, Eigen::Ref<Eigen::VectorXd> out) {
  const Eigen::Index n = s.rows();
  Eigen::Index k = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    out(k++) = s(i, i);
    for (Eigen::Index j = i + 1; j < n; ++j) out(k++) = kSqrt2 * s(i, j);
  }
}

Eigen::Index triangular_side(std::string_view fn, Eigen::Index len) {
  const auto n = static_cast<Eigen::Index>(
      std::llround((std::sqrt(8.0 * static_cast<double>(len) + 1.0) - 1.0) / 2.0));
  if (len == 0 || n * (n + 1) / 2 != len)
    throw_invalid_argument(fn, "v", std::to_string(len), "length is not n(n+1)/2 for any n >= 1");
  return n;
}

struct Whitener {
  Eigen::MatrixXd c12, cm12;
  Whitener(std::string_view fn, const Eigen::Ref<const Eigen::MatrixXd>& c) {
    check_spd(fn, "reference", c);
    const linalg::SymmetricEigen e = linalg::spd_eigen(c);
    c12 = linalg::spd_sqrt(e);
    cm12 = linalg::spd_invsqrt(e);
  }
  [[nodiscard]] Eigen::MatrixXd log_map(std::string_view fn, std::string_view name,
                                        const Eigen::Ref<const Eigen::MatrixXd>& x) const {
    check_shape(fn, name, x, c12.rows(), c12.cols());
    check_spd(fn, name, x);
    const Eigen::MatrixXd y = linalg::congruence(cm12, x);
    return linalg::spd_log(linalg::spd_eigen_batch(std::span<const Eigen::MatrixXd>(&y, 1))[0]);
  }
  /// log_map of xs[first], ..., xs[first + m − 1] (named "matrix i"), from one batched
  /// eigendecomposition: each result equals log_map's for that matrix, bit for bit.
  [[nodiscard]] std::vector<Eigen::MatrixXd> log_maps(std::string_view fn,
                                                      const std::vector<Eigen::MatrixXd>& xs,
                                                      std::size_t first, std::size_t m) const {
    std::vector<Eigen::MatrixXd> ys(m);
    for (std::size_t k = 0; k < m; ++k) {
      const std::string name = detail::item("matrix", first + k);
      check_shape(fn, name, xs[first + k], c12.rows(), c12.cols());
      check_spd(fn, name, xs[first + k]);
      ys[k] = linalg::congruence(cm12, xs[first + k]);
    }
    const std::vector<linalg::SymmetricEigen> es = linalg::spd_eigen_batch(ys);
    std::vector<Eigen::MatrixXd> out(m);
    for (std::size_t k = 0; k < m; ++k) out[k] = linalg::spd_log(es[k]);
    return out;
  }
};

}  // namespace

Eigen::VectorXd upper(const Eigen::Ref<const Eigen::MatrixXd>& s) {
  check_symmetric("sampo::riemann::upper", "s", s);
  Eigen::VectorXd v(s.rows() * (s.rows() + 1) / 2);
  upper_into(s, v);
  return v;
}

Eigen::MatrixXd unupper(const Eigen::Ref<const Eigen::VectorXd>& v) {
  constexpr const char* fn = "sampo::riemann::unupper";
  const Eigen::Index n = triangular_side(fn, v.size());
  check_finite(fn, "v", v);
  Eigen::MatrixXd s(n, n);
  Eigen::Index k = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    s(i, i) = v(k++);
    for (Eigen::Index j = i + 1; j < n; ++j) s(i, j) = s(j, i) = v(k++) / kSqrt2;
  }
  return s;
}

Eigen::MatrixXd log_map(const Eigen::Ref<const Eigen::MatrixXd>& x,
                        const Eigen::Ref<const Eigen::MatrixXd>& reference) {
  constexpr const char* fn = "sampo::riemann::log_map";
  return Whitener(fn, reference).log_map(fn, "x", x);
}

Eigen::MatrixXd exp_map(const Eigen::Ref<const Eigen::MatrixXd>& s,
                        const Eigen::Ref<const Eigen::MatrixXd>& reference) {
  constexpr const char* fn = "sampo::riemann::exp_map";
  const Whitener w(fn, reference);
  check_shape(fn, "s", s, reference.rows(), reference.cols());
  check_symmetric(fn, "s", s);
  return linalg::congruence(w.c12, linalg::spd_exp(s));
}

Eigen::VectorXd tangent_vector(const Eigen::Ref<const Eigen::MatrixXd>& x,
                               const Eigen::Ref<const Eigen::MatrixXd>& reference) {
  constexpr const char* fn = "sampo::riemann::tangent_vector";
  const Eigen::MatrixXd l = Whitener(fn, reference).log_map(fn, "x", x);
  Eigen::VectorXd v(l.rows() * (l.rows() + 1) / 2);
  upper_into(l, v);
  return v;
}

Eigen::MatrixXd tangent_space(const std::vector<Eigen::MatrixXd>& xs,
                              const Eigen::Ref<const Eigen::MatrixXd>& reference) {
  constexpr const char* fn = "sampo::riemann::tangent_space";
  check_nonempty(fn, "xs", xs.size());
  const Whitener w(fn, reference);
  const Eigen::Index n = reference.rows();
  Eigen::MatrixXd out(static_cast<Eigen::Index>(xs.size()), n * (n + 1) / 2);
  constexpr std::size_t kBlock = 8;  // matrices per batched eigendecomposition
  parallel::parallel_for(
      (xs.size() + kBlock - 1) / kBlock,
      [&](std::size_t blk) {
        const std::size_t i0 = blk * kBlock, m = std::min(kBlock, xs.size() - i0);
        const std::vector<Eigen::MatrixXd> ls = w.log_maps(fn, xs, i0, m);
        Eigen::VectorXd v(out.cols());
        for (std::size_t k = 0; k < m; ++k) {
          upper_into(ls[k], v);
          out.row(static_cast<Eigen::Index>(i0 + k)) = v.transpose();
        }
      },
      detail::one_per_block());
  return out;
}

std::vector<Eigen::MatrixXd> untangent_space(const Eigen::Ref<const Eigen::MatrixXd>& vectors,
                                             const Eigen::Ref<const Eigen::MatrixXd>& reference) {
  constexpr const char* fn = "sampo::riemann::untangent_space";
  const Whitener w(fn, reference);
  const Eigen::Index n = reference.rows();
  if (vectors.cols() != n * (n + 1) / 2)
    throw_invalid_argument(fn, "vectors", {},
                           "has " + std::to_string(vectors.cols()) + " columns; a " +
                               std::to_string(n) + " x " + std::to_string(n) + " reference needs " +
                               std::to_string(n * (n + 1) / 2));
  check_finite(fn, "vectors", vectors);
  std::vector<Eigen::MatrixXd> out(static_cast<std::size_t>(vectors.rows()));
  parallel::parallel_for(
      out.size(),
      [&](std::size_t i) {
        const Eigen::MatrixXd s = unupper(vectors.row(static_cast<Eigen::Index>(i)).transpose());
        out[i] = linalg::congruence(w.c12, linalg::spd_exp(s));
      },
      detail::one_per_block());
  return out;
}

}  // namespace sampo::riemann

#include "sampo/sketch/leverage.hpp"

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/qr.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::sketch {
namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr std::string_view kApprox = "sampo::sketch::approximate_leverage_scores";

/// T = V_r Σ_r⁻¹ from the SVD of the triangular factor of a (rank = numerical rank).
Eigen::MatrixXd whitening(const Eigen::MatrixXd& sa, Eigen::Index n, Eigen::Index* rank) {
  const linalg::ThinQr qr = linalg::thin_qr(sa);
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(qr.r, Eigen::ComputeFullV);
  const Eigen::VectorXd& sigma = svd.singularValues();
  const Eigen::Index d = sa.cols();
  const double tol = static_cast<double>(std::max(n, d)) * kEps * sigma(0);
  Eigen::Index r = 0;
  while (r < d && sigma(r) > tol) ++r;
  *rank = r;
  return svd.matrixV().leftCols(r) * sigma.head(r).cwiseInverse().asDiagonal();
}

/// Bucket and sign of row i (stream 0, sample index i).
struct Hash {
  Eigen::Index bucket;
  double sign;
};
Hash row_hash(std::uint64_t seed, Eigen::Index i, Eigen::Index m) {
  parallel::RandomStream rs(seed, 0, static_cast<std::uint64_t>(i));
  const auto bucket = static_cast<Eigen::Index>(rs.uniform_int(static_cast<std::uint64_t>(m)));
  const double sign = (rs.next_u64() >> 63) != 0 ? 1.0 : -1.0;
  return {bucket, sign};
}

struct Sizes {
  Eigen::Index m, k;
};
Sizes choose_sizes(Eigen::Index n, Eigen::Index d, const ApproxLeverageOptions& o) {
  const double es = o.epsilon / 4, ej = o.epsilon / 4;
  Sizes s{};
  if (o.sketch_rows > 0) {
    s.m = o.sketch_rows;
  } else {
    const double dd = static_cast<double>(d);
    const double m = std::ceil((dd * dd + dd) / (o.delta * es * es));
    s.m = m >= static_cast<double>(n) ? n : static_cast<Eigen::Index>(m);
  }
  s.m = std::min(s.m, n);
  s.k = o.jl_dimension > 0
            ? o.jl_dimension
            : static_cast<Eigen::Index>(
                  std::ceil(8.0 * std::log(2.0 * static_cast<double>(n) / o.delta) / (ej * ej)));
  return s;
}

template <class Matrix>
ApproxLeverageResult approximate(const Matrix& a, const ApproxLeverageOptions& options) {
  Stopwatch watch;
  options.validate();
  const Eigen::Index n = a.rows(), d = a.cols();
  const Sizes sz = choose_sizes(n, d, options);
  ApproxLeverageResult out;
  out.sketch_rows = sz.m;
  Eigen::MatrixXd t;
  if (sz.m >= n) {
    t = whitening(Eigen::MatrixXd(a), n, &out.rank);
  } else {
    // CountSketch: row i of A added with sign s_i to bucket h_i (serial scatter: a fixed
    // summation order, the same bits for any thread count).
    Eigen::MatrixXd sa = Eigen::MatrixXd::Zero(sz.m, d);
    if constexpr (std::is_same_v<Matrix, Eigen::SparseMatrix<double>>) {
      std::vector<Hash> hash(static_cast<std::size_t>(n));
      for (Eigen::Index i = 0; i < n; ++i) hash[static_cast<std::size_t>(i)] = row_hash(options.seed, i, sz.m);
      for (Eigen::Index j = 0; j < a.outerSize(); ++j)
        for (typename Matrix::InnerIterator it(a, j); it; ++it) {
          const Hash& h = hash[static_cast<std::size_t>(it.row())];
          sa(h.bucket, it.col()) += h.sign * it.value();
        }
    } else {
      for (Eigen::Index i = 0; i < n; ++i) {
        const Hash h = row_hash(options.seed, i, sz.m);
        sa.row(h.bucket) += h.sign * a.row(i);
      }
    }
    t = whitening(sa, n, &out.rank);
  }
  if (out.rank == 0) throw_invalid_argument(kApprox, "a", "a zero matrix", "has rank 0");
  // G: r x k with N(0, 1/k) entries, column j from stream 1, sample index j.
  const Eigen::Index k = sz.k;
  Eigen::MatrixXd g(out.rank, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    parallel::RandomStream rs(options.seed, 1, static_cast<std::uint64_t>(j));
    rs.fill_normal(g.col(j));
  }
  g /= std::sqrt(static_cast<double>(k));
  const Eigen::MatrixXd tg = t * g;  // d x k
  Eigen::MatrixXd atg = a * tg;      // n x k
  out.scores = atg.rowwise().squaredNorm();
  out.jl_dimension = k;
  const double r = static_cast<double>(out.rank);
  const double es =
      sz.m >= n ? 0.0 : std::sqrt((r * r + r) / (options.delta * static_cast<double>(sz.m)));
  const double ej =
      std::sqrt(8.0 * std::log(2.0 * static_cast<double>(n) / options.delta) / static_cast<double>(k));
  out.ratio_lower = ej < 1.0 ? (1.0 - ej) / ((1.0 + es) * (1.0 + es)) : 0.0;
  out.ratio_upper =
      es < 1.0 ? (1.0 + ej) / ((1.0 - es) * (1.0 - es)) : std::numeric_limits<double>::infinity();
  out.run.termination = Termination::converged;
  out.run.message = "sketch rows ";
  out.run.message.append(std::to_string(sz.m)).append(", JL dimension ").append(std::to_string(k));
  out.run.evaluations = 1;
  out.run.seconds = watch.seconds();
  return out;
}
}  // namespace

Eigen::VectorXd root_leverage_scores(const Eigen::Ref<const Eigen::VectorXd>& tau, double p) {
  constexpr std::string_view kFn = "sampo::sketch::root_leverage_scores";
  check_nonempty(kFn, "tau", static_cast<std::size_t>(tau.size()));
  detail::check_p(kFn, "p", p);
  for (Eigen::Index i = 0; i < tau.size(); ++i)
    if (!(tau(i) >= 0.0 && tau(i) <= 1.0 + 1e-8)) {
      std::string name = "tau(";
      name.append(std::to_string(i)).append(")");
      throw_invalid_argument(kFn, name, format_value(tau(i)), "must be in [0, 1] (a leverage score)");
    }
  const double n = static_cast<double>(tau.size());
  Eigen::VectorXd s(tau.size());
  for (Eigen::Index i = 0; i < tau.size(); ++i) {
    const double t = std::min(tau(i), 1.0);
    s(i) = p <= 2.0 ? std::pow(t, 0.5 * p)
                    : std::min(1.0, std::pow(n, 0.5 * p - 1.0) * std::pow(t, 0.5 * p));
  }
  return s;
}

void ApproxLeverageOptions::validate() const {
  constexpr std::string_view kFn = "sampo::sketch::ApproxLeverageOptions::validate";
  if (!(epsilon > 0.0 && epsilon < 1.0))
    throw_invalid_argument(kFn, "epsilon", format_value(epsilon), "must be in (0, 1)");
  if (!(delta > 0.0 && delta < 1.0))
    throw_invalid_argument(kFn, "delta", format_value(delta), "must be in (0, 1)");
  if (sketch_rows < 0)
    throw_invalid_argument(kFn, "sketch_rows", std::to_string(sketch_rows), "must be >= 0");
  if (jl_dimension < 0)
    throw_invalid_argument(kFn, "jl_dimension", std::to_string(jl_dimension), "must be >= 0");
}

ApproxLeverageResult approximate_leverage_scores(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                                 const ApproxLeverageOptions& options) {
  detail::check_tall(kApprox, "a", a);
  return approximate(a, options);
}

ApproxLeverageResult approximate_leverage_scores(const Eigen::SparseMatrix<double>& a,
                                                 const ApproxLeverageOptions& options) {
  if (a.rows() == 0 || a.cols() == 0) throw_invalid_argument(kApprox, "a", "empty", "is empty");
  if (a.rows() < a.cols()) {
    std::string shape = std::to_string(a.rows());
    shape.append(" x ").append(std::to_string(a.cols()));
    throw_invalid_argument(kApprox, "a", shape, "must have at least as many rows as columns (n >= d)");
  }
  for (Eigen::Index j = 0; j < a.outerSize(); ++j)
    for (Eigen::SparseMatrix<double>::InnerIterator it(a, j); it; ++it)
      if (!std::isfinite(it.value())) {
        std::string where = "a(";
        where.append(std::to_string(it.row())).append(", ").append(std::to_string(it.col())).append(")");
        throw_invalid_argument(kApprox, where, format_value(it.value()), "must be finite");
      }
  return approximate(a, options);
}

}  // namespace sampo::sketch

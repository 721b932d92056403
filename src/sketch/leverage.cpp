#include "sampo/sketch/leverage.hpp"

#include <Eigen/Cholesky>
#include <Eigen/SVD>
#include <cstdint>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/qr.hpp"
#include "sampo/linalg/symmetric.hpp"
#include "sampo/parallel/map_reduce.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::sketch {
namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr std::string_view kApprox = "sampo::sketch::approximate_leverage_scores";
/// Rows per block of the per-row passes (hashes, A·W): a fixed partition, whatever the threads.
constexpr std::size_t kRowBlock = 4096;
/// The Cholesky route is taken when its rounding allowance ρ = d·eps·κ₁((SA)ᵀSA) is at most
/// this (κ(A) up to about 6.7e3 at d = 100, 2e3 at d = 1000); else the QR + SVD route.
constexpr double kMaxRounding = 1e-6;

/// W (d x k) with τ̃_i = ‖(A·W)_i‖² and the route's data: W = T·G for the whitening T.
struct Projection {
  Eigen::MatrixXd w;
  Eigen::Index rank = 0;
  double rounding = 0.0;  ///< ρ of the Cholesky route (0 on the QR + SVD route)
  bool cholesky = false;
};

/// The Gaussian JL matrix G (r x k, entries N(0, 1/k)): column j from stream 1, sample index j.
Eigen::MatrixXd jl_matrix(std::uint64_t seed, Eigen::Index r, Eigen::Index k) {
  Eigen::MatrixXd g(r, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    parallel::RandomStream rs(seed, 1, static_cast<std::uint64_t>(j));
    rs.fill_normal(g.col(j));
  }
  g /= std::sqrt(static_cast<double>(k));
  return g;
}

/// (SA)ᵀSA as the sum of linalg::gram over fixed blocks of kGramRows rows of SA (the threads
/// take whole blocks; partial sums added in block order): the same bits for any thread count.
Eigen::MatrixXd sketch_gram(const Eigen::Ref<const Eigen::MatrixXd>& sa) {
  constexpr Eigen::Index kGramRows = 1024;
  const Eigen::Index m = sa.rows();
  const Eigen::Index blocks = (m + kGramRows - 1) / kGramRows;
  if (blocks <= 1) return linalg::gram(sa);
  std::vector<Eigen::MatrixXd> part(static_cast<std::size_t>(blocks));
  parallel::MapReduceOptions po;
  po.block_size = 1;
  parallel::parallel_for(
      static_cast<std::size_t>(blocks),
      [&](std::size_t b) {
        const Eigen::Index r0 = static_cast<Eigen::Index>(b) * kGramRows;
        part[b] = linalg::gram(sa.middleRows(r0, std::min(kGramRows, m - r0)));
      },
      po);
  Eigen::MatrixXd g = std::move(part[0]);
  for (std::size_t b = 1; b < part.size(); ++b) g += part[b];
  return g;
}

/// The projection from the sketch SA (m x d; A itself when no sketch is used, n its row count).
/// Cholesky route: (SA)ᵀSA = LLᵀ by linalg::gram (fixed row blocks, thread-independent bits)
/// and Eigen's LLT; R = Lᵀ is SA's triangular factor up to row signs, so T = R⁻¹ = L⁻ᵀ gives
/// A·T the scores of A·V_r Σ_r⁻¹ (R⁻¹ = V Σ⁻¹ U_Rᵀ, and U_Rᵀ does not change row norms) and
/// W = L⁻ᵀ G is one triangular solve: no SVD. Taken when the Cholesky factorization succeeds
/// and ρ = d·eps/rcond((SA)ᵀSA) <= kMaxRounding (rcond: Eigen's 1-norm estimate). Otherwise
/// (SA ill-conditioned or rank deficient) the rank-revealing route: thin QR of SA, SVD of R
/// (BDCSVD), T = V_r Σ_r⁻¹ over the numerical rank r (σ > max(n, d)·eps·σ_1).
Projection projection(const Eigen::Ref<const Eigen::MatrixXd>& sa, Eigen::Index n,
                      std::uint64_t seed, Eigen::Index k) {
  const Eigen::Index d = sa.cols();
  Projection out;
  {
    const Eigen::LLT<Eigen::MatrixXd> llt(sketch_gram(sa));
    if (llt.info() == Eigen::Success) {
      const double rcond = llt.rcond();
      const double rho = rcond > 0.0 ? static_cast<double>(d) * kEps / rcond
                                     : std::numeric_limits<double>::infinity();
      if (rho <= kMaxRounding) {
        out.w = jl_matrix(seed, d, k);
        llt.matrixU().solveInPlace(out.w);  // Lᵀ W = G
        out.rank = d;
        out.rounding = rho;
        out.cholesky = true;
        return out;
      }
    }
  }
  const linalg::ThinQr qr = linalg::thin_qr(sa);
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(qr.r, Eigen::ComputeFullV);
  const Eigen::VectorXd& sigma = svd.singularValues();
  const double tol = static_cast<double>(std::max(n, d)) * kEps * sigma(0);
  while (out.rank < d && sigma(out.rank) > tol) ++out.rank;
  if (out.rank == 0) return out;
  const Eigen::MatrixXd t =
      svd.matrixV().leftCols(out.rank) * sigma.head(out.rank).cwiseInverse().asDiagonal();
  out.w = t * jl_matrix(seed, out.rank, k);
  return out;
}

/// Bucket and sign of every row (stream 0, sample index i). Rows in fixed blocks on the
/// threads (each row's draw depends only on i).
struct RowHashes {
  std::vector<Eigen::Index> bucket;
  std::vector<double> sign;  ///< ±1: the scatter multiplies (exact) instead of branching
};
RowHashes row_hashes(std::uint64_t seed, Eigen::Index n, Eigen::Index m) {
  RowHashes out;
  out.bucket.resize(static_cast<std::size_t>(n));
  out.sign.resize(static_cast<std::size_t>(n));
  parallel::MapReduceOptions po;
  po.block_size = kRowBlock;
  parallel::parallel_for(
      static_cast<std::size_t>(n),
      [&](std::size_t i) {
        parallel::RandomStream rs(seed, 0, static_cast<std::uint64_t>(i));
        out.bucket[i] = static_cast<Eigen::Index>(rs.uniform_int(static_cast<std::uint64_t>(m)));
        out.sign[i] = (rs.next_u64() >> 63) != 0 ? 1.0 : -1.0;
      },
      po);
  return out;
}

/// CountSketch SA (m x d): row i of A added with its sign to its bucket. One task per column of
/// A (the threads take whole columns), each entry of SA summed over the rows in increasing
/// order: the same bits for any thread count.
template <class Matrix>
Eigen::MatrixXd count_sketch(const Matrix& a, const RowHashes& hash, Eigen::Index m) {
  const Eigen::Index n = a.rows(), d = a.cols();
  Eigen::MatrixXd sa = Eigen::MatrixXd::Zero(m, d);
  const Eigen::Index* bucket = hash.bucket.data();
  const double* sign = hash.sign.data();
  parallel::MapReduceOptions po;
  po.block_size = 1;
  parallel::parallel_for(
      static_cast<std::size_t>(d),
      [&](std::size_t jj) {
        const auto j = static_cast<Eigen::Index>(jj);
        double* out = sa.col(j).data();
        if constexpr (std::is_same_v<Matrix, Eigen::SparseMatrix<double>>) {
          for (typename Matrix::InnerIterator it(a, j); it; ++it)
            out[bucket[it.row()]] += sign[it.row()] * it.value();
        } else {
          const double* col = a.col(j).data();
          for (Eigen::Index i = 0; i < n; ++i) out[bucket[i]] += sign[i] * col[i];
        }
      },
      po);
  return sa;
}

/// τ̃_i = ‖(A·W)_i‖², dense A: linalg::product_row_norms (the dense kernel over fixed row
/// blocks; each row's value depends only on that row and W, so the same bits for any thread
/// count, and no n x k temporary).
Eigen::VectorXd projected_norms(const Eigen::Ref<const Eigen::MatrixXd>& a, const Eigen::MatrixXd& w) {
  return linalg::product_row_norms(a, w);
}

/// τ̃_i = ‖Σ_j a_ij W_{j,:}‖², sparse A: a row-major copy of the non-zeros, rows in fixed blocks,
/// each row's sum in its own column order (thread-independent bits).
Eigen::VectorXd projected_norms(const Eigen::SparseMatrix<double>& a, const Eigen::MatrixXd& w) {
  using RowSparse = Eigen::SparseMatrix<double, Eigen::RowMajor>;
  const RowSparse rows = a;
  const Eigen::MatrixXd wt = w.transpose();  // column j = row j of W, contiguous
  const Eigen::Index n = a.rows(), k = w.cols();
  Eigen::VectorXd h(n);
  parallel::MapReduceOptions po;
  po.block_size = kRowBlock;
  parallel::parallel_for(
      static_cast<std::size_t>(n),
      [&](std::size_t ii) {
        const auto i = static_cast<Eigen::Index>(ii);
        Eigen::VectorXd y = Eigen::VectorXd::Zero(k);
        for (RowSparse::InnerIterator it(rows, i); it; ++it) y += it.value() * wt.col(it.col());
        h(i) = y.squaredNorm();
      },
      po);
  return h;
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
  const Eigen::Index k = sz.k;
  Projection proj;
  if (sz.m >= n) {
    if constexpr (std::is_same_v<Matrix, Eigen::SparseMatrix<double>>)
      proj = projection(Eigen::MatrixXd(a), n, options.seed, k);
    else
      proj = projection(a, n, options.seed, k);
  } else {
    proj = projection(count_sketch(a, row_hashes(options.seed, n, sz.m), sz.m), n, options.seed, k);
  }
  out.rank = proj.rank;
  if (out.rank == 0) throw_invalid_argument(kApprox, "a", "a zero matrix", "has rank 0");
  out.scores = projected_norms(a, proj.w);
  out.jl_dimension = k;
  const double r = static_cast<double>(out.rank);
  const double es =
      sz.m >= n ? 0.0 : std::sqrt((r * r + r) / (options.delta * static_cast<double>(sz.m)));
  const double ej =
      std::sqrt(8.0 * std::log(2.0 * static_cast<double>(n) / options.delta) / static_cast<double>(k));
  // The bound of exact arithmetic, widened on the Cholesky route by its rounding allowance ρ.
  out.ratio_lower = ej < 1.0 ? (1.0 - ej) / ((1.0 + es) * (1.0 + es)) * (1.0 - proj.rounding) : 0.0;
  out.ratio_upper = es < 1.0 ? (1.0 + ej) / ((1.0 - es) * (1.0 - es)) * (1.0 + proj.rounding)
                             : std::numeric_limits<double>::infinity();
  out.run.termination = Termination::converged;
  out.run.message = "sketch rows ";
  out.run.message.append(std::to_string(sz.m)).append(", JL dimension ").append(std::to_string(k));
  if (proj.cholesky)
    out.run.message.append(", whitening by Cholesky (rounding allowance ")
        .append(format_value(proj.rounding))
        .append(")");
  else
    out.run.message.append(", whitening by QR and SVD (rank ")
        .append(std::to_string(out.rank))
        .append(")");
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

#include "sampo/linalg/leverage.hpp"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/symmetric.hpp"

#include "gram_unchecked.hpp"
#include "kernels.hpp"
#include "sparse_qr.hpp"

namespace sampo::linalg {
namespace {

constexpr std::string_view kFn = "sampo::linalg::leverage_scores";
constexpr double kEps = std::numeric_limits<double>::epsilon();

/// Rank, condition number and the p x r matrix B with U = Q·B (Q from A = QR) spanning the
/// numerical range, from the SVD of the p x p factor R (σ(R) = σ(A)).
struct RangeBasis {
  Eigen::Index rank = 0;
  double condition = std::numeric_limits<double>::infinity();
  Eigen::MatrixXd b;  // p x rank
};

/// Singular values of R (descending) above this count toward the numerical rank.
double rank_threshold(const Eigen::VectorXd& sigma, Eigen::Index n, Eigen::Index p,
                      double rank_tolerance) {
  return (rank_tolerance > 0 ? rank_tolerance : static_cast<double>(std::max(n, p)) * kEps) *
         sigma(0);
}

RangeBasis range_basis(const Eigen::MatrixXd& r, Eigen::Index n, double rank_tolerance) {
  const Eigen::Index p = r.cols();
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(r, Eigen::ComputeFullU);
  const Eigen::VectorXd& sigma = svd.singularValues();
  const double tol = rank_threshold(sigma, n, p, rank_tolerance);
  RangeBasis out;
  while (out.rank < p && sigma(out.rank) > tol) ++out.rank;
  if (out.rank == p && sigma(p - 1) > 0) out.condition = sigma(0) / sigma(p - 1);
  if (out.rank == p)
    out.b = Eigen::MatrixXd::Identity(p, p);
  else
    out.b = svd.matrixU().leftCols(out.rank);
  return out;
}

/// Squared row norms of Q_full·[B; 0] for the Householder sequence of @p qr (m x p) and B
/// (p x r): the leverage of the rows this QR factored.
Eigen::VectorXd row_norms(const Eigen::HouseholderQR<Eigen::MatrixXd>& qr, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd u = Eigen::MatrixXd::Zero(qr.rows(), b.cols());
  u.topRows(b.rows()) = b;
  qr.householderQ().applyThisOnTheLeft(u);  // blocked, no m x m matrix
  return u.rowwise().squaredNorm();
}

/// QR route. A tall A is factored as a one-level TSQR (Demmel, Grigori, Hoemmen & Langou,
/// SIAM J. Sci. Comput. 34, 2012): fixed row blocks A_k = Q_k R_k (each in cache, in parallel),
/// then the stacked [R_1; ...; R_K] = Q_s R. Q = diag(Q_k)·Q_s is orthonormal and the
/// factorization is backward stable like plain Householder QR, but each block is factored in
/// cache instead of streaming the whole panel from memory once per column.
LeverageResult by_qr(const Eigen::Ref<const Eigen::MatrixXd>& a, double rank_tolerance) {
  const Eigen::Index n = a.rows(), p = a.cols();
  const Eigen::Index block_rows = std::max<Eigen::Index>(4 * p, 8192);
  const Eigen::Index blocks = std::max<Eigen::Index>(1, n / block_rows);
  LeverageResult out;
  out.method_used = LeverageMethod::qr;
  if (blocks == 1) {
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
    const RangeBasis basis =
        range_basis(qr.matrixQR().topRows(p).triangularView<Eigen::Upper>(), n, rank_tolerance);
    out.rank = basis.rank;
    out.condition_estimate = basis.condition;
    out.scores = basis.rank == 0 ? Eigen::VectorXd::Zero(n) : row_norms(qr, basis.b);
    return out;
  }
  // Block k holds rows [start(k), start(k+1)); every block has >= block_rows >= p rows.
  auto start = [&](Eigen::Index k) { return k * n / blocks; };
  std::vector<Eigen::HouseholderQR<Eigen::MatrixXd>> local(static_cast<std::size_t>(blocks));
  Eigen::MatrixXd stacked(blocks * p, p);
#pragma omp parallel for schedule(static)
  for (Eigen::Index k = 0; k < blocks; ++k) {
    auto& qr = local[static_cast<std::size_t>(k)];
    qr.compute(a.middleRows(start(k), start(k + 1) - start(k)));
    stacked.middleRows(k * p, p) = qr.matrixQR().topRows(p).triangularView<Eigen::Upper>();
  }
  Eigen::HouseholderQR<Eigen::MatrixXd> top(stacked);
  const RangeBasis basis =
      range_basis(top.matrixQR().topRows(p).triangularView<Eigen::Upper>(), n, rank_tolerance);
  out.rank = basis.rank;
  out.condition_estimate = basis.condition;
  out.scores.resize(n);
  if (basis.rank == 0) {
    out.scores.setZero();
    return out;
  }
  // W = Q_s [B; 0]; block k's rows of Q·B are Q_k [W_k; 0].
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(blocks * p, basis.rank);
  w.topRows(p) = basis.b;
  top.householderQ().applyThisOnTheLeft(w);
#pragma omp parallel for schedule(static)
  for (Eigen::Index k = 0; k < blocks; ++k)
    out.scores.segment(start(k), start(k + 1) - start(k)) =
        row_norms(local[static_cast<std::size_t>(k)], w.middleRows(k * p, p));
  return out;
}

/// The Gram route; std::nullopt when chol(AᵀA) fails or (if @p max_error > 0) the estimated
/// κ(A)²·eps exceeds it.
std::optional<LeverageResult> by_gram(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                      double max_error, double* cond_out) {
  const Eigen::Index n = a.rows(), p = a.cols();
  Eigen::MatrixXd g = detail::gram_unchecked(a);
  // A non-finite entry of A makes its column's diagonal entry of AᵀA (a sum of squares)
  // non-finite: A is scanned (to name the entry) only then, not in a separate pass.
  if (!g.diagonal().allFinite()) check_finite(kFn, "a", a);
  Eigen::LLT<Eigen::MatrixXd> llt(g);
  if (llt.info() != Eigen::Success) return std::nullopt;
  const double rcond = llt.rcond();
  // Numerically singular G (rank-deficient A): the factorization may "succeed" on rounding
  // noise, so also refuse rcond(G) <= p·eps.
  if (!(rcond > static_cast<double>(p) * kEps)) return std::nullopt;
  const double cond_g = rcond > 0 ? 1.0 / rcond : std::numeric_limits<double>::infinity();
  *cond_out = std::sqrt(cond_g);
  if (max_error > 0 && !(cond_g * kEps <= max_error)) return std::nullopt;

  // M = L⁻¹ (lower triangular): h_i = ‖L⁻¹a_i‖² = ‖M a_i‖², the rows of A Mᵀ by a
  // register-tiled triangular product with the squared norms fused (the dense kernel), per
  // fixed block of rows. Each row's score depends only on that row and M: the same bits for
  // any thread count. Forming M costs p³/3 flops; its rounding adds a relative error of order
  // κ(A)·eps to the scores, below the κ(A)²·eps of forming AᵀA.
  Eigen::MatrixXd m = Eigen::MatrixXd::Identity(p, p);
  llt.matrixL().solveInPlace(m);
  m.triangularView<Eigen::StrictlyUpper>().setZero();
  LeverageResult out;
  out.method_used = LeverageMethod::gram;
  out.rank = p;
  out.condition_estimate = *cond_out;
  out.scores.resize(n);
  const auto& kernels = detail::dense_kernels();
  constexpr Eigen::Index kBlock = 2048;
  const Eigen::Index blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static)
  for (Eigen::Index k = 0; k < blocks; ++k) {
    const Eigen::Index r0 = k * kBlock, len = std::min(kBlock, n - r0);
    kernels.lower_row_norms(len, p, a.data() + r0, a.outerStride(), m.data(),
                            out.scores.data() + r0);
  }
  return out;
}

// ---- sparse A ----

using RowSparse = Eigen::SparseMatrix<double, Eigen::RowMajor>;

/// h_i = ‖Σ_{j: a_ij ≠ 0} a_ij m_{j,:}‖² for every row (m: p x k): rows in parallel, each in
/// its own fixed order (thread-independent bits). With @p upper, m is upper triangular (row j
/// is zero before column j: L⁻ᵀ) and only the tails of its rows are read.
Eigen::VectorXd sparse_row_norms(const RowSparse& a, const Eigen::MatrixXd& m, bool upper) {
  const Eigen::Index n = a.rows(), k = m.cols();
  Eigen::VectorXd h(n);
#pragma omp parallel
  {
    Eigen::VectorXd y(k);
#pragma omp for schedule(static)
    for (Eigen::Index i = 0; i < n; ++i) {
      y.setZero();
      Eigen::Index first = k;
      for (RowSparse::InnerIterator it(a, i); it; ++it) {
        const Eigen::Index j = it.col();
        if (upper) {
          y.tail(k - j) += it.value() * m.row(j).tail(k - j).transpose();
          first = std::min(first, j);
        } else {
          y += it.value() * m.row(j).transpose();
          first = 0;
        }
      }
      h(i) = first < k ? y.tail(k - first).squaredNorm() : 0.0;
    }
  }
  return h;
}

/// Gram route for a sparse A (see the header); std::nullopt as by_gram.
std::optional<LeverageResult> by_gram_sparse(const RowSparse& a, double max_error,
                                             double* cond_out) {
  const Eigen::Index n = a.rows(), p = a.cols();
  // G = Σ_i a_i a_iᵀ over each row's non-zeros (upper triangle), rows in order.
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(p, p);
  for (Eigen::Index i = 0; i < n; ++i)
    for (RowSparse::InnerIterator it(a, i); it; ++it)
      for (RowSparse::InnerIterator jt = it; jt; ++jt)
        g(it.col(), jt.col()) += it.value() * jt.value();
  Eigen::LLT<Eigen::MatrixXd> llt(g.selfadjointView<Eigen::Upper>());
  if (llt.info() != Eigen::Success) return std::nullopt;
  const double rcond = llt.rcond();
  if (!(rcond > static_cast<double>(p) * kEps)) return std::nullopt;
  const double cond_g = rcond > 0 ? 1.0 / rcond : std::numeric_limits<double>::infinity();
  *cond_out = std::sqrt(cond_g);
  if (max_error > 0 && !(cond_g * kEps <= max_error)) return std::nullopt;
  // L⁻ᵀ (upper triangular): row j of it is column j of L⁻¹, so h_i = ‖Σ_j a_ij (L⁻ᵀ)_{j,:}‖².
  Eigen::MatrixXd inv_lt = Eigen::MatrixXd::Identity(p, p);
  llt.matrixL().solveInPlace(inv_lt);  // L⁻¹ (lower triangular)
  inv_lt.transposeInPlace();
  LeverageResult out;
  out.method_used = LeverageMethod::gram;
  out.rank = p;
  out.condition_estimate = *cond_out;
  out.scores = sparse_row_norms(a, inv_lt, true);
  return out;
}

/// QR route for a sparse A (see the header): R from row blocks densified one at a time.
LeverageResult by_qr_sparse(const RowSparse& a, double rank_tolerance) {
  const Eigen::Index n = a.rows(), p = a.cols();
  const Eigen::MatrixXd r = detail::sparse_qr_r_unchecked(a);
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(r, Eigen::ComputeFullV);
  const Eigen::VectorXd& sigma = svd.singularValues();
  const double tol = rank_threshold(sigma, n, p, rank_tolerance);
  LeverageResult out;
  out.method_used = LeverageMethod::qr;
  out.condition_estimate = std::numeric_limits<double>::infinity();
  while (out.rank < p && sigma(out.rank) > tol) ++out.rank;
  if (out.rank == p && sigma(p - 1) > 0) out.condition_estimate = sigma(0) / sigma(p - 1);
  if (out.rank == 0) {
    out.scores = Eigen::VectorXd::Zero(n);
    return out;
  }
  // T = V_r Σ_r⁻¹ (p x r): A·T = U_r, the left singular vectors of the numerical range.
  const Eigen::MatrixXd t =
      svd.matrixV().leftCols(out.rank) * sigma.head(out.rank).cwiseInverse().asDiagonal();
  out.scores = sparse_row_norms(a, t, false);
  return out;
}

}  // namespace

std::string_view to_string(LeverageMethod m) noexcept {
  switch (m) {
    case LeverageMethod::automatic: return "automatic";
    case LeverageMethod::qr: return "qr";
    case LeverageMethod::gram: return "gram";
  }
  return "unknown";
}

void LeverageOptions::validate() const {
  constexpr std::string_view fn = "sampo::linalg::LeverageOptions";
  check_positive(fn, "max_gram_error", max_gram_error);
  if (!(rank_tolerance >= 0 && rank_tolerance < 1))
    throw_invalid_argument(fn, "rank_tolerance", format_value(rank_tolerance),
                           "must lie in [0, 1)");
}

namespace {

/// The route of leverage_scores, for dense and sparse A alike: QR or Gram when forced (a forced
/// Gram route that fails is an error), else Gram when its error estimate κ(A)²·eps passes
/// options.max_gram_error and QR otherwise, with the reason in @p why.
template <class Qr, class Gram>
LeverageResult choose_route(const LeverageOptions& options, Qr qr, Gram gram, std::string& why) {
  double cond = std::numeric_limits<double>::infinity();
  switch (options.method) {
    case LeverageMethod::qr:
      return qr();
    case LeverageMethod::gram: {
      auto g = gram(0.0, &cond);
      if (!g)
        throw_numerical_error(kFn, "the Gram matrix AᵀA is not numerically positive definite "
                                   "(A is rank deficient or its condition number exceeds "
                                   "about 1e7); use LeverageMethod::qr or automatic");
      return std::move(*g);
    }
    case LeverageMethod::automatic:
      break;
  }
  if (auto g = gram(options.max_gram_error, &cond)) return std::move(*g);
  if (std::isfinite(cond))
    why.append("automatic: the Gram route's error estimate κ(A)²·eps = ")
        .append(format_value(cond * cond * kEps))
        .append(" > max_gram_error, so ");
  else
    why = "automatic: AᵀA is not numerically positive definite, so ";
  return qr();
}

}  // namespace

LeverageResult leverage_scores(const Eigen::Ref<const Eigen::MatrixXd>& a,
                               const LeverageOptions& options) {
  options.validate();
  check_nonempty(kFn, "a", static_cast<std::size_t>(a.size()));
  if (a.rows() < a.cols())
    throw_invalid_argument(kFn, "a", {},
                           "has shape " + std::to_string(a.rows()) + "x" +
                               std::to_string(a.cols()) + "; leverage scores need rows >= cols");
  // The Gram route checks finiteness through AᵀA (by_gram); the QR route scans A first.
  if (options.method == LeverageMethod::qr) check_finite(kFn, "a", a);

  const Stopwatch clock;
  std::string why;  // why the automatic route took QR
  LeverageResult r = choose_route(
      options, [&] { return by_qr(a, options.rank_tolerance); },
      [&](double max_error, double* cond) { return by_gram(a, max_error, cond); }, why);
  // A direct method: it always "converges"; the route, the rank and the conditioning are the
  // outcome, in words.
  r.run.termination = Termination::converged;
  r.run.message = why + std::string(to_string(r.method_used)) + " route, rank " +
                  std::to_string(r.rank) + " of " + std::to_string(a.cols()) +
                  ", condition estimate " + format_value(r.condition_estimate);
  r.run.seconds = clock.seconds();
  return r;
}

LeverageResult leverage_scores(const Eigen::SparseMatrix<double>& a,
                               const LeverageOptions& options) {
  options.validate();
  detail::check_sparse_tall(kFn, a, "leverage scores need");

  const Stopwatch clock;
  const RowSparse rows = a;  // row access for the per-row work (a copy of the non-zeros)
  std::string why;
  LeverageResult r = choose_route(
      options, [&] { return by_qr_sparse(rows, options.rank_tolerance); },
      [&](double max_error, double* cond) { return by_gram_sparse(rows, max_error, cond); }, why);
  r.run.termination = Termination::converged;
  r.run.message = why;
  r.run.message.append("sparse ")
      .append(to_string(r.method_used))
      .append(" route (")
      .append(std::to_string(a.nonZeros()))
      .append(" non-zeros), rank ")
      .append(std::to_string(r.rank))
      .append(" of ")
      .append(std::to_string(a.cols()))
      .append(", condition estimate ")
      .append(format_value(r.condition_estimate));
  r.run.seconds = clock.seconds();
  return r;
}

}  // namespace sampo::linalg

#include "sampo/bilevel/problems.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/symmetric.hpp"
#include "sampo/parallel/map_reduce.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::bilevel {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Built with append(): GCC 12 warns falsely (-Wrestrict) on `"literal" + std::string`.
std::string join(std::string_view a, std::string_view b) {
  std::string s(a);
  return s.append(b);
}

void check_size(std::string_view fn, std::string_view name, const VectorXd& v, Index n) {
  if (v.size() == n) return;
  std::string value("a vector of size ");
  value.append(std::to_string(v.size()));
  throw_invalid_argument(fn, name, value, join("expected size ", std::to_string(n)));
}

void check_xy(std::string_view fn, const VectorXd& x, Index dx, const VectorXd& y, Index dy) {
  check_size(fn, "x", x, dx);
  check_size(fn, "y", y, dy);
}

void check_xyv(std::string_view fn, const VectorXd& x, Index dx, const VectorXd& y, Index dy,
               const VectorXd& v) {
  check_xy(fn, x, dx, y, dy);
  check_size(fn, "v", v, dy);
}

// Every index of a non-empty batch must lie in [0, n).
void check_batch(std::string_view fn, Batch batch, Index n) {
  for (std::size_t k = 0; k < batch.size(); ++k) {
    const Index i = batch[k];
    if (i >= 0 && i < n) continue;
    std::string what("entry ");
    what.append(std::to_string(k));
    what.append(" is outside the sample range [0, ");
    what.append(std::to_string(n));
    what.append(")");
    throw_invalid_argument(fn, "batch", std::to_string(i), what);
  }
}

enum class Level { outer, inner };

// The checks every oracle of a sampled problem starts with: x, y (and v, when given) of the
// problem's sizes, and the batch inside the sample range of the level the oracle belongs to.
void check_oracle(std::string_view fn, const Problem& p, const VectorXd& x, const VectorXd& y,
                  Batch batch, Level level, const VectorXd* v = nullptr) {
  check_xy(fn, x, p.dim_x(), y, p.dim_y());
  if (v != nullptr) check_size(fn, "v", *v, p.dim_y());
  check_batch(fn, batch, level == Level::outer ? p.outer_samples() : p.inner_samples());
}

// The weight of a batch's sum: an unbiased estimate of Σ_i (sum-type, n/|B|) or of
// (1/n)Σ_i (mean-type, 1/|B|); the full sum weighs 1 (sum) or 1/n (mean).
double sum_weight(Batch batch, Index n) {
  return batch.empty() ? 1.0 : static_cast<double>(n) / static_cast<double>(batch.size());
}
double mean_weight(Batch batch, Index n) {
  return 1.0 / static_cast<double>(batch.empty() ? static_cast<std::size_t>(n) : batch.size());
}

// The rows of a matrix (or entries of a vector) in a batch: a reference to the whole object
// for the empty batch, a gathered copy otherwise (repetitions kept).
template <class T>
class Rows {
 public:
  Rows(const T& m, Batch batch) {
    if (batch.empty()) {
      ptr_ = &m;
      return;
    }
    if constexpr (std::is_same_v<T, VectorXd>) {
      own_.resize(static_cast<Index>(batch.size()));
      for (std::size_t k = 0; k < batch.size(); ++k) own_(static_cast<Index>(k)) = m(batch[k]);
    } else {
      own_.resize(static_cast<Index>(batch.size()), m.cols());
      for (std::size_t k = 0; k < batch.size(); ++k) own_.row(static_cast<Index>(k)) = m.row(batch[k]);
    }
    ptr_ = &own_;
  }
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  const T& operator()() const noexcept { return *ptr_; }

 private:
  T own_;
  const T* ptr_ = nullptr;
};

// σ(t) = 1/(1 + e^{−t}) without overflow; σ'(t) = σ(t)(1 − σ(t)).
double sigmoid(double t) {
  if (t >= 0) return 1.0 / (1.0 + std::exp(-t));
  const double e = std::exp(t);
  return e / (1.0 + e);
}
double sigmoid_prime(double t) {
  const double s = sigmoid(t);
  return s * (1.0 - s);
}
VectorXd sigmoid(const VectorXd& t) { return t.unaryExpr([](double v) { return sigmoid(v); }); }
VectorXd sigmoid_prime(const VectorXd& t) {
  return t.unaryExpr([](double v) { return sigmoid_prime(v); });
}

// n values log-spaced from lo up to hi (lo alone when n == 1).
VectorXd log_spaced(Index n, double lo, double hi) {
  VectorXd l(n);
  for (Index i = 0; i < n; ++i)
    l(i) = n == 1 ? lo : lo * std::pow(hi / lo, static_cast<double>(i) / static_cast<double>(n - 1));
  return l;
}

// Q of the Householder QR of an n x n normal matrix (orthogonal; Haar up to column signs).
MatrixXd random_orthogonal(parallel::RandomStream& rs, Index n) {
  const Eigen::HouseholderQR<MatrixXd> qr(rs.normal_matrix(n, n));
  return qr.householderQ() * MatrixXd::Identity(n, n);
}

// Q diag(lambda) Qᵀ with a random orthogonal Q from stream (seed, stream), exactly symmetric.
MatrixXd spd_with_spectrum(const VectorXd& lambda, std::uint64_t seed, std::uint64_t stream) {
  parallel::RandomStream rs(seed, stream);
  const MatrixXd q = random_orthogonal(rs, lambda.size());
  const MatrixXd a = q * lambda.asDiagonal() * q.transpose();
  return 0.5 * (a + a.transpose());
}

// A rows x cols normal matrix scaled to spectral norm @p norm (zero when norm == 0).
MatrixXd with_spectral_norm(Index rows, Index cols, double norm, std::uint64_t seed,
                            std::uint64_t stream) {
  MatrixXd m = parallel::RandomStream(seed, stream).normal_matrix(rows, cols);
  if (norm == 0.0) return MatrixXd::Zero(rows, cols);
  const double s = Eigen::BDCSVD<MatrixXd>(m).singularValues()(0);
  return m * (norm / s);
}

MatrixXd symmetrized(const MatrixXd& m) { return 0.5 * (m + m.transpose()); }

// XᵀDX for D = diag(s), s >= 0, as linalg::gram(D^{1/2}X): exactly symmetric, the same bits
// for any thread count.
MatrixXd weighted_gram(const MatrixXd& x, const VectorXd& s) {
  return linalg::gram(s.cwiseSqrt().asDiagonal() * x);
}

// Lower Cholesky factor of an SPD matrix (already checked by the SPD rule).
MatrixXd lower_factor(const MatrixXd& a) { return Eigen::LLT<MatrixXd>(a).matrixL(); }
// (L Lᵀ)⁻¹ b.
VectorXd factor_solve(const MatrixXd& l, const VectorXd& b) {
  VectorXd z = l.triangularView<Eigen::Lower>().solve(b);
  l.transpose().triangularView<Eigen::Upper>().solveInPlace(z);
  return z;
}

void check_nonempty_matrix(std::string_view fn, std::string_view name, const MatrixXd& m) {
  if (m.rows() == 0 || m.cols() == 0) throw_invalid_argument(fn, name, {}, "is empty");
  check_finite(fn, name, m);
}

// The training and validation sets of the least-squares problems: non-empty, finite, one
// target per row, the same features in both.
void check_regression_data(std::string_view fn, const MatrixXd& x_train, const VectorXd& y_train,
                           const MatrixXd& x_val, const VectorXd& y_val) {
  check_nonempty_matrix(fn, "x_train", x_train);
  check_shape(fn, "y_train", y_train, x_train.rows(), 1);
  check_finite(fn, "y_train", y_train);
  check_nonempty_matrix(fn, "x_val", x_val);
  check_shape(fn, "x_val", x_val, -1, x_train.cols());
  check_shape(fn, "y_val", y_val, x_val.rows(), 1);
  check_finite(fn, "y_val", y_val);
}

void check_dim(std::string_view fn, std::string_view name, Index value, Index lo) {
  if (value >= lo) return;
  throw_invalid_argument(fn, name, std::to_string(value), join("must be >= ", std::to_string(lo)));
}

/// The validation least-squares upper level ½‖X_val w − y_val‖² that ridge-hpo and
/// hyperclean-ls share: its value and its gradient in w, on a batch of validation rows.
double validation_ls(const MatrixXd& xval, const VectorXd& yval, const VectorXd& w, Batch batch) {
  const Rows<MatrixXd> xv(xval, batch);
  const Rows<VectorXd> yv(yval, batch);
  return sum_weight(batch, xval.rows()) * 0.5 * (xv() * w - yv()).squaredNorm();
}

void validation_ls_gradient(const MatrixXd& xval, const VectorXd& yval, const VectorXd& w,
                            Batch batch, VectorXd& out) {
  const Rows<MatrixXd> xv(xval, batch);
  const Rows<VectorXd> yv(yval, batch);
  const VectorXd r = xv() * w - yv();
  out = sum_weight(batch, xval.rows()) * (xv().transpose() * r);
}

}  // namespace

// ------------------------------------------------------------------------------------------
// QuadraticProblem

QuadraticProblem::QuadraticProblem(QuadraticData data) : data_(std::move(data)) {
  constexpr std::string_view fn = "sampo::bilevel::QuadraticProblem";
  const QuadraticData& d = data_;
  check_spd(fn, "data.A", d.A);
  const Index dy = d.A.rows();
  check_shape(fn, "data.C", d.C, -1, dy);
  const Index dx = d.C.rows();
  if (dx == 0) throw_invalid_argument(fn, "data.C", {}, "has no rows (d_x = 0)");
  check_finite(fn, "data.C", d.C);
  check_shape(fn, "data.B", d.B, dx, dx);
  check_symmetric(fn, "data.B", d.B);
  check_shape(fn, "data.a", d.a, dy, 1);
  check_finite(fn, "data.a", d.a);
  check_shape(fn, "data.b", d.b, dx, 1);
  check_finite(fn, "data.b", d.b);
  check_shape(fn, "data.F", d.F, dy, dy);
  check_symmetric(fn, "data.F", d.F);
  check_shape(fn, "data.H", d.H, dx, dx);
  check_symmetric(fn, "data.H", d.H);
  check_shape(fn, "data.K", d.K, dx, dy);
  check_finite(fn, "data.K", d.K);
  check_shape(fn, "data.f0", d.f0, dy, 1);
  check_finite(fn, "data.f0", d.f0);
  check_shape(fn, "data.h", d.h, dx, 1);
  check_finite(fn, "data.h", d.h);
  check_finite(fn, "data.g0", d.g0);
  check_finite(fn, "data.f_const", d.f_const);

  const Eigen::LLT<MatrixXd> llt(d.A);
  P_ = -llt.solve(MatrixXd(d.C.transpose()));
  q_ = -llt.solve(d.a);
  const MatrixXd kp = d.K * P_;
  hess_ = symmetrized(P_.transpose() * d.F * P_ + d.H + kp + kp.transpose());
  const Eigen::SelfAdjointEigenSolver<MatrixXd> es(hess_, Eigen::EigenvaluesOnly);
  if (es.info() == Eigen::Success &&
      is_spd_spectrum(dx, es.eigenvalues().minCoeff(), es.eigenvalues().maxCoeff())) {
    const VectorXd rhs = P_.transpose() * (d.F * q_) + d.K * q_ + P_.transpose() * d.f0 + d.h;
    xstar_ = VectorXd(-hess_.llt().solve(rhs));
  }
}

Index QuadraticProblem::dim_x() const { return data_.C.rows(); }
Index QuadraticProblem::dim_y() const { return data_.A.rows(); }

double QuadraticProblem::f(const VectorXd& x, const VectorXd& y, Batch) const {
  check_xy("sampo::bilevel::QuadraticProblem::f", x, dim_x(), y, dim_y());
  const QuadraticData& d = data_;
  return 0.5 * y.dot(d.F * y) + 0.5 * x.dot(d.H * x) + x.dot(d.K * y) + d.f0.dot(y) + d.h.dot(x) +
         d.f_const;
}

double QuadraticProblem::g(const VectorXd& x, const VectorXd& y, Batch) const {
  check_xy("sampo::bilevel::QuadraticProblem::g", x, dim_x(), y, dim_y());
  const QuadraticData& d = data_;
  return 0.5 * y.dot(d.A * y) + 0.5 * x.dot(d.B * x) + x.dot(d.C * y) + d.a.dot(y) + d.b.dot(x) +
         d.g0;
}

void QuadraticProblem::grad_x_f(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::QuadraticProblem::grad_x_f", x, dim_x(), y, dim_y());
  out = data_.H * x + data_.K * y + data_.h;
}

void QuadraticProblem::grad_y_f(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::QuadraticProblem::grad_y_f", x, dim_x(), y, dim_y());
  out = data_.F * y + data_.K.transpose() * x + data_.f0;
}

void QuadraticProblem::grad_x_g(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::QuadraticProblem::grad_x_g", x, dim_x(), y, dim_y());
  out = data_.B * x + data_.C * y + data_.b;
}

void QuadraticProblem::grad_y_g(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::QuadraticProblem::grad_y_g", x, dim_x(), y, dim_y());
  out = data_.A * y + data_.C.transpose() * x + data_.a;
}

void QuadraticProblem::hvp_yy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v, Batch,
                                VectorXd& out) const {
  check_xyv("sampo::bilevel::QuadraticProblem::hvp_yy_g", x, dim_x(), y, dim_y(), v);
  out = data_.A * v;
}

void QuadraticProblem::jvp_xy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v, Batch,
                                VectorXd& out) const {
  check_xyv("sampo::bilevel::QuadraticProblem::jvp_xy_g", x, dim_x(), y, dim_y(), v);
  out = data_.C * v;
}

std::optional<VectorXd> QuadraticProblem::lower_solution(const VectorXd& x) const {
  check_size("sampo::bilevel::QuadraticProblem::lower_solution", "x", x, dim_x());
  return VectorXd(P_ * x + q_);
}

std::optional<VectorXd> QuadraticProblem::hypergradient(const VectorXd& x) const {
  check_size("sampo::bilevel::QuadraticProblem::hypergradient", "x", x, dim_x());
  const QuadraticData& d = data_;
  const VectorXd y = P_ * x + q_;
  return VectorXd(d.H * x + d.K * y + d.h + P_.transpose() * (d.F * y + d.K.transpose() * x + d.f0));
}

std::optional<double> QuadraticProblem::value(const VectorXd& x) const {
  check_size("sampo::bilevel::QuadraticProblem::value", "x", x, dim_x());
  return f(x, P_ * x + q_, {});
}

std::optional<double> QuadraticProblem::optimal_value() const {
  if (!xstar_) return {};
  return value(*xstar_);
}

std::optional<VectorXd> QuadraticProblem::minimizer() const { return xstar_; }

void QuadraticProblemOptions::validate() const {
  constexpr std::string_view fn = "sampo::bilevel::QuadraticProblemOptions";
  check_dim(fn, "dim_x", dim_x, 1);
  check_dim(fn, "dim_y", dim_y, 1);
  check_positive(fn, "mu", mu);
  check_positive(fn, "L", L);
  if (L < mu) throw_invalid_argument(fn, "L", format_value(L), join("must be >= mu = ", format_value(mu)));
  check_nonnegative(fn, "coupling", coupling);
}

QuadraticProblem make_quadratic(const QuadraticProblemOptions& options) {
  options.validate();
  const Index dx = options.dim_x, dy = options.dim_y;
  const std::uint64_t seed = options.seed;
  QuadraticData d;
  d.A = spd_with_spectrum(log_spaced(dy, options.mu, options.L), seed, 1);
  d.B = spd_with_spectrum(log_spaced(dx, options.mu, options.L), seed, 2);
  d.F = spd_with_spectrum(log_spaced(dy, options.mu, options.L), seed, 3);
  d.H = spd_with_spectrum(log_spaced(dx, options.mu, options.L), seed, 4);
  d.C = with_spectral_norm(dx, dy, options.coupling, seed, 5);
  d.K = with_spectral_norm(dx, dy, options.coupling, seed, 6);
  parallel::RandomStream rs(seed, 7);
  d.a = rs.normal_vector(dy);
  d.b = rs.normal_vector(dx);
  d.f0 = rs.normal_vector(dy);
  d.h = rs.normal_vector(dx);
  // ∇²Φ = PᵀFP + H + KP + PᵀKᵀ: the cross terms may make it indefinite when coupling²/mu is
  // not small against mu. Shift H by (mu − λ_min(∇²Φ))·I in that case, so that λ_min(∇²Φ) = mu.
  const Eigen::LLT<MatrixXd> llt(d.A);
  const MatrixXd p = -llt.solve(MatrixXd(d.C.transpose()));
  const MatrixXd kp = d.K * p;
  const MatrixXd hess = symmetrized(p.transpose() * d.F * p + d.H + kp + kp.transpose());
  const double lmin = Eigen::SelfAdjointEigenSolver<MatrixXd>(hess, Eigen::EigenvaluesOnly)
                          .eigenvalues()
                          .minCoeff();
  if (lmin < options.mu) d.H.diagonal().array() += options.mu - lmin;
  return QuadraticProblem(std::move(d));
}

// ------------------------------------------------------------------------------------------
// StochasticQuadraticProblem

namespace {

void validate_stochastic(const StochasticQuadraticData& d) {
  constexpr std::string_view fn = "sampo::bilevel::StochasticQuadraticProblem";
  check_nonempty_matrix(fn, "data.a", d.a);
  const Index n = d.a.rows(), dy = d.a.cols();
  check_nonempty_matrix(fn, "data.c", d.c);
  check_shape(fn, "data.c", d.c, n, -1);
  const Index dx = d.c.cols();
  check_shape(fn, "data.s", d.s, n, 1);
  check_finite(fn, "data.s", d.s);
  check_nonempty_matrix(fn, "data.p", d.p);
  check_shape(fn, "data.p", d.p, -1, dy);
  const Index m = d.p.rows();
  check_shape(fn, "data.q", d.q, m, dx);
  check_finite(fn, "data.q", d.q);
  check_shape(fn, "data.r", d.r, m, 1);
  check_finite(fn, "data.r", d.r);
  check_positive(fn, "data.mu", d.mu);
  check_nonnegative(fn, "data.rho", d.rho);
}

QuadraticData stochastic_means(const StochasticQuadraticData& d) {
  validate_stochastic(d);
  const double n = static_cast<double>(d.a.rows()), m = static_cast<double>(d.p.rows());
  const Index dy = d.a.cols(), dx = d.c.cols();
  // [a c]ᵀ[a c] by linalg::gram: exactly symmetric, the same bits for any thread count.
  MatrixXd ac(d.a.rows(), dy + dx);
  ac << d.a, d.c;
  const MatrixXd gi = linalg::gram(ac) / n;
  QuadraticData q;
  q.A = gi.topLeftCorner(dy, dy);
  q.A.diagonal().array() += d.mu;
  q.B = gi.bottomRightCorner(dx, dx);
  q.C = gi.bottomLeftCorner(dx, dy);
  q.a = -(d.a.transpose() * d.s) / n;
  q.b = -(d.c.transpose() * d.s) / n;
  q.g0 = d.s.squaredNorm() / (2.0 * n);
  MatrixXd pq(d.p.rows(), dy + dx);
  pq << d.p, d.q;
  const MatrixXd go = linalg::gram(pq) / m;
  q.F = go.topLeftCorner(dy, dy);
  q.H = go.bottomRightCorner(dx, dx);
  q.H.diagonal().array() += d.rho;
  q.K = go.bottomLeftCorner(dx, dy);
  q.f0 = -(d.p.transpose() * d.r) / m;
  q.h = -(d.q.transpose() * d.r) / m;
  q.f_const = d.r.squaredNorm() / (2.0 * m);
  return q;
}

}  // namespace

StochasticQuadraticProblem::StochasticQuadraticProblem(StochasticQuadraticData data)
    : data_(std::move(data)), means_(stochastic_means(data_)) {}

Index StochasticQuadraticProblem::dim_x() const { return data_.c.cols(); }
Index StochasticQuadraticProblem::dim_y() const { return data_.a.cols(); }
Index StochasticQuadraticProblem::outer_samples() const { return data_.p.rows(); }
Index StochasticQuadraticProblem::inner_samples() const { return data_.a.rows(); }

// The sample terms: g_i = ½(a_iᵀy + c_iᵀx − s_i)², f_j = ½(p_jᵀy + q_jᵀx − r_j)², averaged
// over the batch (1/|B|) or all rows (1/n); the mu and rho terms are added once, unscaled.
namespace {

/// One least-squares level of StochasticQuadraticProblem: rows (u_i, v_i, t_i), residuals
/// e_i = u_iᵀy + v_iᵀx − t_i on the batch, and the batch's mean weight.
struct LsLevel {
  Rows<MatrixXd> u, v;
  Rows<VectorXd> t;
  double w;
  VectorXd e;
  LsLevel(const MatrixXd& um, const MatrixXd& vm, const VectorXd& tv, const VectorXd& x,
          const VectorXd& y, Batch batch)
      : u(um, batch), v(vm, batch), t(tv, batch), w(mean_weight(batch, um.rows())),
        e(u() * y + v() * x - t()) {}
  [[nodiscard]] double value() const { return w * 0.5 * e.squaredNorm(); }
  [[nodiscard]] VectorXd grad_y() const { return w * (u().transpose() * e); }  // through u
  [[nodiscard]] VectorXd grad_x() const { return w * (v().transpose() * e); }  // through v
};

}  // namespace

double StochasticQuadraticProblem::f(const VectorXd& x, const VectorXd& y, Batch batch) const {
  check_oracle("sampo::bilevel::StochasticQuadraticProblem::f", *this, x, y, batch, Level::outer);
  return LsLevel(data_.p, data_.q, data_.r, x, y, batch).value() + 0.5 * data_.rho * x.squaredNorm();
}

double StochasticQuadraticProblem::g(const VectorXd& x, const VectorXd& y, Batch batch) const {
  check_oracle("sampo::bilevel::StochasticQuadraticProblem::g", *this, x, y, batch, Level::inner);
  return LsLevel(data_.a, data_.c, data_.s, x, y, batch).value() + 0.5 * data_.mu * y.squaredNorm();
}

void StochasticQuadraticProblem::grad_x_f(const VectorXd& x, const VectorXd& y, Batch batch,
                                          VectorXd& out) const {
  check_oracle("sampo::bilevel::StochasticQuadraticProblem::grad_x_f", *this, x, y, batch, Level::outer);
  out = LsLevel(data_.p, data_.q, data_.r, x, y, batch).grad_x() + data_.rho * x;
}

void StochasticQuadraticProblem::grad_y_f(const VectorXd& x, const VectorXd& y, Batch batch,
                                          VectorXd& out) const {
  check_oracle("sampo::bilevel::StochasticQuadraticProblem::grad_y_f", *this, x, y, batch, Level::outer);
  out = LsLevel(data_.p, data_.q, data_.r, x, y, batch).grad_y();
}

void StochasticQuadraticProblem::grad_x_g(const VectorXd& x, const VectorXd& y, Batch batch,
                                          VectorXd& out) const {
  check_oracle("sampo::bilevel::StochasticQuadraticProblem::grad_x_g", *this, x, y, batch, Level::inner);
  out = LsLevel(data_.a, data_.c, data_.s, x, y, batch).grad_x();
}

void StochasticQuadraticProblem::grad_y_g(const VectorXd& x, const VectorXd& y, Batch batch,
                                          VectorXd& out) const {
  check_oracle("sampo::bilevel::StochasticQuadraticProblem::grad_y_g", *this, x, y, batch, Level::inner);
  out = LsLevel(data_.a, data_.c, data_.s, x, y, batch).grad_y() + data_.mu * y;
}

void StochasticQuadraticProblem::hvp_yy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v,
                                          Batch batch, VectorXd& out) const {
  check_oracle("sampo::bilevel::StochasticQuadraticProblem::hvp_yy_g", *this, x, y, batch, Level::inner, &v);
  const Rows<MatrixXd> a(data_.a, batch);
  const double w = mean_weight(batch, inner_samples());
  const VectorXd av = a() * v;
  out = w * (a().transpose() * av) + data_.mu * v;
}

void StochasticQuadraticProblem::jvp_xy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v,
                                          Batch batch, VectorXd& out) const {
  check_oracle("sampo::bilevel::StochasticQuadraticProblem::jvp_xy_g", *this, x, y, batch, Level::inner, &v);
  const Rows<MatrixXd> a(data_.a, batch), c(data_.c, batch);
  const double w = mean_weight(batch, inner_samples());
  const VectorXd av = a() * v;
  out = w * (c().transpose() * av);
}

std::optional<VectorXd> StochasticQuadraticProblem::lower_solution(const VectorXd& x) const {
  return means_.lower_solution(x);
}
std::optional<VectorXd> StochasticQuadraticProblem::hypergradient(const VectorXd& x) const {
  return means_.hypergradient(x);
}
std::optional<double> StochasticQuadraticProblem::value(const VectorXd& x) const {
  return means_.value(x);
}
std::optional<double> StochasticQuadraticProblem::optimal_value() const {
  return means_.optimal_value();
}
std::optional<VectorXd> StochasticQuadraticProblem::minimizer() const { return means_.minimizer(); }

void StochasticQuadraticOptions::validate() const {
  constexpr std::string_view fn = "sampo::bilevel::StochasticQuadraticOptions";
  check_dim(fn, "dim_x", dim_x, 1);
  check_dim(fn, "dim_y", dim_y, 1);
  check_dim(fn, "inner_samples", inner_samples, 1);
  check_dim(fn, "outer_samples", outer_samples, 1);
  check_positive(fn, "mu", mu);
  check_nonnegative(fn, "rho", rho);
  check_nonnegative(fn, "coupling", coupling);
}

StochasticQuadraticProblem make_stochastic_quadratic(const StochasticQuadraticOptions& options) {
  options.validate();
  const Index dx = options.dim_x, dy = options.dim_y;
  const Index n = options.inner_samples, m = options.outer_samples;
  const std::uint64_t seed = options.seed;
  // Rows N(0, σ²I) with σ = 1/(1 + sqrt(d/rows)): by the Marchenko–Pastur law, the largest
  // eigenvalue of (1/rows)·Σ_i z_i z_iᵀ is about σ²(1 + sqrt(d/rows))² = 1.
  const auto scale = [](Index d, Index rows) {
    return 1.0 / (1.0 + std::sqrt(static_cast<double>(d) / static_cast<double>(rows)));
  };
  StochasticQuadraticData d;
  d.a = parallel::RandomStream(seed, 1).normal_matrix(n, dy) * scale(dy, n);
  d.c = parallel::RandomStream(seed, 2).normal_matrix(n, dx) * (options.coupling * scale(dx, n));
  d.s = parallel::RandomStream(seed, 3).normal_vector(n);
  d.p = parallel::RandomStream(seed, 4).normal_matrix(m, dy) * scale(dy, m);
  d.q = parallel::RandomStream(seed, 5).normal_matrix(m, dx) * (options.coupling * scale(dx, m));
  d.r = parallel::RandomStream(seed, 6).normal_vector(m);
  d.mu = options.mu;
  d.rho = options.rho;
  return StochasticQuadraticProblem(std::move(d));
}

// ------------------------------------------------------------------------------------------
// RidgeHpoProblem

RidgeHpoProblem::RidgeHpoProblem(MatrixXd x_train, VectorXd y_train, MatrixXd x_val,
                                 VectorXd y_val)
    : xtr_(std::move(x_train)), xval_(std::move(x_val)), ytr_(std::move(y_train)),
      yval_(std::move(y_val)) {
  constexpr std::string_view fn = "sampo::bilevel::RidgeHpoProblem";
  check_regression_data(fn, xtr_, ytr_, xval_, yval_);
  gram_ = linalg::gram(xtr_);  // the same bits for any thread count
  xty_ = xtr_.transpose() * ytr_;
}

Index RidgeHpoProblem::dim_x() const { return xtr_.cols(); }
Index RidgeHpoProblem::dim_y() const { return xtr_.cols(); }
Index RidgeHpoProblem::outer_samples() const { return xval_.rows(); }
Index RidgeHpoProblem::inner_samples() const { return xtr_.rows(); }

double RidgeHpoProblem::f(const VectorXd& x, const VectorXd& y, Batch batch) const {
  check_oracle("sampo::bilevel::RidgeHpoProblem::f", *this, x, y, batch, Level::outer);
  return validation_ls(xval_, yval_, y, batch);
}

double RidgeHpoProblem::g(const VectorXd& x, const VectorXd& y, Batch batch) const {
  check_oracle("sampo::bilevel::RidgeHpoProblem::g", *this, x, y, batch, Level::inner);
  const Rows<MatrixXd> xt(xtr_, batch);
  const Rows<VectorXd> yt(ytr_, batch);
  return sum_weight(batch, inner_samples()) * 0.5 * (xt() * y - yt()).squaredNorm() +
         0.5 * (x.array().exp() * y.array().square()).sum();
}

void RidgeHpoProblem::grad_x_f(const VectorXd& x, const VectorXd& y, Batch batch,
                               VectorXd& out) const {
  check_oracle("sampo::bilevel::RidgeHpoProblem::grad_x_f", *this, x, y, batch, Level::outer);
  out.setZero(dim_x());
}

void RidgeHpoProblem::grad_y_f(const VectorXd& x, const VectorXd& y, Batch batch,
                               VectorXd& out) const {
  check_oracle("sampo::bilevel::RidgeHpoProblem::grad_y_f", *this, x, y, batch, Level::outer);
  validation_ls_gradient(xval_, yval_, y, batch, out);
}

void RidgeHpoProblem::grad_x_g(const VectorXd& x, const VectorXd& y, Batch batch,
                               VectorXd& out) const {
  check_oracle("sampo::bilevel::RidgeHpoProblem::grad_x_g", *this, x, y, batch, Level::inner);
  out = (0.5 * x.array().exp() * y.array().square()).matrix();
}

void RidgeHpoProblem::grad_y_g(const VectorXd& x, const VectorXd& y, Batch batch,
                               VectorXd& out) const {
  check_oracle("sampo::bilevel::RidgeHpoProblem::grad_y_g", *this, x, y, batch, Level::inner);
  if (batch.empty()) {
    out = gram_ * y - xty_ + (x.array().exp() * y.array()).matrix();
    return;
  }
  const Rows<MatrixXd> xt(xtr_, batch);
  const Rows<VectorXd> yt(ytr_, batch);
  const VectorXd r = xt() * y - yt();
  out = sum_weight(batch, inner_samples()) * (xt().transpose() * r) +
        (x.array().exp() * y.array()).matrix();
}

void RidgeHpoProblem::hvp_yy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v,
                               Batch batch, VectorXd& out) const {
  check_oracle("sampo::bilevel::RidgeHpoProblem::hvp_yy_g", *this, x, y, batch, Level::inner, &v);
  if (batch.empty()) {
    out = gram_ * v + (x.array().exp() * v.array()).matrix();
    return;
  }
  const Rows<MatrixXd> xt(xtr_, batch);
  const VectorXd xv = xt() * v;
  out = sum_weight(batch, inner_samples()) * (xt().transpose() * xv) +
        (x.array().exp() * v.array()).matrix();
}

void RidgeHpoProblem::jvp_xy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v,
                               Batch batch, VectorXd& out) const {
  check_oracle("sampo::bilevel::RidgeHpoProblem::jvp_xy_g", *this, x, y, batch, Level::inner, &v);
  out = (x.array().exp() * y.array() * v.array()).matrix();
}

std::optional<VectorXd> RidgeHpoProblem::lower_solution(const VectorXd& x) const {
  check_size("sampo::bilevel::RidgeHpoProblem::lower_solution", "x", x, dim_x());
  MatrixXd a = gram_;
  a.diagonal() += x.array().exp().matrix();
  return VectorXd(Eigen::LLT<MatrixXd>(a).solve(xty_));
}

std::optional<VectorXd> RidgeHpoProblem::hypergradient(const VectorXd& x) const {
  check_size("sampo::bilevel::RidgeHpoProblem::hypergradient", "x", x, dim_x());
  MatrixXd a = gram_;
  a.diagonal() += x.array().exp().matrix();
  const Eigen::LLT<MatrixXd> llt(a);
  const VectorXd w = llt.solve(xty_);
  const VectorXd v = llt.solve(VectorXd(xval_.transpose() * (xval_ * w - yval_)));
  return VectorXd(-(x.array().exp() * w.array() * v.array()).matrix());
}

std::optional<double> RidgeHpoProblem::value(const VectorXd& x) const {
  const VectorXd w = *lower_solution(x);
  return 0.5 * (xval_ * w - yval_).squaredNorm();
}

void RidgeHpoOptions::validate() const {
  constexpr std::string_view fn = "sampo::bilevel::RidgeHpoOptions";
  check_dim(fn, "features", features, 1);
  check_dim(fn, "train_samples", train_samples, 1);
  check_dim(fn, "val_samples", val_samples, 1);
  check_nonnegative(fn, "noise", noise);
}

RidgeHpoProblem make_ridge_hpo(const RidgeHpoOptions& options) {
  options.validate();
  const Index p = options.features;
  const std::uint64_t seed = options.seed;
  VectorXd w(p);
  parallel::RandomStream rw(seed, 1);
  for (Index j = 0; j < p; ++j) {
    const bool nonzero = rw.bernoulli(1.0 / 3.0);
    const double value = rw.normal();
    w(j) = nonzero || j == 0 ? value : 0.0;  // about a third nonzero, never all zero
  }
  MatrixXd xtr = parallel::RandomStream(seed, 2).normal_matrix(options.train_samples, p);
  MatrixXd xval = parallel::RandomStream(seed, 3).normal_matrix(options.val_samples, p);
  VectorXd ytr = xtr * w + options.noise * parallel::RandomStream(seed, 4).normal_vector(options.train_samples);
  VectorXd yval = xval * w + options.noise * parallel::RandomStream(seed, 5).normal_vector(options.val_samples);
  return RidgeHpoProblem(std::move(xtr), std::move(ytr), std::move(xval), std::move(yval));
}

// ------------------------------------------------------------------------------------------
// HypercleanLsProblem

HypercleanLsProblem::HypercleanLsProblem(MatrixXd x_train, VectorXd y_train, MatrixXd x_val,
                                         VectorXd y_val, double c)
    : xtr_(std::move(x_train)), xval_(std::move(x_val)), ytr_(std::move(y_train)),
      yval_(std::move(y_val)), c_(c) {
  constexpr std::string_view fn = "sampo::bilevel::HypercleanLsProblem";
  check_regression_data(fn, xtr_, ytr_, xval_, yval_);
  check_positive(fn, "c", c_);
}

Index HypercleanLsProblem::dim_x() const { return xtr_.rows(); }
Index HypercleanLsProblem::dim_y() const { return xtr_.cols(); }
Index HypercleanLsProblem::outer_samples() const { return xval_.rows(); }
Index HypercleanLsProblem::inner_samples() const { return xtr_.rows(); }

double HypercleanLsProblem::f(const VectorXd& x, const VectorXd& y, Batch batch) const {
  check_oracle("sampo::bilevel::HypercleanLsProblem::f", *this, x, y, batch, Level::outer);
  return validation_ls(xval_, yval_, y, batch);
}

double HypercleanLsProblem::g(const VectorXd& x, const VectorXd& y, Batch batch) const {
  check_oracle("sampo::bilevel::HypercleanLsProblem::g", *this, x, y, batch, Level::inner);
  const Rows<MatrixXd> xt(xtr_, batch);
  const Rows<VectorXd> yt(ytr_, batch), lam(x, batch);
  const VectorXd r = xt() * y - yt();
  return sum_weight(batch, inner_samples()) * 0.5 * (sigmoid(lam()).array() * r.array().square()).sum() +
         0.5 * c_ * y.squaredNorm();
}

void HypercleanLsProblem::grad_x_f(const VectorXd& x, const VectorXd& y, Batch batch,
                                   VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLsProblem::grad_x_f", *this, x, y, batch, Level::outer);
  out.setZero(dim_x());
}

void HypercleanLsProblem::grad_y_f(const VectorXd& x, const VectorXd& y, Batch batch,
                                   VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLsProblem::grad_y_f", *this, x, y, batch, Level::outer);
  validation_ls_gradient(xval_, yval_, y, batch, out);
}

void HypercleanLsProblem::grad_x_g(const VectorXd& x, const VectorXd& y, Batch batch,
                                   VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLsProblem::grad_x_g", *this, x, y, batch, Level::inner);
  if (batch.empty()) {
    const VectorXd r = xtr_ * y - ytr_;
    out = (0.5 * sigmoid_prime(x).array() * r.array().square()).matrix();
    return;
  }
  const double w = sum_weight(batch, inner_samples());
  VectorXd res = VectorXd::Zero(dim_x());
  for (const Index i : batch) {
    const double r = xtr_.row(i).dot(y) - ytr_(i);
    res(i) += w * 0.5 * sigmoid_prime(x(i)) * r * r;
  }
  out = std::move(res);
}

void HypercleanLsProblem::grad_y_g(const VectorXd& x, const VectorXd& y, Batch batch,
                                   VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLsProblem::grad_y_g", *this, x, y, batch, Level::inner);
  const Rows<MatrixXd> xt(xtr_, batch);
  const Rows<VectorXd> yt(ytr_, batch), lam(x, batch);
  const VectorXd wr = (sigmoid(lam()).array() * (xt() * y - yt()).array()).matrix();
  out = sum_weight(batch, inner_samples()) * (xt().transpose() * wr) + c_ * y;
}

void HypercleanLsProblem::hvp_yy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v,
                                   Batch batch, VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLsProblem::hvp_yy_g", *this, x, y, batch, Level::inner, &v);
  const Rows<MatrixXd> xt(xtr_, batch);
  const Rows<VectorXd> lam(x, batch);
  const VectorXd wxv = (sigmoid(lam()).array() * (xt() * v).array()).matrix();
  out = sum_weight(batch, inner_samples()) * (xt().transpose() * wxv) + c_ * v;
}

void HypercleanLsProblem::jvp_xy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v,
                                   Batch batch, VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLsProblem::jvp_xy_g", *this, x, y, batch, Level::inner, &v);
  // ∂/∂λ_i ⟨Σ_k σ(λ_k) r_k x_k + c w, v⟩ = σ'(λ_i) r_i x_iᵀv.
  if (batch.empty()) {
    const VectorXd r = xtr_ * y - ytr_;
    const VectorXd xv = xtr_ * v;
    out = (sigmoid_prime(x).array() * r.array() * xv.array()).matrix();
    return;
  }
  const double w = sum_weight(batch, inner_samples());
  VectorXd res = VectorXd::Zero(dim_x());
  for (const Index i : batch) {
    const double r = xtr_.row(i).dot(y) - ytr_(i);
    res(i) += w * sigmoid_prime(x(i)) * r * xtr_.row(i).dot(v);
  }
  out = std::move(res);
}

std::optional<VectorXd> HypercleanLsProblem::lower_solution(const VectorXd& x) const {
  check_size("sampo::bilevel::HypercleanLsProblem::lower_solution", "x", x, dim_x());
  const VectorXd s = sigmoid(x);
  MatrixXd a = weighted_gram(xtr_, s);
  a.diagonal().array() += c_;
  return VectorXd(Eigen::LLT<MatrixXd>(a).solve(VectorXd(xtr_.transpose() * (s.array() * ytr_.array()).matrix())));
}

std::optional<VectorXd> HypercleanLsProblem::hypergradient(const VectorXd& x) const {
  check_size("sampo::bilevel::HypercleanLsProblem::hypergradient", "x", x, dim_x());
  const VectorXd s = sigmoid(x);
  MatrixXd a = weighted_gram(xtr_, s);
  a.diagonal().array() += c_;
  const Eigen::LLT<MatrixXd> llt(a);
  const VectorXd w = llt.solve(VectorXd(xtr_.transpose() * (s.array() * ytr_.array()).matrix()));
  const VectorXd z = llt.solve(VectorXd(xval_.transpose() * (xval_ * w - yval_)));
  const VectorXd r = xtr_ * w - ytr_;
  const VectorXd xz = xtr_ * z;
  return VectorXd(-(sigmoid_prime(x).array() * r.array() * xz.array()).matrix());
}

std::optional<double> HypercleanLsProblem::value(const VectorXd& x) const {
  const VectorXd w = *lower_solution(x);
  return 0.5 * (xval_ * w - yval_).squaredNorm();
}

void HypercleanLsOptions::validate() const {
  constexpr std::string_view fn = "sampo::bilevel::HypercleanLsOptions";
  check_dim(fn, "features", features, 1);
  check_dim(fn, "train_samples", train_samples, 1);
  check_dim(fn, "val_samples", val_samples, 1);
  check_in_range(fn, "corrupted_fraction", corrupted_fraction, 0.0, 1.0);
  check_positive(fn, "c", c);
}

HypercleanLsInstance make_hyperclean_ls(const HypercleanLsOptions& options) {
  options.validate();
  const Index p = options.features, n = options.train_samples, m = options.val_samples;
  const std::uint64_t seed = options.seed;
  constexpr double kNoise = 0.1;  // noise of the clean targets
  const VectorXd w = parallel::RandomStream(seed, 1).normal_vector(p);
  MatrixXd xtr = parallel::RandomStream(seed, 2).normal_matrix(n, p);
  MatrixXd xval = parallel::RandomStream(seed, 3).normal_matrix(m, p);
  VectorXd ytr = xtr * w + kNoise * parallel::RandomStream(seed, 4).normal_vector(n);
  VectorXd yval = xval * w + kNoise * parallel::RandomStream(seed, 5).normal_vector(m);
  // Corrupt exactly round(fraction·n) rows, chosen by a partial Fisher–Yates shuffle: their
  // targets become N(0, ‖w‖²) draws, the spread of the clean x_iᵀw.
  const auto count = static_cast<Index>(std::llround(options.corrupted_fraction * static_cast<double>(n)));
  std::vector<Index> order(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  parallel::RandomStream rs(seed, 6);
  std::vector<bool> corrupted(static_cast<std::size_t>(n), false);
  const double spread = w.norm();
  for (Index k = 0; k < count; ++k) {
    const auto j = k + static_cast<Index>(rs.uniform_int(static_cast<std::uint64_t>(n - k)));
    std::swap(order[static_cast<std::size_t>(k)], order[static_cast<std::size_t>(j)]);
    const Index i = order[static_cast<std::size_t>(k)];
    corrupted[static_cast<std::size_t>(i)] = true;
    ytr(i) = spread * rs.normal();
  }
  return HypercleanLsInstance{
      HypercleanLsProblem(std::move(xtr), std::move(ytr), std::move(xval), std::move(yval), options.c),
      std::move(corrupted)};
}

// ------------------------------------------------------------------------------------------
// CoshProblem

CoshProblem::CoshProblem(MatrixXd A, VectorXd c) : A_(std::move(A)), c_(std::move(c)) {
  constexpr std::string_view fn = "sampo::bilevel::CoshProblem";
  check_spd(fn, "A", A_);
  check_shape(fn, "c", c_, A_.rows(), 1);
  check_finite(fn, "c", c_);
  chol_ = lower_factor(A_);
}

Index CoshProblem::dim_x() const { return A_.rows(); }
Index CoshProblem::dim_y() const { return A_.rows(); }

double CoshProblem::f(const VectorXd& x, const VectorXd& y, Batch) const {
  check_xy("sampo::bilevel::CoshProblem::f", x, dim_x(), y, dim_y());
  return (y - c_).array().cosh().sum();
}

double CoshProblem::g(const VectorXd& x, const VectorXd& y, Batch) const {
  check_xy("sampo::bilevel::CoshProblem::g", x, dim_x(), y, dim_y());
  return 0.5 * y.dot(A_ * y) - x.dot(y);
}

void CoshProblem::grad_x_f(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::CoshProblem::grad_x_f", x, dim_x(), y, dim_y());
  out.setZero(dim_x());
}

void CoshProblem::grad_y_f(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::CoshProblem::grad_y_f", x, dim_x(), y, dim_y());
  out = (y - c_).array().sinh().matrix();
}

void CoshProblem::grad_x_g(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::CoshProblem::grad_x_g", x, dim_x(), y, dim_y());
  out = -y;
}

void CoshProblem::grad_y_g(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::CoshProblem::grad_y_g", x, dim_x(), y, dim_y());
  out = A_ * y - x;
}

void CoshProblem::hvp_yy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v, Batch,
                           VectorXd& out) const {
  check_xyv("sampo::bilevel::CoshProblem::hvp_yy_g", x, dim_x(), y, dim_y(), v);
  out = A_ * v;
}

void CoshProblem::jvp_xy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v, Batch,
                           VectorXd& out) const {
  check_xyv("sampo::bilevel::CoshProblem::jvp_xy_g", x, dim_x(), y, dim_y(), v);
  out = -v;
}

std::optional<VectorXd> CoshProblem::lower_solution(const VectorXd& x) const {
  check_size("sampo::bilevel::CoshProblem::lower_solution", "x", x, dim_x());
  return factor_solve(chol_, x);
}

std::optional<VectorXd> CoshProblem::hypergradient(const VectorXd& x) const {
  check_size("sampo::bilevel::CoshProblem::hypergradient", "x", x, dim_x());
  const VectorXd y = factor_solve(chol_, x);
  return factor_solve(chol_, VectorXd((y - c_).array().sinh().matrix()));
}

std::optional<double> CoshProblem::value(const VectorXd& x) const {
  check_size("sampo::bilevel::CoshProblem::value", "x", x, dim_x());
  return (factor_solve(chol_, x) - c_).array().cosh().sum();
}

std::optional<double> CoshProblem::optimal_value() const { return static_cast<double>(dim_x()); }
std::optional<VectorXd> CoshProblem::minimizer() const { return VectorXd(A_ * c_); }

CoshProblem make_cosh(Index d, double condition, std::uint64_t seed) {
  constexpr std::string_view fn = "sampo::bilevel::make_cosh";
  check_dim(fn, "d", d, 1);
  if (!(std::isfinite(condition) && condition >= 1.0))
    throw_invalid_argument(fn, "condition", format_value(condition), "must be finite and >= 1");
  MatrixXd a = spd_with_spectrum(log_spaced(d, 1.0, condition), seed, 1);
  parallel::RandomStream rs(seed, 2);
  VectorXd c(d);
  for (Index j = 0; j < d; ++j) c(j) = rs.uniform(-1.0, 1.0);
  return CoshProblem(std::move(a), std::move(c));
}

// ------------------------------------------------------------------------------------------
// DegenerateProblem

DegenerateProblem::DegenerateProblem(double epsilon) : eps_(epsilon) {
  check_nonnegative("sampo::bilevel::DegenerateProblem", "epsilon", epsilon);
}

double DegenerateProblem::f(const VectorXd& x, const VectorXd& y, Batch) const {
  check_xy("sampo::bilevel::DegenerateProblem::f", x, 1, y, 2);
  return 0.5 * (x(0) - y(1)) * (x(0) - y(1)) + 0.5 * (y(0) - 1.0) * (y(0) - 1.0);
}

double DegenerateProblem::g(const VectorXd& x, const VectorXd& y, Batch) const {
  check_xy("sampo::bilevel::DegenerateProblem::g", x, 1, y, 2);
  return 0.5 * y(0) * y(0) - x(0) * y(0) + 0.5 * eps_ * y(1) * y(1);
}

void DegenerateProblem::grad_x_f(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::DegenerateProblem::grad_x_f", x, 1, y, 2);
  out = VectorXd::Constant(1, x(0) - y(1));
}

void DegenerateProblem::grad_y_f(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::DegenerateProblem::grad_y_f", x, 1, y, 2);
  VectorXd res(2);
  res << y(0) - 1.0, y(1) - x(0);
  out = std::move(res);
}

void DegenerateProblem::grad_x_g(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::DegenerateProblem::grad_x_g", x, 1, y, 2);
  out = VectorXd::Constant(1, -y(0));
}

void DegenerateProblem::grad_y_g(const VectorXd& x, const VectorXd& y, Batch, VectorXd& out) const {
  check_xy("sampo::bilevel::DegenerateProblem::grad_y_g", x, 1, y, 2);
  VectorXd res(2);
  res << y(0) - x(0), eps_ * y(1);
  out = std::move(res);
}

void DegenerateProblem::hvp_yy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v, Batch,
                                 VectorXd& out) const {
  check_xyv("sampo::bilevel::DegenerateProblem::hvp_yy_g", x, 1, y, 2, v);
  VectorXd res(2);
  res << v(0), eps_ * v(1);
  out = std::move(res);
}

void DegenerateProblem::jvp_xy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v, Batch,
                                 VectorXd& out) const {
  check_xyv("sampo::bilevel::DegenerateProblem::jvp_xy_g", x, 1, y, 2, v);
  out = VectorXd::Constant(1, -v(0));
}

std::optional<VectorXd> DegenerateProblem::lower_solution(const VectorXd& x) const {
  check_size("sampo::bilevel::DegenerateProblem::lower_solution", "x", x, 1);
  if (eps_ == 0.0) return {};
  VectorXd y(2);
  y << x(0), 0.0;
  return y;
}

std::optional<VectorXd> DegenerateProblem::hypergradient(const VectorXd& x) const {
  check_size("sampo::bilevel::DegenerateProblem::hypergradient", "x", x, 1);
  if (eps_ == 0.0) return {};
  return VectorXd::Constant(1, 2.0 * x(0) - 1.0);
}

std::optional<double> DegenerateProblem::value(const VectorXd& x) const {
  check_size("sampo::bilevel::DegenerateProblem::value", "x", x, 1);
  if (eps_ == 0.0) return {};
  return 0.5 * x(0) * x(0) + 0.5 * (x(0) - 1.0) * (x(0) - 1.0);
}

std::optional<double> DegenerateProblem::optimal_value() const {
  if (eps_ == 0.0) return {};
  return 0.25;
}

std::optional<VectorXd> DegenerateProblem::minimizer() const {
  if (eps_ == 0.0) return {};
  return VectorXd::Constant(1, 0.5);
}

// ------------------------------------------------------------------------------------------
// HypercleanLogisticProblem
//
// Layout: W = y viewed as K x (p+1) (column-major), W_p its first p columns, b its last; the
// features are stored transposed (p x n, one contiguous column per sample u_i, ũ_i = [u_i; 1]).
// Every oracle is one sweep over the samples of its batch: per sample, the scores
// z = W_p u + b, the probabilities π = softmax(z) (max subtracted) and CE = log Σe^z − z_ℓ;
// then, with ω_i = σ(λ_i)/|B| (inner level) or 1/|B| (outer):
//   value:     Σ ω_i CE_i
//   gradient:  Σ ω_i (π_i − e_ℓ) ũ_iᵀ
//   hvp:       Σ ω_i (π_i ⊙ t_i − π_i(π_iᵀt_i)) ũ_iᵀ,  t_i = V ũ_i
//   per sample: CE_i (grad_x_g) or (π_i − e_ℓ)ᵀ t_i (jvp_xy_g).
// The sweep cuts the batch into fixed blocks of kSampleBlock samples, each summed in sample
// order, and adds the block sums in block order (parallel::map_reduce): the same bits for any
// number of threads. Only matrix-vector products inside a sample, no allocation per sample.

namespace {

constexpr std::size_t kSampleBlock = 128;

enum class Sweep { value, gradient, hvp, per_sample_ce, per_sample_jvp };

struct SweepData {
  const MatrixXd& feat;              // p x N
  const std::vector<int>& labels;    // N
  Batch batch;
  int classes;
  const VectorXd& w;                 // y
  const VectorXd* lambda = nullptr;  // weights σ(λ_i); nullptr: 1
  const VectorXd* v = nullptr;       // direction of hvp / jvp
  double scale = 1.0;                // 1/|B| or 1/N
};

using SweepSum = std::pair<double, MatrixXd>;  // (value, (p+1) x K accumulator Σ ũ mᵀ)

SweepSum sweep_block(const SweepData& s, Sweep what, std::size_t lo, std::size_t hi,
                     VectorXd* per_sample) {
  const Index p = s.feat.rows();
  const Index k_classes = s.classes;
  const Eigen::Map<const MatrixXd> w(s.w.data(), k_classes, p + 1);
  const bool accumulate = what == Sweep::gradient || what == Sweep::hvp;
  SweepSum sum{0.0, accumulate ? MatrixXd::Zero(p + 1, k_classes) : MatrixXd()};
  VectorXd z(k_classes), t(k_classes);
  const auto add = [&](const auto& u, const VectorXd& m) {
    for (Index c = 0; c < k_classes; ++c) {
      sum.second.col(c).head(p) += m(c) * u;
      sum.second(p, c) += m(c);
    }
  };
  const auto direction = [&](const auto& u) {
    const Eigen::Map<const MatrixXd> vm(s.v->data(), k_classes, p + 1);
    t.noalias() = vm.leftCols(p) * u;
    t += vm.col(p);
  };
  for (std::size_t k = lo; k < hi; ++k) {
    const Index i = s.batch.empty() ? static_cast<Index>(k) : s.batch[k];
    const auto u = s.feat.col(i);
    const int label = s.labels[static_cast<std::size_t>(i)];
    z.noalias() = w.leftCols(p) * u;
    z += w.col(p);
    const double mx = z.maxCoeff();
    const double at_label = z(label) - mx;
    z.array() = (z.array() - mx).exp();
    const double total = z.sum();
    z /= total;
    const double ce = std::log(total) - at_label;
    const double omega = s.scale * (s.lambda != nullptr ? sigmoid((*s.lambda)(i)) : 1.0);
    switch (what) {
      case Sweep::value:
        sum.first += omega * ce;
        break;
      case Sweep::per_sample_ce:
        (*per_sample)(static_cast<Index>(k)) = ce;
        break;
      case Sweep::gradient:
        z(label) -= 1.0;
        z *= omega;
        add(u, z);
        break;
      case Sweep::hvp: {
        direction(u);
        const double pt = z.dot(t);
        t = omega * (z.array() * (t.array() - pt)).matrix();
        add(u, t);
        break;
      }
      case Sweep::per_sample_jvp:
        direction(u);
        z(label) -= 1.0;
        (*per_sample)(static_cast<Index>(k)) = z.dot(t);
        break;
    }
  }
  return sum;
}

SweepSum sweep(const SweepData& s, Sweep what, VectorXd* per_sample = nullptr) {
  const std::size_t count = s.batch.empty() ? static_cast<std::size_t>(s.feat.cols()) : s.batch.size();
  if (per_sample != nullptr) per_sample->resize(static_cast<Index>(count));
  const std::size_t blocks = (count + kSampleBlock - 1) / kSampleBlock;
  const auto block = [&](std::size_t b) {
    return sweep_block(s, what, b * kSampleBlock, std::min(count, (b + 1) * kSampleBlock), per_sample);
  };
  if (blocks == 1) return block(0);
  parallel::MapReduceOptions options;
  options.block_size = 1;   // one block of samples per index: the partition above fixes the order
  options.use_mpi = false;  // an oracle is local to its process
  return parallel::map_reduce(
      blocks, block,
      [](SweepSum a, SweepSum b) {
        a.first += b.first;
        if (a.second.size() != 0) a.second += b.second;
        return a;
      },
      options);
}

}  // namespace

HypercleanLogisticProblem::HypercleanLogisticProblem(MatrixXd x_train, std::vector<int> labels_train,
                                                     MatrixXd x_val, std::vector<int> labels_val,
                                                     int classes, double c)
    : ltr_(std::move(labels_train)), lval_(std::move(labels_val)), classes_(classes), c_(c) {
  constexpr std::string_view fn = "sampo::bilevel::HypercleanLogisticProblem";
  if (classes_ < 2) throw_invalid_argument(fn, "classes", std::to_string(classes_), "must be >= 2");
  check_positive(fn, "c", c_);
  check_nonempty_matrix(fn, "x_train", x_train);
  check_nonempty_matrix(fn, "x_val", x_val);
  check_shape(fn, "x_val", x_val, -1, x_train.cols());
  const auto check_labels = [&](std::string_view name, const std::vector<int>& labels, Index rows) {
    if (static_cast<Index>(labels.size()) != rows) {
      std::string what("has ");
      what.append(std::to_string(labels.size()));
      what.append(" entries, expected ");
      what.append(std::to_string(rows));
      what.append(" (one per row)");
      throw_invalid_argument(fn, name, {}, what);
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] >= 0 && labels[i] < classes_) continue;
      std::string what("entry ");
      what.append(std::to_string(i));
      what.append(" is outside [0, classes = ");
      what.append(std::to_string(classes_));
      what.append(")");
      throw_invalid_argument(fn, name, std::to_string(labels[i]), what);
    }
  };
  check_labels("labels_train", ltr_, x_train.rows());
  check_labels("labels_val", lval_, x_val.rows());
  xtr_ = x_train.transpose();
  xval_ = x_val.transpose();
}

Index HypercleanLogisticProblem::dim_x() const { return xtr_.cols(); }
Index HypercleanLogisticProblem::dim_y() const { return classes_ * (xtr_.rows() + 1); }
Index HypercleanLogisticProblem::outer_samples() const { return xval_.cols(); }
Index HypercleanLogisticProblem::inner_samples() const { return xtr_.cols(); }

double HypercleanLogisticProblem::f(const VectorXd& x, const VectorXd& y, Batch batch) const {
  check_oracle("sampo::bilevel::HypercleanLogisticProblem::f", *this, x, y, batch, Level::outer);
  SweepData s{xval_, lval_, batch, classes_, y};
  s.scale = mean_weight(batch, outer_samples());
  return sweep(s, Sweep::value).first;
}

double HypercleanLogisticProblem::g(const VectorXd& x, const VectorXd& y, Batch batch) const {
  check_oracle("sampo::bilevel::HypercleanLogisticProblem::g", *this, x, y, batch, Level::inner);
  SweepData s{xtr_, ltr_, batch, classes_, y};
  s.lambda = &x;
  s.scale = mean_weight(batch, inner_samples());
  return sweep(s, Sweep::value).first + 0.5 * c_ * y.squaredNorm();
}

void HypercleanLogisticProblem::grad_x_f(const VectorXd& x, const VectorXd& y, Batch batch,
                                         VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLogisticProblem::grad_x_f", *this, x, y, batch, Level::outer);
  out.setZero(dim_x());
}

void HypercleanLogisticProblem::grad_y_f(const VectorXd& x, const VectorXd& y, Batch batch,
                                         VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLogisticProblem::grad_y_f", *this, x, y, batch, Level::outer);
  SweepData s{xval_, lval_, batch, classes_, y};
  s.scale = mean_weight(batch, outer_samples());
  const SweepSum sum = sweep(s, Sweep::gradient);
  VectorXd res(dim_y());
  Eigen::Map<MatrixXd>(res.data(), classes_, xtr_.rows() + 1) = sum.second.transpose();
  out = std::move(res);
}

void HypercleanLogisticProblem::grad_x_g(const VectorXd& x, const VectorXd& y, Batch batch,
                                         VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLogisticProblem::grad_x_g", *this, x, y, batch, Level::inner);
  SweepData s{xtr_, ltr_, batch, classes_, y};
  VectorXd ce;
  sweep(s, Sweep::per_sample_ce, &ce);
  const double scale = mean_weight(batch, inner_samples());
  if (batch.empty()) {
    out = (scale * sigmoid_prime(x).array() * ce.array()).matrix();
    return;
  }
  VectorXd res = VectorXd::Zero(dim_x());
  for (std::size_t k = 0; k < batch.size(); ++k) {
    const Index i = batch[k];
    res(i) += scale * sigmoid_prime(x(i)) * ce(static_cast<Index>(k));
  }
  out = std::move(res);
}

void HypercleanLogisticProblem::grad_y_g(const VectorXd& x, const VectorXd& y, Batch batch,
                                         VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLogisticProblem::grad_y_g", *this, x, y, batch, Level::inner);
  SweepData s{xtr_, ltr_, batch, classes_, y};
  s.lambda = &x;
  s.scale = mean_weight(batch, inner_samples());
  const SweepSum sum = sweep(s, Sweep::gradient);
  VectorXd res = c_ * y;
  Eigen::Map<MatrixXd>(res.data(), classes_, xtr_.rows() + 1) += sum.second.transpose();
  out = std::move(res);
}

void HypercleanLogisticProblem::hvp_yy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v,
                                         Batch batch, VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLogisticProblem::hvp_yy_g", *this, x, y, batch, Level::inner, &v);
  SweepData s{xtr_, ltr_, batch, classes_, y};
  s.lambda = &x;
  s.v = &v;
  s.scale = mean_weight(batch, inner_samples());
  const SweepSum sum = sweep(s, Sweep::hvp);
  VectorXd res = c_ * v;
  Eigen::Map<MatrixXd>(res.data(), classes_, xtr_.rows() + 1) += sum.second.transpose();
  out = std::move(res);
}

void HypercleanLogisticProblem::jvp_xy_g(const VectorXd& x, const VectorXd& y, const VectorXd& v,
                                         Batch batch, VectorXd& out) const {
  check_oracle("sampo::bilevel::HypercleanLogisticProblem::jvp_xy_g", *this, x, y, batch, Level::inner, &v);
  // entry i: σ'(λ_i)/|B| · (π_i − e_{ℓ_i})ᵀ V ũ_i, accumulated over repeated indices.
  SweepData s{xtr_, ltr_, batch, classes_, y};
  s.v = &v;
  VectorXd dots;
  sweep(s, Sweep::per_sample_jvp, &dots);
  const double scale = mean_weight(batch, inner_samples());
  if (batch.empty()) {
    out = (scale * sigmoid_prime(x).array() * dots.array()).matrix();
    return;
  }
  VectorXd res = VectorXd::Zero(dim_x());
  for (std::size_t k = 0; k < batch.size(); ++k) {
    const Index i = batch[k];
    res(i) += scale * sigmoid_prime(x(i)) * dots(static_cast<Index>(k));
  }
  out = std::move(res);
}

std::vector<int> HypercleanLogisticProblem::predict(
    const VectorXd& w, const Eigen::Ref<const MatrixXd>& features) const {
  constexpr std::string_view fn = "sampo::bilevel::HypercleanLogisticProblem::predict";
  check_size(fn, "w", w, dim_y());
  const Index p = xtr_.rows();
  check_shape(fn, "features", features, -1, p);
  const Eigen::Map<const MatrixXd> wm(w.data(), classes_, p + 1);
  std::vector<int> labels(static_cast<std::size_t>(features.rows()));
  VectorXd z(classes_);
  for (Index i = 0; i < features.rows(); ++i) {
    z.noalias() = wm.leftCols(p) * features.row(i).transpose();
    z += wm.col(p);
    Index best = 0;
    z.maxCoeff(&best);
    labels[static_cast<std::size_t>(i)] = static_cast<int>(best);
  }
  return labels;
}

}  // namespace sampo::bilevel

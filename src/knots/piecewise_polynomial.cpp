#include "sampo/knots/piecewise_polynomial.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::knots {
namespace {
constexpr const char* kFn = "sampo::knots::PiecewisePolynomial";
}  // namespace

PiecewisePolynomial::PiecewisePolynomial(Eigen::VectorXd breaks, Eigen::MatrixXd coefficients)
    : breaks_(std::move(breaks)), coef_(std::move(coefficients)) {
  if (breaks_.size() < 2)
    throw_invalid_argument(kFn, "breaks", std::to_string(breaks_.size()) + " entries",
                           "needs at least 2 breakpoints");
  if (coef_.rows() != breaks_.size() - 1 || coef_.cols() < 1)
    throw_invalid_argument(kFn, "coefficients",
                           std::to_string(coef_.rows()) + "x" + std::to_string(coef_.cols()),
                           "needs one row per piece (" + std::to_string(breaks_.size() - 1) +
                               ") and at least one column");
  check_finite(kFn, "breaks", breaks_);
  check_finite(kFn, "coefficients", coef_);
  for (Eigen::Index i = 0; i + 1 < breaks_.size(); ++i)
    if (!(breaks_(i) < breaks_(i + 1)))
      throw_invalid_argument(kFn, "breaks", format_value(breaks_(i + 1)),
                             "must be strictly increasing (entry " + std::to_string(i + 1) +
                                 " <= entry " + std::to_string(i) + " = " +
                                 format_value(breaks_(i)) + ")");
  const auto n = static_cast<std::size_t>(coef_.rows());
  cumulative_.resize(static_cast<Eigen::Index>(n) + 1);
  cumulative_(0) = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    cumulative_(static_cast<Eigen::Index>(i) + 1) =
        cumulative_(static_cast<Eigen::Index>(i)) + primitive_in_piece(i, breaks_(static_cast<Eigen::Index>(i) + 1));
}

std::size_t PiecewisePolynomial::pieces() const noexcept {
  return static_cast<std::size_t>(coef_.rows());
}
int PiecewisePolynomial::degree() const noexcept { return static_cast<int>(coef_.cols()) - 1; }
double PiecewisePolynomial::lower() const noexcept { return breaks_(0); }
double PiecewisePolynomial::upper() const noexcept { return breaks_(breaks_.size() - 1); }

std::size_t PiecewisePolynomial::find_piece(double t) const noexcept {
  const std::size_t n = pieces();
  if (!(t >= breaks_(1))) return 0;  // also NaN
  if (t >= breaks_(static_cast<Eigen::Index>(n) - 1)) return n - 1;
  // First breakpoint > t, minus one.
  const double* b = breaks_.data();
  const double* it = std::upper_bound(b + 1, b + n, t);
  return static_cast<std::size_t>(it - b) - 1;
}

std::size_t PiecewisePolynomial::find_piece(double t, std::size_t& hint) const noexcept {
  const std::size_t n = pieces();
  if (hint < n) {
    const auto h = static_cast<Eigen::Index>(hint);
    const bool above_left = hint == 0 || t >= breaks_(h);
    const bool below_right = hint + 1 == n || t < breaks_(h + 1);
    if (above_left && below_right) return hint;
    if (above_left && hint + 2 <= n && (hint + 2 == n || t < breaks_(h + 2)))
      return hint = hint + 1;
  }
  return hint = find_piece(t);
}

double PiecewisePolynomial::eval_piece(std::size_t i, double t, int order) const noexcept {
  const auto r = static_cast<Eigen::Index>(i);
  const double h = breaks_(r + 1) - breaks_(r);
  const double v = ((t - breaks_(r)) - (breaks_(r + 1) - t)) / h;
  const int deg = degree();
  if (order > deg) return 0.0;
  // Horner on the order-th derivative in v: sum_k c_k k!/(k-order)! v^(k-order).
  double acc = 0.0;
  for (int k = deg; k >= order; --k) {
    double factor = 1.0;
    for (int j = 0; j < order; ++j) factor *= static_cast<double>(k - j);
    acc = acc * v + factor * coef_(r, k);
  }
  return order == 0 ? acc : acc * std::pow(2.0 / h, order);
}

double PiecewisePolynomial::primitive_in_piece(std::size_t i, double t) const noexcept {
  const auto r = static_cast<Eigen::Index>(i);
  // Integral from t_i to t: (h/2) [P(v) - P(-1)], P(v) = sum_k c_k v^(k+1)/(k+1); written as
  // (h/2) sum_k c_k (v^(k+1) - (-1)^(k+1))/(k+1) = (h/2)(v+1) sum_k c_k q_k(v), where
  // q_k(v) = (v^(k+1) - (-1)^(k+1)) / ((k+1)(v+1)) avoids cancellation near v = -1.
  const double h = breaks_(r + 1) - breaks_(r);
  const double w = (t - breaks_(r)) / h;  // = (v + 1) / 2, exact at the left end
  const double v = 2.0 * w - 1.0;
  double acc = 0.0;
  double g = 0.0, vk = 1.0;  // g_k = sum_{j<=k} v^j (-1)^(k-j) = v^k - g_{k-1}
  for (int k = 0; k <= degree(); ++k) {
    g = vk - g;
    acc += coef_(r, k) * g / static_cast<double>(k + 1);
    vk *= v;
  }
  return acc * w * h;
}

double PiecewisePolynomial::operator()(double t) const noexcept {
  if (std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
  return eval_piece(find_piece(t), t, 0);
}

double PiecewisePolynomial::operator()(double t, std::size_t& hint) const noexcept {
  if (std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
  return eval_piece(find_piece(t, hint), t, 0);
}

Eigen::VectorXd PiecewisePolynomial::operator()(const Eigen::Ref<const Eigen::VectorXd>& t) const {
  Eigen::VectorXd out(t.size());
  std::size_t hint = 0;
  for (Eigen::Index k = 0; k < t.size(); ++k) out(k) = (*this)(t(k), hint);
  return out;
}

double PiecewisePolynomial::derivative(double t, int order) const {
  std::size_t hint = 0;
  return derivative(t, order, hint);
}

double PiecewisePolynomial::derivative(double t, int order, std::size_t& hint) const {
  if (order < 0)
    throw_invalid_argument("sampo::knots::PiecewisePolynomial::derivative", "order",
                           std::to_string(order), "must be >= 0");
  if (std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
  return eval_piece(find_piece(t, hint), t, order);
}

Eigen::VectorXd PiecewisePolynomial::derivative(const Eigen::Ref<const Eigen::VectorXd>& t,
                                                int order) const {
  Eigen::VectorXd out(t.size());
  std::size_t hint = 0;
  for (Eigen::Index k = 0; k < t.size(); ++k) out(k) = derivative(t(k), order, hint);
  return out;
}

double PiecewisePolynomial::integral(double u, double v) const {
  check_finite("sampo::knots::PiecewisePolynomial::integral", "u", u);
  check_finite("sampo::knots::PiecewisePolynomial::integral", "v", v);
  if (u == v) return 0.0;
  if (u > v) return -integral(v, u);
  const std::size_t i = find_piece(u), j = find_piece(v);
  const auto I = static_cast<Eigen::Index>(i), J = static_cast<Eigen::Index>(j);
  if (i == j) return primitive_in_piece(j, v) - primitive_in_piece(i, u);
  // Pieces i (from u to its end), i+1 .. j-1 whole, j (up to v). Few pieces: summed one by one
  // (relative accuracy of a short integral is kept); many: through the cumulative sums
  // (absolute error ~ ulp * max |cumulative|).
  const double head = primitive_in_piece(i, breaks_(I + 1)) - primitive_in_piece(i, u);
  const double tail = primitive_in_piece(j, v);
  double middle = 0.0;
  if (j - i <= 64) {
    for (Eigen::Index k = I + 1; k < J; ++k)
      middle += primitive_in_piece(static_cast<std::size_t>(k), breaks_(k + 1));
  } else {
    middle = cumulative_(J) - cumulative_(I + 1);
  }
  return head + middle + tail;
}

}  // namespace sampo::knots

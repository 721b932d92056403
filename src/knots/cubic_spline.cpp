#include "sampo/knots/cubic_spline.hpp"

#include <string>
#include <vector>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::knots {
namespace {
constexpr const char* kFn = "sampo::knots::CubicSpline";

// Second derivatives M at the knots. h(i) = x(i+1) - x(i), d(i) = slope of interval i.
Eigen::VectorXd second_derivatives(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                   EndCondition end) {
  const Eigen::Index n = x.size();
  Eigen::VectorXd m = Eigen::VectorXd::Zero(n);
  if (n == 2) return m;
  const Eigen::VectorXd h = x.tail(n - 1) - x.head(n - 1);
  const Eigen::VectorXd d = (y.tail(n - 1) - y.head(n - 1)).cwiseQuotient(h);
  if (n == 3) {
    if (end == EndCondition::not_a_knot) {
      m.setConstant(2.0 * (d(1) - d(0)) / (h(0) + h(1)));  // the parabola
    } else {
      m(1) = 3.0 * (d(1) - d(0)) / (h(0) + h(1));
    }
    return m;
  }
  // Unknowns M_1 .. M_{n-2}: tridiagonal rows (lo, di, up) = rhs.
  const Eigen::Index k = n - 2;
  std::vector<double> lo(k), di(k), up(k), rhs(k);
  for (Eigen::Index r = 0; r < k; ++r) {
    const Eigen::Index i = r + 1;
    lo[r] = h(i - 1);
    di[r] = 2.0 * (h(i - 1) + h(i));
    up[r] = h(i);
    rhs[r] = 6.0 * (d(i) - d(i - 1));
  }
  if (end == EndCondition::not_a_knot) {
    // s''' continuous at x_1: M_0 = ((h0 + h1) M_1 - h0 M_2) / h1, substituted into row 1
    // and multiplied by h1; symmetrically at x_{n-2}.
    const double h0 = h(0), h1 = h(1);
    di[0] = (h0 + h1) * (h0 + 2.0 * h1);
    up[0] = h1 * h1 - h0 * h0;
    rhs[0] *= h1;
    const double a = h(n - 3), b = h(n - 2);
    lo[k - 1] = a * a - b * b;
    di[k - 1] = (a + b) * (2.0 * a + b);
    rhs[k - 1] *= a;
  }
  // Thomas algorithm (rows are diagonally dominant: no pivoting needed).
  for (Eigen::Index r = 1; r < k; ++r) {
    const double w = lo[r] / di[r - 1];
    di[r] -= w * up[r - 1];
    rhs[r] -= w * rhs[r - 1];
  }
  m(k) = rhs[k - 1] / di[k - 1];
  for (Eigen::Index r = k - 2; r >= 0; --r) m(r + 1) = (rhs[r] - up[r] * m(r + 2)) / di[r];
  if (end == EndCondition::not_a_knot) {
    m(0) = ((h(0) + h(1)) * m(1) - h(0) * m(2)) / h(1);
    const double a = h(n - 3), b = h(n - 2);
    m(n - 1) = ((a + b) * m(n - 2) - b * m(n - 3)) / a;
  }
  return m;
}
}  // namespace

CubicSpline::CubicSpline(const Eigen::Ref<const Eigen::VectorXd>& x,
                         const Eigen::Ref<const Eigen::VectorXd>& y, EndCondition end)
    : x_(x), y_(y), end_(end) {
  if (x_.size() < 2)
    throw_invalid_argument(kFn, "x", std::to_string(x_.size()) + " knots",
                           "needs at least 2 knots");
  if (y_.size() != x_.size())
    throw_invalid_argument(kFn, "y", std::to_string(y_.size()) + " values",
                           "must have one value per knot (" + std::to_string(x_.size()) + ")");
  check_finite(kFn, "x", x_);
  check_finite(kFn, "y", y_);
  for (Eigen::Index i = 0; i + 1 < x_.size(); ++i)
    if (!(x_(i) < x_(i + 1)))
      throw_invalid_argument(kFn, "x", format_value(x_(i + 1)),
                             "knots must be strictly increasing (knot " + std::to_string(i + 1) +
                                 " <= knot " + std::to_string(i) + " = " + format_value(x_(i)) +
                                 ")");
  m_ = second_derivatives(x_, y_, end_);
  const Eigen::Index n = x_.size() - 1;
  Eigen::MatrixXd c(n, 4);
  for (Eigen::Index i = 0; i < n; ++i) {
    // Taylor coefficients at the left knot in u = (x - x_i)/h, then u = (v + 1)/2.
    const double h = x_(i + 1) - x_(i), h2 = h * h;
    const double a0 = y_(i);
    const double a1 = (y_(i + 1) - y_(i)) - h2 * (2.0 * m_(i) + m_(i + 1)) / 6.0;
    const double a2 = 0.5 * m_(i) * h2;
    const double a3 = (m_(i + 1) - m_(i)) * h2 / 6.0;
    c(i, 0) = a0 + 0.5 * a1 + 0.25 * a2 + 0.125 * a3;
    c(i, 1) = 0.5 * a1 + 0.5 * a2 + 0.375 * a3;
    c(i, 2) = 0.25 * a2 + 0.375 * a3;
    c(i, 3) = 0.125 * a3;
  }
  pp_ = PiecewisePolynomial(x_, std::move(c));
}

}  // namespace sampo::knots

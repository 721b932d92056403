#include "sampo/knots/interpolant.hpp"

#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::knots {

double Interpolant::operator()(double x) const noexcept { return p_(to_scaled(scale_, x)); }

double Interpolant::operator()(double x, std::size_t& hint) const noexcept {
  return p_(to_scaled(scale_, x), hint);
}

Eigen::VectorXd Interpolant::operator()(const Eigen::Ref<const Eigen::VectorXd>& x) const {
  Eigen::VectorXd out(x.size());
  std::size_t hint = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) out(i) = (*this)(x(i), hint);
  return out;
}

double Interpolant::derivative(double x) const {
  const double t = to_scaled(scale_, x);
  return p_.derivative(t, 1) / jacobian(scale_, t);
}

double Interpolant::second_derivative(double x) const {
  // d/dx = (1/J) d/dt with J = dx/dt: g'' = p''/J^2 - p' J_t / J^3, J_t = dJ/dt.
  const double t = to_scaled(scale_, x);
  const double j = jacobian(scale_, t);
  double jt = 0.0;
  if (scale_ == Scale::log) jt = j;
  if (scale_ == Scale::asinh) jt = std::sinh(t);
  return p_.derivative(t, 2) / (j * j) - p_.derivative(t, 1) * jt / (j * j * j);
}

double Interpolant::integral(double u, double v) const {
  constexpr const char* kFn = "sampo::knots::Interpolant::integral";
  check_finite(kFn, "u", u);
  check_finite(kFn, "v", v);
  if (scale_ == Scale::linear) return p_.integral(u, v);
  if (scale_ == Scale::log) {
    if (!(u > 0)) throw_invalid_argument(kFn, "u", format_value(u), "must be > 0 on a log scale");
    if (!(v > 0)) throw_invalid_argument(kFn, "v", format_value(v), "must be > 0 on a log scale");
  }
  if (u == v) return 0.0;
  const double sign = u < v ? 1.0 : -1.0;
  const double ta = to_scaled(scale_, std::min(u, v)), tb = to_scaled(scale_, std::max(u, v));
  const Eigen::VectorXd& br = p_.breaks();
  // Split [ta, tb] at the breakpoints, then into sub-pieces of width <= 1.
  double total = 0.0;
  double lo = ta;
  std::size_t piece = p_.find_piece(ta);
  while (lo < tb) {
    double hi = tb;
    if (piece + 1 < p_.pieces()) hi = std::min(hi, br(static_cast<Eigen::Index>(piece) + 1));
    if (!(hi > lo)) {
      ++piece;
      continue;
    }
    const int sub = static_cast<int>(std::ceil(hi - lo));
    for (int s = 0; s < sub; ++s) {
      const double a = lo + (hi - lo) * s / sub;
      const double b = s + 1 == sub ? hi : lo + (hi - lo) * (s + 1) / sub;
      std::size_t hint = piece;  // Gauss nodes are interior: they stay on this piece
      total += boost::math::quadrature::gauss<double, 20>::integrate(
          [&](double t) { return p_(t, hint) * jacobian(scale_, t); },
          a, b);
    }
    lo = hi;
    ++piece;
  }
  return sign * total;
}

double Interpolant::lower() const noexcept { return from_scaled(scale_, p_.lower()); }
double Interpolant::upper() const noexcept { return from_scaled(scale_, p_.upper()); }

}  // namespace sampo::knots

#include "sampo/knots/halo_profiles.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::knots::halo {
namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kSeriesW = 0.5;  // |1 - X^2| below which the series in w are used

void check_X(const char* fn, double X) { check_positive(fn, "X", X); }

// sum_{k >= k0} c(k) w^(k - k0) until the terms stop mattering (|w| < 1/2: < 60 terms).
template <class Coef>
double series(double w, int k0, Coef c) {
  double sum = 0.0, wk = 1.0;
  for (int k = k0; k < k0 + 200; ++k) {
    const double term = c(k) * wk;
    sum += term;
    if (std::abs(term) <= 0.25 * kEps * std::abs(sum)) break;
    wk *= w;
  }
  return sum;
}

// F(X) - 1, accurate everywhere (the series near X = 1).
double kernel_minus_one(double X) {
  const double w = (1.0 - X) * (1.0 + X);
  if (std::abs(w) < kSeriesW)  // F = sum_k w^k/(2k+1)
    return w * series(w, 1, [](int k) { return 1.0 / (2.0 * k + 1.0); });
  return projection_kernel(X) - 1.0;
}

double gk(const auto& f, double a, double b, double rtol) {
  double err = 0.0;
  return boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, a, b, 12, rtol, &err);
}
// int_0^s_max in panels: a break at the knee when the flat part is long enough to matter (a
// tiny first panel would only add rounding noise that the error estimate cannot get below),
// then panels of width <= 4 over the exponential decay (one GK61 panel over the whole decay
// stops on an optimistic error estimate: 4e-13 actual error observed at X = 1e4).
double panels_integral(const auto& f, double s_knee, double s_max, double rtol) {
  double sum = 0.0, lo = 0.0;
  if (s_knee >= 1.0) {
    sum += gk(f, 0.0, s_knee, rtol);
    lo = s_knee;
  }
  const int panels = static_cast<int>(std::ceil((s_max - lo) / 4.0));
  for (int k = 0; k < panels; ++k)
    sum += gk(f, lo + (s_max - lo) * k / panels, lo + (s_max - lo) * (k + 1) / panels, rtol);
  return sum;
}
}  // namespace

double density(Profile p, double x) {
  check_positive("sampo::knots::halo::density", "x", x);
  const double opx = 1.0 + x;
  return p == Profile::nfw ? 1.0 / (x * opx * opx) : 1.0 / (x * opx * opx * opx);
}

double projection_kernel(double X) {
  check_X("sampo::knots::halo::projection_kernel", X);
  const double w = (1.0 - X) * (1.0 + X);
  if (std::abs(w) < kSeriesW) return series(w, 0, [](int k) { return 1.0 / (2.0 * k + 1.0); });
  if (X < 1.0) {
    // arccosh(1/X) = ln((1 + s)/X), s = sqrt(1 - X^2): no cancellation as X -> 0.
    const double s = std::sqrt(w);
    return (std::log1p(s) - std::log(X)) / s;
  }
  const double s = std::sqrt((X - 1.0) * (X + 1.0));
  return std::atan(s) / s;  // arccos(1/X) = arctan(sqrt(X^2 - 1))
}

double surface_density(Profile p, double X) {
  check_X("sampo::knots::halo::surface_density", X);
  const double w = (1.0 - X) * (1.0 + X);  // 1 - X^2
  if (p == Profile::nfw) {
    // 2 (1 - F)/(X^2 - 1) = 2 (F - 1)/w = 2 sum_{k>=1} w^(k-1)/(2k+1)
    if (std::abs(w) < kSeriesW)
      return 2.0 * series(w, 1, [](int k) { return 1.0 / (2.0 * k + 1.0); });
    return 2.0 * kernel_minus_one(X) / w;
  }
  // ((3 - w) F - 3)/w^2 = sum_{k>=2} 4 (k-1) w^(k-2) / (4k^2 - 1)
  if (std::abs(w) < kSeriesW)
    return series(w, 2, [](int k) { return 4.0 * (k - 1.0) / (4.0 * k * k - 1.0); });
  return ((2.0 + X * X) * projection_kernel(X) - 3.0) / (w * w);
}

double cylinder_mass(Profile p, double X) {
  check_X("sampo::knots::halo::cylinder_mass", X);
  const double w = (1.0 - X) * (1.0 + X);
  if (p == Profile::hernquist) {
    // X^2 (1 - F)/(X^2 - 1) = (1 - w)(F - 1)/w = (1 - w) sum_{k>=1} w^(k-1)/(2k+1)
    if (std::abs(w) < kSeriesW)
      return (1.0 - w) * series(w, 1, [](int k) { return 1.0 / (2.0 * k + 1.0); });
    return X * X * kernel_minus_one(X) / w;
  }
  const double lambda = std::log(2.0 / X);
  if (X < 1e-3) {
    // 2 (F + ln(X/2)) = q(L - 1/2) + q^2 (3L/4 - 7/16) + q^3 (5L/8 - 37/96) + O(q^4 L),
    // q = X^2, L = ln(2/X); the next term is below 1e-18 relative for X < 1e-3.
    const double q = X * X;
    return q * ((lambda - 0.5) + q * ((0.75 * lambda - 7.0 / 16.0) +
                                      q * (0.625 * lambda - 37.0 / 96.0)));
  }
  if (X < 1.0 && std::abs(w) >= kSeriesW) {
    // F + ln(X/2) = [log1p(-d/2) + d ln(2/X)] / s with s = sqrt(1 - X^2), d = 1 - s
    // = X^2/(1 + s): exact, and free of the ln 2 - ln 2 cancellation of the closed form.
    const double s = std::sqrt(w);
    const double d = X * X / (1.0 + s);
    return 2.0 * (std::log1p(-0.5 * d) + d * lambda) / s;
  }
  if (std::abs(w) < kSeriesW) return 2.0 * (kernel_minus_one(X) + 1.0 - lambda);
  return 2.0 * (projection_kernel(X) - lambda);
}

double mean_surface_density(Profile p, double X) {
  check_X("sampo::knots::halo::mean_surface_density", X);
  return 2.0 * cylinder_mass(p, X) / (X * X);
}

double surface_density_quadrature(Profile p, double X, double rtol) {
  constexpr const char* fn = "sampo::knots::halo::surface_density_quadrature";
  check_X(fn, X);
  check_in_range(fn, "rtol", rtol, std::numeric_limits<double>::min(), 0.5);
  // r = X cosh s along the line of sight: Sigmahat = 2 int_0^inf rhohat(r) r ds. The
  // integrand is flat up to s ~ asinh(1/X), then decays like e^{-2s} (NFW) or e^{-3s}:
  // integrate up to a few e-folds beyond, where the tail is below rtol.
  const double s_knee = std::asinh(1.0 / X);
  const double s_max = s_knee + 0.5 * std::log(4.0 / rtol) + 2.0;
  auto integrand = [&](double s) {
    const double r = X * std::cosh(s);
    return density(p, r) * r;
  };
  return 2.0 * panels_integral(integrand, s_knee, s_max, rtol);
}

double cylinder_mass_quadrature(Profile p, double X, double rtol) {
  constexpr const char* fn = "sampo::knots::halo::cylinder_mass_quadrature";
  check_X(fn, X);
  check_in_range(fn, "rtol", rtol, std::numeric_limits<double>::min(), 0.5);
  // 3-D mass m(X) = int_0^X x^2 rhohat dx with x = e^v (integrand x^3 rhohat ~ x^2 as x -> 0),
  // from x_lo = min(X, 1) sqrt(rtol) e^-7: the neglected part ~ x_lo^2/2 is < 1e-6 rtol m.
  auto inner = [&](double v) {
    const double x = std::exp(v);
    return x * x * x * density(p, x);
  };
  const double lnX = std::log(X);
  const double v_lo = std::min(lnX, 0.0) + 0.5 * std::log(rtol) - 7.0;
  // A break at x = 1 (where x^3 rhohat turns over) only when both panels are wide: a tiny
  // panel would only add rounding noise that the error estimate cannot get below.
  const double m = lnX > 1.0 ? gk(inner, v_lo, 0.0, rtol) + gk(inner, 0.0, lnX, rtol)
                             : gk(inner, v_lo, lnX, rtol);
  // Shells beyond X: x = X cosh s, 1 - sqrt(1 - 1/cosh^2 s) = 1 - tanh s = 2/(e^{2s} + 1).
  auto outer = [&](double s) {
    const double x = X * std::cosh(s);
    return x * x * density(p, x) * (2.0 / (std::exp(2.0 * s) + 1.0)) * X * std::sinh(s);
  };
  const double s_knee = std::asinh(1.0 / X);
  const double s_max = s_knee + 0.5 * std::log(4.0 / rtol) + 2.0;
  const double tail = panels_integral(outer, s_knee, s_max, rtol);
  return 2.0 * (m + tail);
}

}  // namespace sampo::knots::halo

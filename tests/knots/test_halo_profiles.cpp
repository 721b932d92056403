#include "sampo/knots/halo_profiles.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using namespace sampo::knots::halo;
using mp = boost::multiprecision::cpp_bin_float_50;

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();

// Closed forms in 50 digits: the 0/0 near X = 1 and the small-X cancellation cost at most
// ~2 log10(1/|X-1|) + 10 digits, far from the 50 available at the X used here.
mp F50(mp X) {
  if (X < 1) return acosh(1 / X) / sqrt(1 - X * X);
  if (X > 1) return acos(1 / X) / sqrt(X * X - 1);
  return mp(1);
}
double sigma50(Profile p, double Xd) {
  const mp X = Xd, F = F50(X), q = X * X - 1;
  if (Xd == 1.0) return p == Profile::nfw ? 2.0 / 3 : 4.0 / 15;
  if (p == Profile::nfw) return static_cast<double>(2 * (1 - F) / q);
  return static_cast<double>(((2 + X * X) * F - 3) / (q * q));
}
double mass50(Profile p, double Xd) {
  const mp X = Xd, F = F50(X);
  if (p == Profile::nfw) return static_cast<double>(2 * (F + log(X / 2)));
  if (Xd == 1.0) return 1.0 / 3;
  return static_cast<double>(X * X * (1 - F) / (X * X - 1));
}

std::vector<double> test_points() {
  std::vector<double> xs;
  for (int k = -60; k <= 60; ++k) xs.push_back(std::pow(10.0, k / 10.0));  // 1e-6 .. 1e6
  for (int k = 1; k <= 12; ++k) {  // approaching X = 1 from both sides
    xs.push_back(1 - std::pow(10.0, -k));
    xs.push_back(1 + std::pow(10.0, -k));
  }
  for (double x : {0.7, 0.7071, 0.70711, 0.7072, 1.2247, 1.22475, 1.2248, 9.99e-4, 1.001e-3})
    xs.push_back(x);  // both sides of the series / formula switches
  return xs;
}

// The 3-D density integrated in long double (GK61, 64-bit mantissa): an independent check of
// the closed forms themselves, to ~1e-18.
long double sigma_ld(Profile p, long double X) {
  auto f = [&](long double s) {
    const long double r = X * std::cosh(s);
    const long double o = 1 + r;
    return p == Profile::nfw ? 1 / (o * o) : 1 / (o * o * o);
  };
  long double sum = 0, err = 0;
  const long double knee = std::asinh(1 / X);
  if (knee > 1) sum += boost::math::quadrature::gauss_kronrod<long double, 61>::integrate(f, 0.0L, knee, 10, 1e-17L, &err);
  const long double lo = knee > 1 ? knee : 0.0L;
  for (int k = 0; k < 12; ++k)
    sum += boost::math::quadrature::gauss_kronrod<long double, 61>::integrate(
        f, lo + 4.0L * k, lo + 4.0L * (k + 1), 10, 1e-17L, &err);
  return 2 * sum;
}
}  // namespace

TEST_CASE("halo profiles: values at X = 1", "[knots][halo_profiles]") {
  CHECK(projection_kernel(1.0) == 1.0);
  CHECK(surface_density(Profile::nfw, 1.0) == Approx(2.0 / 3).epsilon(2 * kEps));
  CHECK(surface_density(Profile::hernquist, 1.0) == Approx(4.0 / 15).epsilon(2 * kEps));
  CHECK(cylinder_mass(Profile::nfw, 1.0) == Approx(2 * (1 - std::log(2.0))).epsilon(4 * kEps));
  CHECK(cylinder_mass(Profile::hernquist, 1.0) == Approx(1.0 / 3).epsilon(2 * kEps));
  CHECK(mean_surface_density(Profile::hernquist, 1.0) == Approx(2.0 / 3).epsilon(2 * kEps));
  CHECK(density(Profile::nfw, 1.0) == 0.25);
  CHECK(density(Profile::hernquist, 1.0) == 0.125);
}

TEST_CASE("halo profiles agree with 50-digit closed forms everywhere", "[knots][halo_profiles]") {
  // Bound: 64 ulp. The worst cases are just outside the series region |1 - X^2| < 1/2, where
  // the Hernquist closed form ((2 + X^2) F - 3) cancels ~30x (1.5 digits) on top of F's few ulp.
  double worst = 0.0;
  for (double X : test_points()) {
    for (Profile p : {Profile::nfw, Profile::hernquist}) {
      const double rs = std::abs(surface_density(p, X) / sigma50(p, X) - 1);
      const double rm = std::abs(cylinder_mass(p, X) / mass50(p, X) - 1);
      INFO("X = " << X << " profile " << static_cast<int>(p));
      CHECK(rs <= 64 * kEps);
      CHECK(rm <= 64 * kEps);
      worst = std::max({worst, rs, rm});
    }
  }
  CHECK(worst > 0.0);  // the comparison is not vacuous
}

TEST_CASE("halo closed forms agree with long-double quadrature of the density",
          "[knots][halo_profiles]") {
  for (double X : {1e-4, 0.3, 0.9, 1.0, 1.1, 3.0, 1e3}) {
    for (Profile p : {Profile::nfw, Profile::hernquist}) {
      const double q = static_cast<double>(sigma_ld(p, X));
      INFO("X = " << X);
      CHECK(surface_density(p, X) == Approx(q).epsilon(16 * kEps));
    }
  }
}

TEST_CASE("small-X series of the NFW cylinder mass", "[knots][halo_profiles]") {
  // Leading behaviour X^2 (ln(2/X) - 1/2): relative correction O(X^2) at X = 1e-5.
  const double X = 1e-5;
  CHECK(cylinder_mass(Profile::nfw, X) ==
        Approx(X * X * (std::log(2 / X) - 0.5)).epsilon(1e-9));
  // The series (X < 1e-3) and the exact rearrangement (X >= 1e-3) meet continuously: the
  // truncated q^4 term is ~1e-18 relative there.
  const double below = std::nextafter(1e-3, 0.0);
  CHECK(cylinder_mass(Profile::nfw, below) ==
        Approx(cylinder_mass(Profile::nfw, 1e-3)).epsilon(8 * kEps));
}

TEST_CASE("the expensive f: quadrature of the 3-D density", "[knots][halo_profiles]") {
  // Gauss-Kronrod to rtol 1e-13 per panel: 1e-13 relative, plus the closed form's ulps.
  for (double X : {1e-4, 0.02, 0.5, 1.0, 2.5, 40.0, 1e4}) {
    for (Profile p : {Profile::nfw, Profile::hernquist}) {
      INFO("X = " << X);
      CHECK(surface_density_quadrature(p, X) == Approx(surface_density(p, X)).epsilon(2e-13));
      CHECK(cylinder_mass_quadrature(p, X) == Approx(cylinder_mass(p, X)).epsilon(2e-13));
    }
  }
  // A loose tolerance gives a correspondingly loose value.
  CHECK(surface_density_quadrature(Profile::nfw, 0.3, 1e-6) ==
        Approx(surface_density(Profile::nfw, 0.3)).epsilon(1e-6));
}

TEST_CASE("halo profiles reject bad input", "[knots][halo_profiles]") {
  SAMPO_REQUIRE_THROWS_WITH(surface_density(Profile::nfw, 0.0), sampo::invalid_argument,
                            "surface_density", "'X' = 0");
  SAMPO_REQUIRE_THROWS_WITH(cylinder_mass(Profile::hernquist, -1.0), sampo::invalid_argument,
                            "'X' = -1");
  SAMPO_REQUIRE_THROWS_WITH(projection_kernel(NAN), sampo::invalid_argument, "'X' = nan");
  SAMPO_REQUIRE_THROWS_WITH(density(Profile::nfw, INFINITY), sampo::invalid_argument, "'x' = inf");
  SAMPO_REQUIRE_THROWS_WITH(surface_density_quadrature(Profile::nfw, 1.0, 0.0),
                            sampo::invalid_argument, "'rtol' = 0");
  SAMPO_REQUIRE_THROWS_WITH(cylinder_mass_quadrature(Profile::nfw, 1.0, 2.0),
                            sampo::invalid_argument, "'rtol' = 2");
}

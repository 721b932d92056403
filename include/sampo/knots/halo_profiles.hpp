#pragma once
/// @file
/// Projected NFW and Hernquist halo profiles: the application of the AutoKnots paper and the
/// reference functions of the knots validation. Dimensionless units: x = r/r_s, X = R/r_s,
/// rho = rho_s rhohat(x), Sigma(R) = r_s rho_s Sigmahat(X), cylinder mass
/// M(<R) = 2 pi r_s^3 rho_s Mhat(X), mean surface density Sigmabar(<R) = 2 r_s rho_s Mhat/X^2.
///
/// Closed forms use F(X) = arccosh(1/X)/sqrt(1 - X^2) (X < 1), 1 (X = 1),
/// arccos(1/X)/sqrt(X^2 - 1) (X > 1). They lose digits near X = 1 (0/0) and, for the NFW
/// cylinder mass, at small X (F + ln(X/2) cancels); there the functions switch to series
/// derived in docs/knots.md (|1 - X^2| < 1/2: the series of F in w = 1 - X^2; NFW Mhat at
/// X < 1e-3: its expansion in X^2 and ln(2/X)), and elsewhere to cancellation-free
/// rearrangements. Accuracy: a few tens of ulp over (0, inf), checked in the unit tests
/// against 50-digit evaluations and long-double quadrature of the 3-D density.

namespace sampo::knots::halo {

/// The two density profiles.
enum class Profile {
  nfw,        ///< rhohat(x) = 1 / (x (1 + x)^2)
  hernquist,  ///< rhohat(x) = 1 / (x (1 + x)^3)
};

/// rhohat(x), x > 0. @throw sampo::invalid_argument if x <= 0 or not finite.
double density(Profile p, double x);

/// F(X) above, X > 0. @throw sampo::invalid_argument if X <= 0 or not finite.
double projection_kernel(double X);

/// Sigmahat(X) = 2 int_0^inf rhohat(sqrt(X^2 + u^2)) du, closed form; NFW: 2(1 - F)/(X^2 - 1)
/// (2/3 at 1), Hernquist: ((2 + X^2) F - 3)/(X^2 - 1)^2 (4/15 at 1).
/// @throw sampo::invalid_argument if X <= 0 or not finite.
double surface_density(Profile p, double X);

/// Mhat(X) = int_0^X Sigmahat(X') X' dX', closed form; NFW: 2(F + ln(X/2)) (2(1 - ln 2) at 1),
/// Hernquist: X^2 (1 - F)/(X^2 - 1) (1/3 at 1). @throw as surface_density.
double cylinder_mass(Profile p, double X);

/// Sigmabar(<X) / (r_s rho_s) = 2 Mhat(X) / X^2. @throw as surface_density.
double mean_surface_density(Profile p, double X);

/// Sigmahat(X) by adaptive 61-point Gauss-Kronrod quadrature of the 3-D density along the
/// line of sight (u = X sinh s), to relative tolerance @p rtol (default 1e-13; about 300 to
/// 500 density evaluations, ~5 us; the cylinder mass ~55 us): the "expensive f" of the benchmarks.
/// @throw sampo::invalid_argument if X <= 0 or rtol is not in (0, 1).
double surface_density_quadrature(Profile p, double X, double rtol = 1e-13);

/// Mhat(X) = 2 [m(X) + int_X^inf x^2 rhohat(x) (1 - sqrt(1 - X^2/x^2)) dx], m the 3-D mass
/// int_0^X x^2 rhohat dx, both by adaptive Gauss-Kronrod quadrature of the density.
/// @throw as surface_density_quadrature.
double cylinder_mass_quadrature(Profile p, double X, double rtol = 1e-13);

}  // namespace sampo::knots::halo

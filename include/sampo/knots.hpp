#pragma once
/// @file
/// Umbrella header of sampo::knots: the cubic spline, piecewise polynomials, scales, formulas
/// f(x) (Expression), adaptive knot allocation (AutoKnots and a high-order strategy) and the
/// NFW / Hernquist references.
#include "sampo/knots/cubic_spline.hpp"
#include "sampo/knots/expression.hpp"
#include "sampo/knots/fit.hpp"
#include "sampo/knots/halo_profiles.hpp"
#include "sampo/knots/interpolant.hpp"
#include "sampo/knots/piecewise_polynomial.hpp"
#include "sampo/knots/scale.hpp"

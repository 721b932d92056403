#pragma once
/// @file
/// Adaptive knot allocation: tabulate f on [a, b] until an interpolant meets a relative
/// tolerance, keeping every evaluation of f as a knot (AutoKnots, Vitenti et al., Astronomy
/// and Computing 2025, arXiv:2412.13423, as implemented in NumCosmo's ncm_spline_func.c),
/// plus a high-order strategy that needs several times fewer evaluations on smooth f.

#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

#include "sampo/core/cancellation.hpp"
#include "sampo/core/eigen.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/knots/cubic_spline.hpp"
#include "sampo/knots/interpolant.hpp"
#include "sampo/knots/scale.hpp"

namespace sampo::knots {

/// How knots are chosen and what interpolates them.
enum class Strategy {
  /// NumCosmo's AutoKnots (NCM_SPLINE_FUNCTION_SPLINE): cubic not-a-knot spline; every pass
  /// bisects each not-yet-accepted interval, evaluates f at the midpoint and accepts both
  /// halves when the previous pass's spline predicted f there and its integral over the
  /// interval matched Simpson's rule; then the spacing-outlier `refine` step.
  autoknots,
  /// Piecewise polynomials of degree order-1, each interpolating the `order` knots centred on
  /// its interval; each pass splits, at a golden section (off any dyadic lattice), the
  /// intervals whose a-posteriori error estimate exceeds the tolerance: the difference with
  /// the interpolant through one more knot (this and the neighbouring stencils), trusted only
  /// where the order-(order-2) estimate is larger by a margin. Every new knot first tests the
  /// interpolant it joins; a miss forces further splits. Every evaluation is a knot. The
  /// default: fewer evaluations than autoknots and no false convergence on the seeded sweep
  /// of tests/knots/test_fit_reliability.cpp (docs/knots.md).
  high_order,
};

/// "autoknots" or "high_order".
std::string_view to_string(Strategy strategy) noexcept;
/// Parses the names of to_string(). @throw sampo::invalid_argument otherwise.
Strategy strategy_from_string(std::string_view name);

/// Settings of sampo::knots::fit. Tolerance: an interpolant value s accepted for f passes
/// |f - s| <= rtol (|f| + atol), i.e. `atol` is an absolute *scale* (NumCosmo's `scale`): the
/// absolute tolerance is rtol * atol. With atol = 0 the test is purely relative and cannot be
/// met where f crosses zero; give atol ~ the size of f there.
struct FitOptions {
  double rtol = 1e-8;                  ///< relative tolerance, > 0
  double atol = 0.0;                   ///< absolute scale, >= 0 (absolute tolerance rtol*atol)
  Scale scale = Scale::linear;         ///< variable in which knots are spaced and s is built
  std::size_t min_knots = 6;           ///< initial uniform knots (in the scale), >= 3
  std::size_t max_knots = 100000;      ///< evaluation budget (honoured exactly), >= min_knots
  int refine = 1;                      ///< autoknots: spacing-outlier re-test rounds (0: off)
  double refine_sigma = 1.0;           ///< re-test intervals wider than mean + sigma * sd
  /// autoknots: after NumCosmo's passes converge, test the spline at one new knot per interval
  /// at a golden section (off the midpoints' dyadic lattice) and re-open the intervals where
  /// it misses, until every interval has passed such a check. Guards against false
  /// convergence (aliasing, an interval accepted on one lucky midpoint) at the cost of about
  /// one more evaluation per interval; false (default) is NumCosmo's algorithm. high_order
  /// always places its new knots off the lattice.
  bool verify = false;
  int threads = 1;                     ///< threads evaluating one pass's new points (0: all);
                                       ///< f must then be thread-safe. The result does not
                                       ///< depend on it (each point is evaluated alone).
  Strategy strategy = Strategy::high_order;  ///< see Strategy (docs/knots.md: why this default)
  int order = 10;                      ///< high_order: knots per local polynomial, even, 4..16
  /// Advanced by the number of evaluations of f after each batch (the initial grid, then one
  /// per pass); max_knots bounds the total. Not owned; null: no progress.
  Progress* progress = nullptr;
  /// Polled before each pass: once raised, fit returns the interpolant through the knots so far
  /// with run.termination = Termination::user_stopped (the initial grid is always evaluated).
  /// Not owned; null: never cancelled.
  const CancellationFlag* cancel = nullptr;

  /// @throw sampo::invalid_argument naming the first bad field and its value.
  void validate() const;
};

/// The interpolant and how it was obtained.
struct FitResult {
  /// g(x) ~ f(x) on [a, b]: evaluate, differentiate, integrate (see Interpolant).
  Interpolant interpolant;
  /// Every evaluation of f, sorted: x (user variable), t = T(x) and y = f(x). size = evaluations.
  Eigen::VectorXd x, t, y;
  /// Posterior estimate of max |f - g| / (|f| + atol) over the final intervals (comparable to
  /// rtol). autoknots: the discrepancy measured when each interval's parent was last tested
  /// (conservative: the midpoint then became a knot, so the final spline is ~16x better on
  /// smooth f); high_order: the a-posteriori estimate for the final pieces (inflated where f is
  /// not shown to be resolved, see Strategy::high_order). Infinite for an
  /// interval never tested (budget exhausted).
  double error_estimate = std::numeric_limits<double>::infinity();
  /// Where knots closed in on a suspected discontinuity (NaN unless
  /// run.termination == Termination::discontinuity_suspected).
  double discontinuity_at = std::numeric_limits<double>::quiet_NaN();
  /// termination (converged | max_evaluations | discontinuity_suspected | user_stopped),
  /// message, iterations (= passes), evaluations (= knots), seconds.
  Run run;

  /// The not-a-knot cubic spline in t through all knots (for autoknots: exactly the pieces
  /// of `interpolant`).
  [[nodiscard]] CubicSpline spline() const { return CubicSpline(t, y); }
  /// "autoknots: 409 knots, converged after 9 passes, error estimate 3e-9, 0.01 s".
  [[nodiscard]] std::string brief_report() const;
};

/// Tabulates f on [a, b] adaptively until the interpolant meets opt.rtol / opt.atol.
///
/// @param f the function; called only inside [a, b] (ends included), possibly concurrently
///          when opt.threads != 1
/// @param a, b the interval, finite, a < b (a > 0 for the log scale)
/// @param opt settings, see FitOptions (validated first)
/// @return the interpolant and the run; running out of opt.max_knots or closing in on a
///         discontinuity (knots closer than 100 ulp relative) is reported in
///         FitResult::run.termination, never thrown; so is a raised opt.cancel.
/// @throw sampo::invalid_argument on bad a, b or options, or if f returns NaN/Inf (the
///        message names x).
/// @throw sampo::numerical_error if f throws: the message names x and repeats the original
///        message, and the original exception is nested (std::rethrow_if_nested).
FitResult fit(const std::function<double(double)>& f, double a, double b, const FitOptions& opt = {});

/// The former names of FitOptions and FitResult, deprecated: kept through the 0.1 series,
/// removed in 0.2.
using Options [[deprecated("renamed sampo::knots::FitOptions")]] = FitOptions;
using Result [[deprecated("renamed sampo::knots::FitResult")]] = FitResult;

}  // namespace sampo::knots

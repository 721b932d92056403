// Validation: NumCosmo's precision-test families (NcmSplineFuncTest: polynomials, cosine
// series, exp + sinc^2, Gaussian radial basis functions) with parameters drawn from fixed
// seeds, the plateau / step functions that are AutoKnots' documented weak spot (refine on and
// off), and the cubic spline's exactness and convergence order.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "knots_cases.hpp"
#include "registry.hpp"
#include "sampo/knots/cubic_spline.hpp"
#include "sampo/knots/fit.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace {
using namespace sampo::knots;
using sampo::validation::Outcome;
using sampo::validation::knots::measured_text;
using sampo::validation::knots::normalized_error;

// Uniform on (lo, hi) from the fixture kit's Philox stream (seed, 0), so the drawn parameters
// are the same with every standard library.
struct Draw {
  explicit Draw(std::uint64_t seed) : rs(seed, 0) {}
  double operator()(double lo, double hi) { return rs.uniform(lo, hi); }
  sampo::parallel::RandomStream rs;
};

struct Family {
  std::string name;
  std::function<double(double)> f;
  double a, b;
};

Family make_family(const std::string& kind, std::uint64_t seed) {
  Draw u(seed);
  if (kind == "polynomial") {  // degree 5, coefficients U[-10, 10] (NumCosmo's Monte Carlo)
    std::vector<double> c(6);
    for (double& v : c) v = u(-10, 10);
    return {kind, [c](double x) {
              double s = 0.0;
              for (auto it = c.rbegin(); it != c.rend(); ++it) s = s * x + *it;
              return s;
            }, 0.0, 1.0};
  }
  if (kind == "cosine") {  // sum of 10 A_i cos(2 pi nu_i x), A ~ U[-1, 1], nu ~ U[-5, 5]
    std::vector<double> A(10), nu(10);
    for (int i = 0; i < 10; ++i) {
      A[i] = u(-1, 1);
      nu[i] = u(-5, 5);
    }
    return {kind, [A, nu](double x) {
              double s = 0.0;
              for (std::size_t i = 0; i < A.size(); ++i)
                s += A[i] * std::cos(2 * 3.141592653589793 * nu[i] * x);
              return s;
            }, 0.0, 1.0};
  }
  if (kind == "exp_sinc") {  // e^{alpha x}/2 + sinc^2(beta x), alpha ~ U[-1, 1], beta ~ U[10, 50]
    const double alpha = u(-1, 1), beta = u(10, 50);
    return {kind, [alpha, beta](double x) {
              const double z = beta * x, s = z == 0.0 ? 1.0 : std::sin(z) / z;
              return 0.5 * std::exp(alpha * x) + s * s;
            }, -1.0, 1.0};
  }
  // rbf: 8 Gaussians, centres U[0, 1], weights U[-1, 1], widths U[0.05, 0.2]
  std::vector<double> w(8), c(8), s(8);
  for (int i = 0; i < 8; ++i) {
    w[i] = u(-1, 1);
    c[i] = u(0, 1);
    s[i] = u(0.05, 0.2);
  }
  return {kind, [w, c, s](double x) {
            double v = 0.0;
            for (int i = 0; i < 8; ++i) v += w[i] * std::exp(-std::pow((x - c[i]) / s[i], 2));
            return v;
          }, 0.0, 1.0};
}

Outcome check_fit(const Family& fam, const FitOptions& opt, double factor, const char* why) {
  const FitResult r = fit(fam.f, fam.a, fam.b, opt);
  const double worst = normalized_error(r, fam.f, fam.a, fam.b, opt.rtol, opt.atol);
  char note[600];
  std::snprintf(note, sizeof note,
                "%s, %zu evaluations, %s: max |g - f| / (rtol (|f| + atol)) on 1e4 points, "
                "rtol %.0e, atol %g; allowed %gx: %s",
                std::string(to_string(opt.strategy)).c_str(), r.run.evaluations,
                std::string(sampo::to_string(r.run.termination)).c_str(), opt.rtol, opt.atol,
                factor, why);
  Outcome o = sampo::validation::bound(r.run.converged() ? worst : INFINITY, factor, note);
  o.measured = measured_text(worst, opt.rtol, r);
  return o;
}

constexpr const char* kWhyFamily =
    "one test point per interval cannot bound the error between test points; NumCosmo's own "
    "Monte Carlo (1e6 degree-5 polynomials) finds such outliers in 2.4% of draws, and its halo "
    "test allows 10x";

double logistic(double x) { return 1.0 / (1.0 + std::exp(-(x - 0.5) / 0.005)); }
double plateau(double x) { return 0.5 * (std::tanh((x - 0.3) / 0.01) - std::tanh((x - 0.7) / 0.01)); }
}  // namespace

SAMPO_VALIDATION_GROUP(knots_families) {
  for (const char* kind : {"polynomial", "cosine", "exp_sinc", "rbf"})
    for (std::uint64_t seed : {11u, 12u, 13u})
      for (Strategy strategy : {Strategy::autoknots, Strategy::high_order}) {
        const std::string name = std::string("family/") + kind + "/seed=" +
                                 std::to_string(seed) + "/" + std::string(to_string(strategy));
        sampo::validation::register_case({"knots", name, [kind, seed, strategy] {
                                            FitOptions opt;
                                            opt.rtol = 1e-8;
                                            opt.atol = 1.0;
                                            opt.strategy = strategy;
                                            return check_fit(make_family(kind, seed), opt, 10.0,
                                                             kWhyFamily);
                                          }});
      }
  struct Step {
    const char* name;
    double (*f)(double);
  };
  for (const Step step : {Step{"logistic_step", &logistic}, Step{"tanh_plateau", &plateau}}) {
    for (int refine : {0, 1}) {
      const std::string name = std::string(step.name) + "/autoknots/refine=" + std::to_string(refine);
      sampo::validation::register_case({"knots", name, [step, refine] {
        FitOptions opt;
        opt.strategy = Strategy::autoknots;
        opt.rtol = 1e-8;
        opt.atol = 1.0;
        opt.refine = refine;
        const Family fam{step.name, step.f, 0.0, 1.0};
        if (refine == 1 || std::string(step.name) != "logistic_step")
          return check_fit(fam, opt, 10.0, kWhyFamily);
        // The documented weak spot, reproduced: the midpoint test at the step's centre passes
        // by symmetry and, without refine, the step is never resolved. Passes when the error
        // is at least 1e6 x the tolerance (i.e. when the faithful behaviour is reproduced).
        const FitResult r = fit(fam.f, 0.0, 1.0, opt);
        const double worst = normalized_error(r, fam.f, 0.0, 1.0, opt.rtol, opt.atol);
        char note[400];
        std::snprintf(note, sizeof note,
                      "weak spot reproduced: without refine the error is %.2g x the "
                      "tolerance after %zu evaluations (reported: 1e6 / that ratio, must be "
                      "<= 1); refine = 1 resolves it",
                      worst, r.run.evaluations);
        Outcome o = sampo::validation::bound(1e6 / worst, 1.0, note);
        char m[200];
        std::snprintf(m, sizeof m,
                      "1e6 / (achieved max error / rtol = %.3g): weak spot reproduced if <= 1; "
                      "%zu evaluations", worst, r.run.evaluations);
        o.measured = m;
        return o;
      }});
    }
    const std::string name = std::string(step.name) + "/high_order";
    sampo::validation::register_case({"knots", name, [step] {
      FitOptions opt;
      opt.rtol = 1e-8;
      opt.atol = 1.0;
      opt.strategy = Strategy::high_order;
      return check_fit(Family{step.name, step.f, 0.0, 1.0}, opt, 10.0, kWhyFamily);
    }});
  }
}

SAMPO_VALIDATION_CASE("knots", "cubic_spline/exact_on_cubics") {
  // Random knots (spacing ratio <= 5) on [-2, 3]: a cubic is reproduced up to rounding;
  // reported: the max error in units of ulp * max|p| (8.6), allowed 10.
  Draw u(7);
  Eigen::VectorXd x(30);
  x(0) = -2.0;
  for (int i = 1; i < 30; ++i) x(i) = x(i - 1) + u(0.2, 1.0);
  x = (x.array() - x(0)) / (x(29) - x(0)) * 5.0 - 2.0;
  auto p = [](double t) { return 2.0 - t + 0.5 * t * t - 0.3 * t * t * t; };
  const CubicSpline s(x, x.unaryExpr(p));
  double worst = 0.0;
  for (int i = 0; i <= 5000; ++i) {
    const double t = -2.0 + 5.0 * i / 5000.0;
    worst = std::max(worst, std::abs(s(t) - p(t)));
  }
  Outcome o = sampo::validation::bound(
      worst / (std::numeric_limits<double>::epsilon() * 8.6), 10.0,
      "max |s - p| / (ulp * max|p|) for a cubic p on 30 random knots");
  o.measured = "max |spline - cubic| in ulps of max|cubic|";
  return o;
}

SAMPO_VALIDATION_CASE("knots", "cubic_spline/fourth_order") {
  // Not-a-knot spline of sin on [0, 3], 81 vs 161 uniform knots: the observed order
  // log2(e_81 / e_161) must be 4 (error model C h^4), within 0.2 (the constant has converged
  // to a few % at these h).
  auto err = [](int n) {
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(n, 0.0, 3.0);
    const CubicSpline s(x, x.array().sin().matrix());
    double e = 0.0;
    for (int i = 0; i <= 6000; ++i) {
      const double t = 3.0 * i / 6000.0;
      e = std::max(e, std::abs(s(t) - std::sin(t)));
    }
    return e;
  };
  Outcome o = sampo::validation::compare_absolute(
      4.0, std::log2(err(81) / err(161)), 0.2, "observed order of the max error, sin on [0, 3]");
  o.measured = "observed convergence order log2(e_81 / e_161), expected 4";
  return o;
}

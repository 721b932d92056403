// Validation: oscillatory functions, where a sampler's grid can alias the oscillation.
// (1) e^{-x} cos(wx) on [0, 3] for frequencies that resonate with the dyadic grid of the
// initial knots (w = 2 pi 20 / 3 and 2 pi 60 / 3: every sample at spacing 3/20, 3/40, ...
// lies on one slow curve) and for ordinary ones; (2) the sweep sin(wx) on [0, 3],
// w = 5, 10, ..., 200 at rtol 1e-7, atol 1, for each strategy: the worst achieved error over
// the 40 frequencies and the total evaluations (docs/knots.md compares them).
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include "knots_cases.hpp"
#include "registry.hpp"
#include "sampo/knots/fit.hpp"

namespace {
using namespace sampo::knots;
using sampo::validation::Outcome;
using sampo::validation::knots::measured_text;
using sampo::validation::knots::normalized_error;

// Allowed: 10x the tolerance. high_order probes its estimate at 3 points per piece and the
// autoknots check is one point per interval, so the error between probes may exceed rtol by
// a modest factor; aliasing gives ~1/rtol (1e7 here), which this must catch.
constexpr double kAllowed = 10.0;

struct Variant {
  const char* name;
  Strategy strategy;
  bool verify;
};
constexpr Variant kVariants[] = {{"high_order", Strategy::high_order, false},
                                 {"autoknots", Strategy::autoknots, false},
                                 {"autoknots+verify", Strategy::autoknots, true}};

FitOptions options(const Variant& v, double rtol) {
  FitOptions o;
  o.rtol = rtol;
  o.atol = 1.0;
  o.strategy = v.strategy;
  o.verify = v.verify;
  return o;
}
}  // namespace

SAMPO_VALIDATION_GROUP(knots_oscillatory) {
  constexpr double two_pi = 2.0 * std::numbers::pi;
  struct Frequency {
    const char* label;
    double w;
  };
  for (const Frequency fr :
       {Frequency{"w=10", 10.0}, Frequency{"w=41.89(resonant)", two_pi * 20 / 3},
        Frequency{"w=125.66(resonant)", two_pi * 60 / 3}, Frequency{"w=300", 300.0}})
    for (const Variant& v : kVariants) {
      const std::string name = std::string("oscillatory/exp(-x)cos(wx)/") + fr.label + "/" + v.name;
      sampo::validation::register_case(
          {"knots", name, [fr, v] {
             const double w = fr.w;
             const auto f = [w](double x) { return std::exp(-x) * std::cos(w * x); };
             const FitOptions o = options(v, 1e-8);
             const FitResult r = fit(f, 0.0, 3.0, o);
             const double worst = normalized_error(r, f, 0.0, 3.0, o.rtol, o.atol);
             char note[400];
             std::snprintf(
                 note, sizeof note,
                 "%s, f = exp(-x) cos(%.6g x) on [0, 3], rtol 1e-8, atol 1: max |g - f| / "
                 "(rtol (|f| + atol)) on 1e4 points, %zu evaluations; allowed 10x (error "
                 "between probes; aliasing would give ~1e8)",
                 v.name, w, r.run.evaluations);
             Outcome out =
                 sampo::validation::bound(r.run.converged() ? worst : INFINITY, kAllowed, note);
             out.value = worst;
             out.measured = measured_text(worst, o.rtol, r);
             return out;
           }});
    }

  for (const Variant& v : kVariants) {
    const std::string name = std::string("sweep/sin(wx),w=5..200/") + v.name;
    sampo::validation::register_case(
        {"knots", name, [v] {
           const FitOptions o = options(v, 1e-7);
           std::size_t total = 0, above = 0, not_converged = 0;
           double worst = 0.0;
           int worst_w = 0;
           sampo::validation::Series evals{std::string(v.name) + " evaluations", {}, {}},
               errs{std::string(v.name) + " max error / rtol", {}, {}};
           for (int w = 5; w <= 200; w += 5) {
             const auto f = [w](double x) { return std::sin(w * x); };
             const FitResult r = fit(f, 0.0, 3.0, o);
             const double e = normalized_error(r, f, 0.0, 3.0, o.rtol, o.atol);
             total += r.run.evaluations;
             if (!r.run.converged()) ++not_converged;
             if (e > 1.0) ++above;
             if (e > worst) {
               worst = e;
               worst_w = w;
             }
             evals.x.push_back(w);
             evals.y.push_back(static_cast<double>(r.run.evaluations));
             errs.x.push_back(w);
             errs.y.push_back(std::max(e, 1e-6));
           }
           char note[500];
           std::snprintf(
               note, sizeof note,
               "%s on sin(w x), [0, 3], w = 5, 10, ..., 200, rtol 1e-7, atol 1: reported the "
               "worst over the 40 frequencies of max |g - f| / (rtol (|f| + atol)) on 1e4 "
               "points (at w = %d); %zu evaluations in total, %zu runs above rtol, %zu not "
               "converged; allowed 10x (see the oscillatory cases)",
               v.name, worst_w, total, above, not_converged);
           Outcome out =
               sampo::validation::bound(not_converged == 0 ? worst : INFINITY, kAllowed, note);
           out.value = worst;
           char m[240];
           std::snprintf(
               m, sizeof m,
               "worst of 40 achieved max|g-f|/(|f|+atol) / rtol = %.3g (rtol 1e-07, w = %d); "
               "%zu evaluations in total, %zu of 40 above rtol",
               worst, worst_w, total, above);
           out.measured = m;
           out.figures.push_back(
               {std::string("sin(wx) on [0, 3], rtol 1e-7: evaluations, ") + v.name,
                "w",
                "evaluations",
                false,
                true,
                {std::move(evals)}});
           out.figures.push_back(
               {std::string("sin(wx) on [0, 3], rtol 1e-7: achieved error / rtol, ") + v.name,
                "w",
                "max error / rtol",
                false,
                true,
                {std::move(errs)}});
           return out;
         }});
  }
}

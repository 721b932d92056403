#pragma once
// Seeded random test functions for the reliability property of sampo::knots::fit: oscillatory
// (sin(wx + phi), e^{-x} cos(wx), sums), localized (narrow Gaussians and Lorentzians at random
// centres, tanh steps of random steepness), non-smooth (|x - c| kinks, x^alpha down to a
// log-scaled end point) and discontinuous (a jump at c). Every random number comes from a
// sampo::parallel::RandomStream (Philox, keyed by (seed, kind, index)), so the functions are
// the same with every standard library; $SAMPO_TEST_SEED redraws them all.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "sampo/knots/fit.hpp"
#include "sampo/parallel/random_stream.hpp"
#include "sampo/testing/fixtures.hpp"

namespace sampo::test::knots {

/// The master seed: the kit's fixture_seed(), $SAMPO_TEST_SEED or 0.
inline std::uint64_t family_seed() { return sampo::testing::fixture_seed(); }

enum class Kind : std::uint64_t {
  sine,
  damped_cosine,
  sum,
  gaussian,
  lorentzian,
  tanh_step,
  kink,
  power,
  jump
};
constexpr Kind kKinds[] = {Kind::sine,     Kind::damped_cosine, Kind::sum,
                           Kind::gaussian, Kind::lorentzian,    Kind::tanh_step,
                           Kind::kink,     Kind::power,         Kind::jump};

inline const char* to_string(Kind k) {
  switch (k) {
    case Kind::sine:
      return "sine";
    case Kind::damped_cosine:
      return "damped_cosine";
    case Kind::sum:
      return "sum";
    case Kind::gaussian:
      return "gaussian";
    case Kind::lorentzian:
      return "lorentzian";
    case Kind::tanh_step:
      return "tanh_step";
    case Kind::kink:
      return "kink";
    case Kind::power:
      return "power";
    case Kind::jump:
      return "jump";
  }
  return "?";
}

/// One drawn test problem: f on [a, b] in `scale`, with the tolerance's absolute scale atol,
/// and, for a jump, where it is.
struct Family {
  std::string description;
  std::function<double(double)> f;
  double a = 0.0, b = 1.0;
  sampo::knots::Scale scale = sampo::knots::Scale::linear;
  double atol = 1.0;
  double jump_at = std::numeric_limits<double>::quiet_NaN();
};

/// Family number `index` of kind `kind` under `seed`.
inline Family draw_family(Kind kind, std::uint64_t index, std::uint64_t seed = family_seed()) {
  sampo::parallel::RandomStream rs(seed, 0x6b6e6f7473ull + static_cast<std::uint64_t>(kind), index);
  constexpr double two_pi = 2.0 * std::numbers::pi;
  auto log_uniform = [&](double lo, double hi) {
    return std::exp(rs.uniform(std::log(lo), std::log(hi)));
  };
  // Interval: a in [-1, 1], length 1, 3 or 10.
  const double lengths[] = {1.0, 3.0, 10.0};
  Family fam;
  fam.a = rs.uniform(-1.0, 1.0);
  const double L = lengths[rs.uniform_int(3)];
  fam.b = fam.a + L;
  const double a = fam.a, b = fam.b;
  char buf[256];
  switch (kind) {
    case Kind::sine: {  // w up to 300: up to ~480 periods on the interval
      const double w = log_uniform(1.0, 300.0), phi = rs.uniform(0.0, two_pi);
      fam.f = [w, phi](double x) { return std::sin(w * x + phi); };
      std::snprintf(buf, sizeof buf, "sin(%.17g x + %.17g)", w, phi);
      break;
    }
    case Kind::damped_cosine: {
      const double w = log_uniform(1.0, 300.0);
      fam.f = [w](double x) { return std::exp(-x) * std::cos(w * x); };
      std::snprintf(buf, sizeof buf, "exp(-x) cos(%.17g x)", w);
      break;
    }
    case Kind::sum: {  // 2..4 terms sin or damped cos, amplitudes U[-1, 1]
      const auto n = static_cast<int>(2 + rs.uniform_int(3));
      std::vector<double> A(n), W(n), P(n);
      std::vector<int> damped(n);
      std::string d;
      for (int k = 0; k < n; ++k) {
        A[k] = rs.uniform(-1.0, 1.0);
        W[k] = log_uniform(1.0, 300.0);
        P[k] = rs.uniform(0.0, two_pi);
        damped[k] = rs.bernoulli(0.5) ? 1 : 0;
        char t[96];
        std::snprintf(t, sizeof t, "%s%.6g %s(%.17g x + %.6g)", k ? " + " : "", A[k],
                      damped[k] ? "exp(-x) cos" : "sin", W[k], P[k]);
        d += t;
      }
      fam.f = [A, W, P, damped](double x) {
        double s = 0.0;
        for (std::size_t k = 0; k < A.size(); ++k)
          s += A[k] *
               (damped[k] ? std::exp(-x) * std::cos(W[k] * x + P[k]) : std::sin(W[k] * x + P[k]));
        return s;
      };
      std::snprintf(buf, sizeof buf, "%s", d.c_str());
      break;
    }
    case Kind::gaussian: {  // width L/40 .. L/10 at a random centre. Narrower bumps can fall
      // between all first samples (autoknots' 11 are L/10 apart: a bump of width L/100 is
      // below e^-25 at all of them) and are invisible to any sampler (docs/knots.md); at width
      // >= L/40 the nearest first sample sees >= e^-4.
      const double c = rs.uniform(a, b), w = L * log_uniform(1.0 / 40.0, 1e-1);
      fam.f = [c, w](double x) { return std::exp(-((x - c) / w) * ((x - c) / w)); };
      std::snprintf(buf, sizeof buf, "exp(-((x - %.17g) / %.17g)^2)", c, w);
      break;
    }
    case Kind::lorentzian: {  // width L/300 .. L/10: heavy tails, >= 4e-3 at distance L/20
      const double c = rs.uniform(a, b), w = L * log_uniform(1.0 / 300.0, 1e-1);
      fam.f = [c, w](double x) { return 1.0 / (1.0 + ((x - c) / w) * ((x - c) / w)); };
      std::snprintf(buf, sizeof buf, "1 / (1 + ((x - %.17g) / %.17g)^2)", c, w);
      break;
    }
    case Kind::tanh_step: {  // steepness: width L/10^5 .. L/10
      const double c = rs.uniform(a, b), s = L * log_uniform(1e-5, 1e-1);
      fam.f = [c, s](double x) { return std::tanh((x - c) / s); };
      std::snprintf(buf, sizeof buf, "tanh((x - %.17g) / %.17g)", c, s);
      break;
    }
    case Kind::kink: {
      const double c = rs.uniform(a, b), w = rs.uniform(0.5, 3.0);
      fam.f = [c, w](double x) { return std::abs(x - c) + 0.2 * std::sin(w * x); };
      std::snprintf(buf, sizeof buf, "|x - %.17g| + 0.2 sin(%.17g x)", c, w);
      break;
    }
    case Kind::power: {  // x^alpha on [a, a + L], a = 10^-k, k in [1, 8]; log or linear scale
      const double alpha = rs.uniform(-1.5, 2.5);
      fam.a = std::pow(10.0, -rs.uniform(1.0, 8.0));
      fam.b = fam.a + L;
      fam.scale = rs.bernoulli(0.5) ? sampo::knots::Scale::log : sampo::knots::Scale::linear;
      fam.atol = 0.0;  // x^alpha > 0: a purely relative tolerance is attainable
      fam.f = [alpha](double x) { return std::pow(x, alpha); };
      std::snprintf(buf, sizeof buf, "x^%.17g", alpha);
      break;
    }
    case Kind::jump: {  // smooth part + a jump of size in [0.5, 2] at c, away from the ends
      const double c = rs.uniform(a + 0.05 * L, b - 0.05 * L);
      const double J = (rs.bernoulli(0.5) ? 1.0 : -1.0) * rs.uniform(0.5, 2.0);
      const double w = rs.uniform(0.5, 5.0);
      fam.jump_at = c;
      fam.f = [c, J, w](double x) { return std::cos(w * x) + (x < c ? 0.0 : J); };
      std::snprintf(buf, sizeof buf, "cos(%.17g x) + %.6g [x >= %.17g]", w, J, c);
      break;
    }
  }
  char where[160];
  std::snprintf(where, sizeof where, " on [%.17g, %.17g] (%s)", fam.a, fam.b,
                std::string(sampo::knots::to_string(fam.scale)).c_str());
  fam.description =
      std::string(to_string(kind)) + " #" + std::to_string(index) + ": " + buf + where;
  return fam;
}

}  // namespace sampo::test::knots

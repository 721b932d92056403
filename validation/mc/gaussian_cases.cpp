// Validation of sampo::mc against the linear Gaussian limit state (issue 11, "Validation"):
// X ~ N(0, I_d), failure aᵀX/‖a‖ >= β, P = Φ(−β). Mean-shifted importance sampling
// q = N(βa/‖a‖, I) has E_q[Y²L²] = e^{β²}Φ(−2β) exactly; the defensive mixture
// q = αφ(x) + (1 − α)φ(x − β) along a, with the control φ(x − β)/q − 1, has the relative
// variances computed by 1-D quadrature (docs/mc.md). Fixed seeds: validation cases are data.
#include <cmath>
#include <string>
#include <vector>

#include "registry.hpp"
#include "sampo/linalg/normal.hpp"
#include "sampo/mc.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace {

using sampo::validation::Outcome;

constexpr int kDim = 4;

/// A log of n mean-shifted IS tests in dimension kDim (sampo::mc::gaussian_limit_state_log).
sampo::mc::TestLog shifted_log(double beta, std::size_t n, std::uint64_t seed) {
  sampo::mc::GaussianLimitStateOptions g;
  g.beta = beta;
  g.dim = kDim;
  g.tests = n;
  g.seed = seed;
  g.sampling = sampo::mc::GaussianSampling::shifted;
  return sampo::mc::gaussian_limit_state_log(g);
}

double exact_relative_variance(double beta) {
  return sampo::mc::gaussian_limit_state_exact(beta).shifted_relative_variance;
}

std::string fmt(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace

SAMPO_VALIDATION_GROUP(mc_gaussian) {
  for (double beta : {3.0, 4.0, 5.0, 6.0}) {
    const std::string b = fmt(beta);
    sampo::validation::register_case(
        {"mc", std::string("gaussian_is/estimate/beta=") + b, [beta] {
           const double p = sampo::linalg::normal_cdf(-beta);
           const auto r = sampo::mc::importance_sampling(shifted_log(beta, 20000, 7));
           Outcome o = sampo::validation::compare_absolute(
               p, r.estimate, 4 * r.standard_error,
               "mean-shifted IS, 20000 tests, d = 4: within 4 estimated standard errors of "
               "Φ(−β) (a false alarm with probability 6e-5)");
           o.measured = std::string("estimate ") + fmt(r.estimate) + std::string(" ± ") + fmt(r.standard_error);
           return o;
         }});
    sampo::validation::register_case(
        {"mc", std::string("gaussian_is/variance/beta=") + b, [beta] {
           // Mean over 200 seeds of the per-test relative variance s²/P² (1000 tests each)
           // against e^{β²}Φ(−2β)/P² − 1; tolerance 4 standard errors of that mean.
           const double p = sampo::linalg::normal_cdf(-beta);
           double s = 0, s2 = 0;
           const int reps = 200;
           for (int k = 0; k < reps; ++k) {
             const auto r = sampo::mc::importance_sampling(shifted_log(beta, 1000, 100 + k));
             const double rv = r.variance / (p * p);
             s += rv;
             s2 += rv * rv;
           }
           const double m = s / reps, se = std::sqrt((s2 / reps - m * m) / reps);
           Outcome o = sampo::validation::compare_absolute(
               exact_relative_variance(beta), m, 4 * se,
               "mean over 200 seeds of s²/P² (1000 tests each) against the exact relative "
               "variance e^{β²}Φ(−2β)/P² − 1; 4 standard errors of the mean");
           o.measured = std::string("relative variance ") + fmt(m) + std::string(" ± ") + fmt(se);
           return o;
         }});
    sampo::validation::register_case(
        {"mc", std::string("gaussian_is/coverage90/beta=") + b, [beta] {
           // 90 % intervals over 400 seeds of 1000 tests: the count covering P is
           // Binomial(400, 0.9) if the intervals are right: mean 360, sd 6; ±4 sd.
           const double p = sampo::linalg::normal_cdf(-beta);
           int covered = 0;
           const int reps = 400;
           for (int k = 0; k < reps; ++k) {
             const auto r = sampo::mc::importance_sampling(shifted_log(beta, 1000, 1000 + k));
             covered += (r.ci_lower <= p && p <= r.ci_upper) ? 1 : 0;
           }
           Outcome o = sampo::validation::compare_absolute(
               0.9 * reps, covered, 4 * std::sqrt(reps * 0.9 * 0.1),
               "90 % intervals covering P over 400 seeds (1000 tests each): Binomial(400, 0.9) "
               "has sd 6; 4 sd (the normal approximation of the CI adds a small skew at n = 1000)");
           o.measured = std::to_string(covered) + " of 400 intervals cover P";
           return o;
         }});
  }
  // Defensive mixture + control variate against exact quadrature.
  struct Mix {
    double beta, alpha, is_relvar, cv_relvar;
  };
  for (const Mix m : {Mix{4, 0.1, 5.1233006606, 4.9994594691}, Mix{4, 0.5, 10.0197325665, 8.9468322826}}) {
    const std::string name = std::string("defensive_mixture/beta=") + fmt(m.beta) + std::string(",alpha=") + fmt(m.alpha);
    sampo::validation::register_case({"mc", name, [m] {
      // Relative variance of the cross-fitted CV estimator's values, mean over 100 seeds of
      // 4000 tests, against the optimal-CV value by quadrature (cross-fitting adds O(1/n)).
      const double p = sampo::linalg::normal_cdf(-m.beta);
      const double c = 1.0 / std::sqrt(2.0 * M_PI);
      const int reps = 100;
      const Eigen::Index n = 4000;
      double s = 0, s2 = 0;
      sampo::mc::DefensiveMixtureOptions opt;
      opt.alpha = Eigen::Vector2d(m.alpha, 1 - m.alpha);
      for (int k = 0; k < reps; ++k) {
        Eigen::VectorXd fp(n);
        Eigen::MatrixXd comp(n, 2);
        for (Eigen::Index i = 0; i < n; ++i) {
          sampo::parallel::RandomStream rs(11, std::uint64_t(k), std::uint64_t(i));
          const double x = rs.uniform() < m.alpha ? rs.normal() : m.beta + rs.normal();
          comp(i, 0) = c * std::exp(-0.5 * x * x);
          comp(i, 1) = c * std::exp(-0.5 * (x - m.beta) * (x - m.beta));
          fp(i) = (x >= m.beta ? 1.0 : 0.0) * comp(i, 0);
        }
        opt.seed = std::uint64_t(k);
        const double rv = sampo::mc::defensive_mixture(fp, comp, opt).variance / (p * p);
        s += rv;
        s2 += rv * rv;
      }
      const double mean = s / reps, se = std::sqrt((s2 / reps - mean * mean) / reps);
      Outcome o = sampo::validation::compare_absolute(
          m.cv_relvar, mean, 4 * se,
          std::string("relative variance of the cross-fitted control-variate estimator (mean over "
                      "100 seeds of 4000 tests) against the optimal-CV value by quadrature; 4 "
                      "standard errors. Plain mixture IS: ") + fmt(m.is_relvar) + std::string("; Owen–Zhou bound σ²_shift/(1−α) = ") +
          fmt(exact_relative_variance(m.beta) / (1 - m.alpha)));
      o.measured = std::string("relative variance ") + fmt(mean) + std::string(" ± ") + fmt(se);
      return o;
    }});
  }
}

SAMPO_VALIDATION_CASE("mc", "zero_variance/affine_surrogate") {
  // Y = P(A|x)·p/q with P(A|x) = 0.2 + 0.5·Φ(x − 4), x ~ q = N(1, 1), p = N(0, 1). Controls of
  // known mean 0: h1 = p/q − 1 and h2 = Φ(x − 4)p/q − E_p[Φ(X − 4)], E_p = Φ(−4/√2). Then
  // y = μ + 0.2 h1 + 0.5 h2 exactly, and the regression estimator returns μ up to rounding.
  const double ep = sampo::linalg::normal_cdf(-4.0 / std::sqrt(2.0));
  const double mu = 0.2 + 0.5 * ep;
  const Eigen::Index n = 5000;
  Eigen::VectorXd y(n);
  Eigen::MatrixXd h(n, 2);
  double largest = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    sampo::parallel::RandomStream rs(13, 0, std::uint64_t(i));
    const double x = 1.0 + rs.normal();
    const double w = std::exp(-x + 0.5);  // φ(x)/φ(x − 1)
    const double pt = sampo::linalg::normal_cdf(x - 4.0);
    y(i) = (0.2 + 0.5 * pt) * w;
    h(i, 0) = w - 1.0;
    h(i, 1) = pt * w - ep;
    largest = std::max(largest, std::abs(y(i)));
  }
  const auto r = sampo::mc::control_variates(y, h);
  // Each adjusted value is μ up to a few roundings of terms as large as max|y|.
  const double tol = 64 * 2.220446049250313e-16 * largest / mu;
  Outcome o = sampo::validation::compare_relative(
      mu, r.estimate, tol,
      "zero-variance case: y is affine in the controls; 64 ulps of max|y| relative to μ");
  o.measured = std::string("estimate ") + fmt(r.estimate) + std::string(", standard error ") + fmt(r.standard_error);
  return o;
}

SAMPO_VALIDATION_GROUP(mc_cross_fitting) {
  // Exact enumeration: h ∈ {−1, 0, 1} with probabilities (1/4, 1/2, 1/4) (mean 0), y = h²
  // (μ = 1/2, not affine in h), n = 6 tests: all 3^6 samples, weighted by their probabilities.
  // The fold assignment depends on (n, seed) only, so for each fixed assignment the cross-fitted
  // estimator's expectation is μ exactly; the in-sample one's is not (E[β̂h̄] != 0).
  struct Expectations {
    double cross = 0, inside = 0;
  };
  static const auto enumerate = [] {
    const double value[3] = {-1.0, 0.0, 1.0}, prob[3] = {0.25, 0.5, 0.25};
    const int n = 6;
    Expectations e;
    sampo::mc::ControlVariateOptions cross, inside;
    cross.folds = 2;
    inside.folds = 1;
    int code[6] = {0, 0, 0, 0, 0, 0};
    for (int combo = 0; combo < 729; ++combo) {
      int c = combo;
      double weight = 1;
      Eigen::VectorXd y(n);
      Eigen::MatrixXd h(n, 1);
      for (int i = 0; i < n; ++i) {
        code[i] = c % 3;
        c /= 3;
        h(i, 0) = value[code[i]];
        y(i) = h(i, 0) * h(i, 0);
        weight *= prob[code[i]];
      }
      e.cross += weight * sampo::mc::control_variates(y, h, cross).estimate;
      e.inside += weight * sampo::mc::control_variates(y, h, inside).estimate;
    }
    return e;
  };
  sampo::validation::register_case({"mc", "cross_fitting/exact_enumeration", [] {
    const Expectations e = enumerate();
    Outcome o = sampo::validation::compare_relative(
        0.5, e.cross, 1e-13,
        "E[cross-fitted estimate] by exact enumeration of all 3^6 samples (h in {-1, 0, 1}, "
        "y = h^2, 2 folds): exactly mu = 1/2 up to the rounding of 729 weighted terms");
    o.measured = std::string("E[cross-fitted] = ") + fmt(e.cross);
    return o;
  }});
  sampo::validation::register_case({"mc", "cross_fitting/in_sample_bias", [] {
    const Expectations e = enumerate();
    Outcome o = sampo::validation::informational(sampo::validation::compare_absolute(
        0.5, e.inside, 0.0,
        "E[in-sample regression estimate] by the same enumeration: its O(1/n) bias, which "
        "cross-fitting removes"));
    o.measured = std::string("E[in-sample] = ") + fmt(e.inside) + std::string(", bias ") +
                 fmt(e.inside - 0.5);
    return o;
  }});
}

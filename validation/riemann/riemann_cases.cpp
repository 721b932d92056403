// Closed-form validation cases of the riemann module (issue 4): Riemannian means, distances
// and tangent vectors of ill-conditioned matrices (condition numbers up to 1e8, built as
// congruences G E G^T of well-conditioned E so that the exact answer is known), Ledoit-Wolf
// and OAS against scikit-learn's formulas, and the block-Toeplitz structure of the ACM of a
// stationary AR process.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "registry.hpp"
#include "sampo/core/error.hpp"
#include "sampo/riemann/covariance.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo/riemann/geodesic.hpp"
#include "sampo/riemann/mean.hpp"
#include "sampo/riemann/tangent_space.hpp"
#include "sampo/testing/fixtures.hpp"

namespace {

namespace rm = sampo::riemann;
using sampo::validation::bound;
using sampo::validation::compare_absolute;
using sampo::validation::compare_relative;
constexpr double kEps = std::numeric_limits<double>::epsilon();

// Fixed seeds (validation cases are data, not tests), drawn by the fixture kit: every number
// comes from the Philox stream (seed, 0), the same with every standard library.
Eigen::MatrixXd normal(Eigen::Index r, Eigen::Index c, unsigned seed) {
  return sampo::testing::normal_matrix(r, c, seed, 0);
}
Eigen::MatrixXd orthogonal(Eigen::Index n, unsigned seed) {
  return sampo::testing::random_orthogonal(n, seed, 0);
}
using sampo::testing::congruent;
using sampo::testing::with_spectrum;
Eigen::MatrixXd sym(const Eigen::MatrixXd& a) { return 0.5 * (a + a.transpose()); }
/// Well-conditioned SPD matrices (eigenvalues uniform on (0.5, 2)), as pyRiemann's make_matrices.
std::vector<Eigen::MatrixXd> family(int count, Eigen::Index n, unsigned seed) {
  return sampo::testing::random_spd(static_cast<std::size_t>(count), n, seed, 0);
}
/// G with cond(G G^T) = cond.
Eigen::MatrixXd factor(Eigen::Index n, double cond, unsigned seed) {
  return sampo::testing::ill_factor(n, cond, seed, 0);
}

constexpr int kN = 8;

SAMPO_VALIDATION_GROUP(riemann_closed_forms) {
  for (double cond : {1e2, 1e5, 1e8}) {
    const std::string tag = "cond=" + sampo::format_value(cond);
    // Affine-invariant error model: n eps cond(X) per pass (cond(X) <= 4 cond here), x100.
    const double tol = 100 * kN * kEps * 4 * cond;
    const std::string why = "d_R error; tolerance 100 n eps cond(X) (cond(X) ~ 4 x " + tag + ")";
    sampo::validation::register_case(
        {"riemann", "mean/commuting/" + tag, [=] {
           const Eigen::MatrixXd q = orthogonal(kN, 1);
           std::vector<Eigen::MatrixXd> xs;
           Eigen::VectorXd logsum = Eigen::VectorXd::Zero(kN);
           for (int k = 0; k < 5; ++k) {
             Eigen::VectorXd l(kN);
             for (int i = 0; i < kN; ++i)
               l(i) = std::pow(cond, double((i + 3 * k) % kN) / (kN - 1)) * (1 + 0.2 * k);
             logsum += l.array().log().matrix();
             xs.push_back(with_spectrum(q, l));
           }
           const Eigen::VectorXd m = (logsum / 5.0).array().exp();
           const auto r = rm::mean_riemann(xs);
           return bound(rm::distance_riemann(r.mean, with_spectrum(q, m)), tol + 10 * 1e-8,
                        "mean of commuting matrices = Q exp(mean log L) Q^T; " + why +
                            " + 10 x the stopping tolerance 1e-8 (" + r.run.brief_report() + ")");
         }});
    sampo::validation::register_case(
        {"riemann", "mean/congruence-and-midpoint/" + tag, [=] {
           const auto es = family(6, kN, 10);
           const Eigen::MatrixXd g = factor(kN, cond, 11);
           std::vector<Eigen::MatrixXd> xs;
           for (const auto& e : es) xs.push_back(congruent(g, e));
           rm::MeanOptions o;
           o.tolerance = std::min(1e-8, 1e3 * kN * kEps * cond);
           o.max_iterations = 500;
           const Eigen::MatrixXd me = rm::mean_riemann(es, o).mean;
           const double d1 = rm::distance_riemann(rm::mean_riemann(xs, o).mean, congruent(g, me));
           const double d2 = rm::distance_riemann(rm::mean_riemann({xs[0], xs[1]}, o).mean,
                                                  rm::geodesic_riemann(xs[0], xs[1], 0.5));
           return bound(std::max(d1, d2), tol + 2 * o.tolerance,
                        "max of d(mean(G E_i G^T), G mean(E_i) G^T) and d(mean(A, B), geodesic "
                        "midpoint); " +
                            why + " + 2 x stopping tolerance");
         }});
    sampo::validation::register_case(
        {"riemann", "mean/determinant/" + tag, [=] {
           const auto es = family(6, kN, 20);
           const Eigen::MatrixXd g = factor(kN, cond, 21);
           std::vector<Eigen::MatrixXd> xs;
           double logdet = 0;
           for (const auto& e : es) {
             xs.push_back(congruent(g, e));
             logdet += std::log(xs.back().determinant()) / 6.0;
           }
           return compare_absolute(
               logdet, std::log(rm::mean_riemann(xs).mean.determinant()), kN * (tol + 1e-8),
               "log det mean = mean log det; n x (per-eigenvalue error + stopping tolerance)");
         }});
    sampo::validation::register_case(
        {"riemann", "mean/inversion/" + tag, [=] {
           const auto es = family(6, kN, 30);
           const Eigen::MatrixXd g = factor(kN, cond, 31), gi = g.inverse().transpose();
           std::vector<Eigen::MatrixXd> xs, inv;
           for (const auto& e : es) {
             xs.push_back(congruent(g, e));
             inv.push_back(congruent(gi, e.inverse()));
           }
           const Eigen::MatrixXd m = rm::mean_riemann(xs).mean;
           // d(A^-1, B^-1) = d(A, B), so inverting M (LU, n eps cond(M)) adds one more unit of the
           // same error model; each run adds its stopping tolerance.
           return bound(rm::distance_riemann(rm::mean_riemann(inv).mean, sym(m.inverse())),
                        2 * tol + 2e-8,
                        "mean(X^-1) = mean(X)^-1; 2 x (" + why + ") + 2 x stopping tolerance 1e-8");
         }});
    sampo::validation::register_case(
        {"riemann", "distance/congruence-invariance/" + tag, [=] {
           const auto es = family(2, kN, 40);
           const Eigen::MatrixXd g = factor(kN, cond, 41);
           return compare_absolute(rm::distance_riemann(es[0], es[1]),
                                   rm::distance_riemann(congruent(g, es[0]), congruent(g, es[1])),
                                   tol, "d(G A G^T, G B G^T) = d(A, B); " + why);
         }});
    sampo::validation::register_case(
        {"riemann", "tangent/norm-equals-distance/" + tag, [=] {
           const auto es = family(2, kN, 50);
           const Eigen::MatrixXd g = factor(kN, cond, 51);
           const Eigen::MatrixXd x = congruent(g, es[0]), c = congruent(g, es[1]);
           return compare_absolute(
               rm::distance_riemann(x, c), rm::tangent_vector(x, c).norm(), 2 * tol,
               "||upper(log(C^-1/2 X C^-1/2))|| = d(X, C) (checks the sqrt 2 weights); " + why);
         }});
  }

  sampo::validation::register_case(
      {"riemann", "covariance/ledoit-wolf-oas-formulas", [] {
         // Fixed data, C = 3, T = 6; scikit-learn's formulas transcribed in the T x C layout.
         Eigen::MatrixXd x(3, 6);
         x << 1, 2, 0, 4, 3, 2, 0, 1, 1, 0, 2, 5, 3, 1, 4, 1, 5, 9;
         const Eigen::MatrixXd X = (x.colwise() - x.rowwise().mean()).transpose();
         const double n = 6, p = 3;
         const Eigen::MatrixXd S = X.transpose() * X / n, X2 = X.array().square().matrix();
         const double mu = S.trace() / p;
         const double delta_ = (X.transpose() * X).array().square().sum() / (n * n);
         double beta = ((X2.transpose() * X2).sum() / n - delta_) / (p * n);
         const double delta = (delta_ - 2 * mu * S.trace() + p * mu * mu) / p;
         beta = std::min(beta, delta);
         const double lw = beta / delta;
         const double alpha = S.array().square().mean();
         const double oas = std::min(1.0, (alpha + mu * mu) / ((n + 1) * (alpha - mu * mu / p)));
         const double e = std::max(std::abs(rm::ledoit_wolf(x).shrinkage - lw) / lw,
                                   std::abs(rm::oas(x).shrinkage - oas) / oas);
         return bound(e, 1e-13,
                      "max relative error of the LW (" + sampo::format_value(lw) + ") and OAS (" +
                          sampo::format_value(oas) + ") shrinkage; sums of a few products: 1e-13");
       }});

  sampo::validation::register_case(
      {"riemann", "acm/block-toeplitz-ar1", [] {
         // Two independent AR(1) channels x_t = phi x_{t-1} + e_t (phi = 0.9, 0.5): block (i, j) of
         // the ACM (order 3, lag 2) estimates Gamma((i - j) lag) = diag(phi^{|k|} / (1 - phi^2)).
         const Eigen::Index t = 200000;
         const double phi[2] = {0.9, 0.5};
         Eigen::MatrixXd x(2, t);
         const Eigen::MatrixXd e = normal(2, t, 60);
         for (int c = 0; c < 2; ++c) {
           x(c, 0) = e(c, 0) / std::sqrt(1 - phi[c] * phi[c]);
           for (Eigen::Index k = 1; k < t; ++k) x(c, k) = phi[c] * x(c, k - 1) + e(c, k);
         }
         const Eigen::MatrixXd acm = rm::augmented_covariance(x, 3, 2);
         double worst = 0;
         for (int i = 0; i < 3; ++i)
           for (int j = 0; j < 3; ++j)
             for (int a = 0; a < 2; ++a)
               for (int b = 0; b < 2; ++b) {
                 const double g0 = 1 / (1 - phi[a] * phi[a]);
                 const double ref = a == b ? std::pow(phi[a], 2 * std::abs(i - j)) * g0 : 0.0;
                 worst = std::max(worst, std::abs(acm(2 * i + a, 2 * j + b) - ref) / g0);
               }
         // Sampling error relative to Gamma(0) (Bartlett's formula): largest for the variance of
         // the phi = 0.9 channel, sd = sqrt(2 (1 + phi^2) / ((1 - phi^2) T)) = 0.0098 at
         // T = 2e5 (lags 2 and 4: 0.0081, 0.0071; cross terms smaller); 5 sd. (Over 300
         // independent draws the max over the 36 entries reached 0.033.)
         return bound(worst, 0.049,
                      "max |ACM block - Gamma((i-j) lag)| / Gamma(0) for a stationary AR(1) "
                      "pair; 5 sampling standard deviations of the largest-variance entry");
       }});
}

}  // namespace

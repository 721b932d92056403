#include "sampo/riemann/covariance.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <string>

#include "detail.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::riemann {

std::string_view to_string(Estimator e) noexcept {
  switch (e) {
    case Estimator::sample:
      return "sample";
    case Estimator::ledoit_wolf:
      return "ledoit_wolf";
    case Estimator::oas:
      return "oas";
    case Estimator::regularized:
      return "regularized";
  }
  return "unknown";
}

Estimator estimator_from_string(std::string_view name) {
  if (name == "sample" || name == "cov") return Estimator::sample;
  if (name == "ledoit_wolf" || name == "lwf") return Estimator::ledoit_wolf;
  if (name == "oas") return Estimator::oas;
  if (name == "regularized") return Estimator::regularized;
  throw_invalid_argument("sampo::riemann::estimator_from_string", "name", name,
                         "is not an estimator (sample|cov, ledoit_wolf|lwf, oas, regularized)");
}

void CovarianceOptions::validate() const {
  check_nonnegative("sampo::riemann::CovarianceOptions", "regularization", regularization);
}

void require_spd_estimate(std::string_view function, std::string_view name,
                          const Eigen::Ref<const Eigen::MatrixXd>& c, Estimator estimator) {
  // sampo's one SPD rule (sampo::is_spd_spectrum) on the eigenvalues. (A Cholesky screen
  // cannot decide: its pivots bound λ_min only from above, and a computed factorization of an
  // exactly rank-deficient estimate can have every pivot² ≫ n·eps·max diag — seen in 1.4 % of
  // random rank-deficient ACMs.) Only the advice below is the estimators' own.
  const Eigen::VectorXd ev =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(c, Eigen::EigenvaluesOnly).eigenvalues();
  const double lmin = ev.minCoeff(), lmax = ev.maxCoeff();
  if (is_spd_spectrum(c.rows(), lmin, lmax)) return;
  if (!(lmax > 0.0))
    throw_not_spd(function, name, lmin,
                  "the data have zero variance in every channel (a constant signal): no "
                  "estimator gives an SPD covariance of them; check the recording and the "
                  "channel selection");
  switch (estimator) {
    case Estimator::sample:
      throw_not_spd(function, name, lmin,
                    "the data are rank-deficient (fewer samples than channels, a flat or "
                    "duplicated channel, an average reference); use shrinkage (ledoit_wolf or "
                    "oas) or a regularized estimator");
    case Estimator::regularized:
      throw_not_spd(function, name, lmin,
                    "the regularization is too small for these rank-deficient data; increase "
                    "lambda or use shrinkage (ledoit_wolf or oas)");
    default:
      throw_not_spd(function, name, lmin,
                    "the shrunk estimate is still singular to working precision (channels of "
                    "very different scales?); rescale the channels or use a regularized "
                    "estimator");
  }
}

Eigen::MatrixXd covariance(const Eigen::Ref<const Eigen::MatrixXd>& x,
                           const CovarianceOptions& options) {
  options.validate();
  constexpr const char* fn = "sampo::riemann::covariance";
  learn::check_observations(fn, "x", x);
  Eigen::MatrixXd c;
  switch (options.estimator) {
    case Estimator::sample:
      c = sample_covariance(x);
      break;
    case Estimator::ledoit_wolf:
      c = ledoit_wolf(x).covariance;
      break;
    case Estimator::oas:
      c = oas(x).covariance;
      break;
    case Estimator::regularized:
      c = regularized_covariance(x, options.regularization);
      break;
  }
  if (options.require_spd) require_spd_estimate(fn, "x", c, options.estimator);
  return c;
}

namespace {
// One estimate per trial, in parallel over trials: every trial must have trial 0's channel
// count, and a bad trial's error names it (the lowest bad index, whatever the thread count).
template <class Estimate>
std::vector<Eigen::MatrixXd> per_trial(const char* fn, const std::vector<Eigen::MatrixXd>& trials,
                                       Estimate&& estimate) {
  check_nonempty(fn, "trials", trials.size());
  for (std::size_t k = 0; k < trials.size(); ++k)
    if (trials[k].rows() != trials[0].rows())
      throw_invalid_argument(fn, detail::item("trial", k), {},
                             "has " + std::to_string(trials[k].rows()) + " channels, trial 0 has " +
                                 std::to_string(trials[0].rows()));
  std::vector<Eigen::MatrixXd> out(trials.size());
  parallel::parallel_for(
      trials.size(),
      [&](std::size_t k) {
        out[k] = detail::with_context(std::string(fn) + ": " + detail::item("trial", k),
                                      [&] { return estimate(trials[k]); });
      },
      detail::one_per_block());
  return out;
}
}  // namespace

std::vector<Eigen::MatrixXd> covariances(const std::vector<Eigen::MatrixXd>& trials,
                                         const CovarianceOptions& options) {
  options.validate();
  return per_trial("sampo::riemann::covariances", trials,
                   [&](const Eigen::MatrixXd& x) { return covariance(x, options); });
}

Eigen::MatrixXd augment(const Eigen::Ref<const Eigen::MatrixXd>& x, int order, int lag) {
  constexpr const char* fn = "sampo::riemann::augment";
  if (order < 1) throw_invalid_argument(fn, "order", std::to_string(order), "must be >= 1");
  if (lag < 1) throw_invalid_argument(fn, "lag", std::to_string(lag), "must be >= 1");
  if (order == 1) return x;
  const Eigen::Index c = x.rows(), t = x.cols(), p = order, tau = lag;
  if (t <= p * tau)
    throw_invalid_argument(fn, "x", {},
                           "has T = " + std::to_string(t) +
                               " samples, but order * lag = " + std::to_string(p * tau) +
                               "; the augmented trial needs T > order * lag");
  const Eigen::Index len = t - p * tau;
  Eigen::MatrixXd out(p * c, len);
  for (Eigen::Index k = 0; k < p; ++k) out.middleRows(k * c, c) = x.middleCols(k * tau, len);
  return out;
}

Eigen::MatrixXd augmented_covariance(const Eigen::Ref<const Eigen::MatrixXd>& x, int order, int lag,
                                     const CovarianceOptions& options) {
  check_finite("sampo::riemann::augmented_covariance", "x", x);
  const Eigen::MatrixXd a = augment(x, order, lag);
  return detail::with_context("sampo::riemann::augmented_covariance (order " +
                                  std::to_string(order) + ", lag " + std::to_string(lag) + ")",
                              [&] { return covariance(a, options); });
}

std::vector<Eigen::MatrixXd> augmented_covariances(const std::vector<Eigen::MatrixXd>& trials,
                                                   int order, int lag,
                                                   const CovarianceOptions& options) {
  options.validate();
  return per_trial("sampo::riemann::augmented_covariances", trials, [&](const Eigen::MatrixXd& x) {
    return augmented_covariance(x, order, lag, options);
  });
}

}  // namespace sampo::riemann

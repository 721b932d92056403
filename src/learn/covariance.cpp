#include "sampo/learn/covariance.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::learn {
namespace {

/// Xc Xc^T / divisor with Xc the row-centred data (symmetric rank-k update).
Eigen::MatrixXd centred_scatter(const Eigen::Ref<const Eigen::MatrixXd>& x, double divisor,
                                Eigen::MatrixXd* centred = nullptr) {
  Eigen::MatrixXd xc = x.colwise() - x.rowwise().mean();
  Eigen::MatrixXd s = Eigen::MatrixXd::Zero(x.rows(), x.rows());
  s.selfadjointView<Eigen::Lower>().rankUpdate(xc, 1.0 / divisor);
  s.triangularView<Eigen::StrictlyUpper>() = s.transpose();
  if (centred) *centred = std::move(xc);
  return s;
}

ShrunkCovariance shrink(const Eigen::MatrixXd& s, double shrinkage) {
  const double mu = s.trace() / static_cast<double>(s.rows());
  ShrunkCovariance out{(1.0 - shrinkage) * s, shrinkage};
  out.covariance.diagonal().array() += shrinkage * mu;
  return out;
}

}  // namespace

void check_observations(std::string_view function, std::string_view name,
                        const Eigen::Ref<const Eigen::MatrixXd>& x) {
  if (x.rows() == 0) throw_invalid_argument(function, name, {}, "has no channels (0 rows)");
  if (x.cols() < 2) {
    std::string what = "has ";
    what.append(std::to_string(x.cols()))
        .append(" samples; a covariance needs at least 2 (trials are C x T)");
    throw_invalid_argument(function, name, {}, what);
  }
  check_finite(function, name, x);
}

Eigen::MatrixXd sample_covariance(const Eigen::Ref<const Eigen::MatrixXd>& x) {
  check_observations("sampo::learn::sample_covariance", "x", x);
  return centred_scatter(x, static_cast<double>(x.cols() - 1));
}

ShrunkCovariance ledoit_wolf(const Eigen::Ref<const Eigen::MatrixXd>& x) {
  check_observations("sampo::learn::ledoit_wolf", "x", x);
  const double t = static_cast<double>(x.cols()), p = static_cast<double>(x.rows());
  Eigen::MatrixXd xc;
  const Eigen::MatrixXd s = centred_scatter(x, t, &xc);
  if (x.rows() == 1) return {s, 0.0};
  // scikit-learn's ledoit_wolf_shrinkage, in the C x T layout (its X is our Xc^T).
  const double mu = s.trace() / p;
  const Eigen::MatrixXd x2 = xc.array().square().matrix();
  const double beta_sum = (x2 * x2.transpose()).sum();
  const double delta_sum = s.squaredNorm();  // ||Xc Xc^T||_F^2 / T^2
  double beta = (beta_sum / t - delta_sum) / (p * t);
  const double delta = (delta_sum - 2.0 * mu * s.trace() + p * mu * mu) / p;
  beta = std::min(beta, delta);
  return shrink(s, beta == 0.0 ? 0.0 : beta / delta);
}

ShrunkCovariance oas(const Eigen::Ref<const Eigen::MatrixXd>& x) {
  check_observations("sampo::learn::oas", "x", x);
  const double t = static_cast<double>(x.cols()), p = static_cast<double>(x.rows());
  const Eigen::MatrixXd s = centred_scatter(x, t);
  if (x.rows() == 1) return {s, 0.0};
  const double mu = s.trace() / p;
  const double alpha = s.squaredNorm() / (p * p);
  const double num = alpha + mu * mu;
  const double den = (t + 1.0) * (alpha - mu * mu / p);
  return shrink(s, den == 0.0 ? 1.0 : std::min(num / den, 1.0));
}

Eigen::MatrixXd regularized_covariance(const Eigen::Ref<const Eigen::MatrixXd>& x, double lambda) {
  check_nonnegative("sampo::learn::regularized_covariance", "lambda", lambda);
  check_observations("sampo::learn::regularized_covariance", "x", x);
  Eigen::MatrixXd c = centred_scatter(x, static_cast<double>(x.cols() - 1));
  c.diagonal().array() += lambda;
  return c;
}

}  // namespace sampo::learn

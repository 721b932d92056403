#include "sampo/linalg/running_stats.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"

namespace sampo::linalg {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

void RunningStats::push(double x) {
  if (!std::isfinite(x)) check_finite("sampo::linalg::RunningStats::push", "x", x);
  ++n_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
}

void RunningStats::merge(const RunningStats& other) noexcept {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  const double na = static_cast<double>(n_), nb = static_cast<double>(other.n_), n = na + nb;
  const double delta = other.mean_ - mean_;
  mean_ += delta * (nb / n);
  m2_ += other.m2_ + delta * delta * (na * nb / n);
  n_ += other.n_;
}

double RunningStats::mean() const noexcept { return n_ > 0 ? mean_ : kNaN; }
double RunningStats::variance() const noexcept {
  return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : kNaN;
}
double RunningStats::std_dev() const noexcept { return std::sqrt(variance()); }
double RunningStats::std_error() const noexcept {
  return std::sqrt(variance() / static_cast<double>(n_));
}

RunningCovariance::RunningCovariance(Eigen::Index dimension) {
  if (dimension < 1)
    throw_invalid_argument("sampo::linalg::RunningCovariance", "dimension",
                           std::to_string(dimension), "must be >= 1");
  mean_ = Eigen::VectorXd::Zero(dimension);
  m2_ = Eigen::MatrixXd::Zero(dimension, dimension);
}

void RunningCovariance::push(const Eigen::Ref<const Eigen::VectorXd>& x) {
  constexpr std::string_view fn = "sampo::linalg::RunningCovariance::push";
  check_shape(fn, "x", x, dimension(), 1);
  check_finite(fn, "x", x);
  ++n_;
  const double n = static_cast<double>(n_);
  const Eigen::VectorXd delta = x - mean_;
  mean_ += delta / n;
  // M2 += δ (x - x̄_new)ᵀ = ((n-1)/n) δ δᵀ: a symmetric rank-one update of the lower triangle.
  m2_.selfadjointView<Eigen::Lower>().rankUpdate(delta, (n - 1.0) / n);
}

void RunningCovariance::merge(const RunningCovariance& other) {
  if (other.dimension() != dimension())
    throw_invalid_argument("sampo::linalg::RunningCovariance::merge", "other", {},
                           "has dimension " + std::to_string(other.dimension()) + ", expected " +
                               std::to_string(dimension()));
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  const double na = static_cast<double>(n_), nb = static_cast<double>(other.n_), n = na + nb;
  const Eigen::VectorXd delta = other.mean_ - mean_;
  mean_ += delta * (nb / n);
  m2_.triangularView<Eigen::Lower>() += other.m2_;
  m2_.selfadjointView<Eigen::Lower>().rankUpdate(delta, na * nb / n);
  n_ += other.n_;
}

Eigen::VectorXd RunningCovariance::mean() const {
  return n_ > 0 ? mean_ : Eigen::VectorXd::Constant(dimension(), kNaN);
}

Eigen::MatrixXd RunningCovariance::sum_squared_deviations() const {
  Eigen::MatrixXd s = m2_.selfadjointView<Eigen::Lower>();
  return s;
}

Eigen::MatrixXd RunningCovariance::covariance() const {
  if (n_ < 2) return Eigen::MatrixXd::Constant(dimension(), dimension(), kNaN);
  Eigen::MatrixXd s = m2_.selfadjointView<Eigen::Lower>();
  return s / static_cast<double>(n_ - 1);
}

}  // namespace sampo::linalg

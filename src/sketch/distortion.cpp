#include "sampo/sketch/distortion.hpp"

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "common.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::sketch {
namespace {

/// Σ|v_j|^p and its gradient direction |v|^{p−1} sign(v).
double power_sum(const Eigen::VectorXd& v, double p, Eigen::VectorXd* grad) {
  double s = 0.0;
  if (grad != nullptr) grad->resize(v.size());
  for (Eigen::Index j = 0; j < v.size(); ++j) {
    const double av = std::abs(v(j));
    s += std::pow(av, p);
    if (grad != nullptr)
      (*grad)(j) = av == 0.0 ? 0.0 : std::copysign(std::pow(av, p - 1.0), v(j));
  }
  return s;
}

}  // namespace

void DistortionOptions::validate() const {
  if (iterations == 0)
    throw_invalid_argument("sampo::sketch::DistortionOptions::validate", "iterations", "0",
                           "must be >= 1");
}

DistortionResult distortion(const Eigen::Ref<const Eigen::MatrixXd>& a,
                            const Eigen::Ref<const Eigen::MatrixXd>& sa, double p,
                            const DistortionOptions& options) {
  constexpr std::string_view kFn = "sampo::sketch::distortion";
  Stopwatch watch;
  detail::check_tall(kFn, "a", a);
  if (sa.cols() != a.cols()) {
    std::string what = "must equal the column count of a (";
    what.append(std::to_string(a.cols())).append(")");
    throw_invalid_argument(kFn, "sa.cols()", std::to_string(sa.cols()), what);
  }
  check_finite(kFn, "sa", sa);
  detail::check_p(kFn, "p", p);
  options.validate();
  const detail::RangeBasis basis = detail::range_basis(a);
  const Eigen::Index r = basis.rank;
  if (r == 0) throw_invalid_argument(kFn, "a", "a zero matrix", "has rank 0");
  const Eigen::MatrixXd b = sa * basis.t;  // f(y) = ‖By‖_p^p / ‖Uy‖_p^p
  const Eigen::MatrixXd& u = basis.u;
  DistortionResult out;
  if (sa.rows() == 0) {
    // An empty sample: SAx = 0 for every x, f ≡ 0 and D = 1 exactly (and Eigen's SVD of a
    // 0 x r matrix is not defined).
    out.exact = true;
    out.f_min = 0.0;
    out.f_max = 0.0;
    out.distortion = 1.0;
    out.run.termination = Termination::converged;
    out.run.message = "exact (empty sample: SAx = 0 for every x)";
    out.run.seconds = watch.seconds();
    return out;
  }
  if (p == 2.0) {
    out.exact = true;
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(b);
    const Eigen::VectorXd& sv = svd.singularValues();
    out.f_max = sv.size() ? sv(0) * sv(0) : 0.0;
    out.f_min = sv.size() == r ? sv(r - 1) * sv(r - 1) : 0.0;
    out.run.evaluations = 1;
  } else {
    std::size_t evaluations = 0, steps = 0;
    out.f_min = std::numeric_limits<double>::infinity();
    out.f_max = -std::numeric_limits<double>::infinity();
    auto log_f = [&](const Eigen::VectorXd& y, Eigen::VectorXd* grad) {
      ++evaluations;
      const Eigen::VectorXd by = b * y, uy = u * y;
      Eigen::VectorXd gb, gu;
      const double num = power_sum(by, p, grad ? &gb : nullptr);
      const double den = power_sum(uy, p, grad ? &gu : nullptr);
      const double f = num / den;
      out.f_max = std::max(out.f_max, f);
      out.f_min = std::min(out.f_min, f);
      if (grad != nullptr) {
        *grad = p * (b.transpose() * gb) / (num > 0 ? num : 1.0) - p * (u.transpose() * gu) / den;
      }
      return num > 0.0 ? std::log(f) : -std::numeric_limits<double>::infinity();
    };
    std::vector<Eigen::VectorXd> starts;
    // Rows of highest leverage (‖U_i‖²): y = U_iᵀ maximizes the row's ℓ2 share.
    std::vector<Eigen::Index> order(static_cast<std::size_t>(u.rows()));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    const Eigen::VectorXd lev = u.rowwise().squaredNorm();
    const std::size_t top = std::min(options.row_starts, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                      [&](Eigen::Index i, Eigen::Index j) {
                        return lev(i) > lev(j) || (lev(i) == lev(j) && i < j);
                      });
    for (std::size_t k = 0; k < top; ++k)
      if (lev(order[k]) > 0.0) starts.emplace_back(u.row(order[k]).transpose());
    for (Eigen::Index j = 0; j < r; ++j) starts.push_back(Eigen::VectorXd::Unit(r, j));
    // The extreme right singular vectors of B = SA·T: the ℓ2 extremes of f, good starts for
    // every p, and, when SA has fewer independent rows than rank(A) (fewer rows than d, say),
    // a direction with SAx = 0 exactly, f = 0: the distortion is then at least 1 and a random
    // start would almost never find it.
    {
      Eigen::JacobiSVD<Eigen::MatrixXd> svd(b, Eigen::ComputeFullV);
      const Eigen::MatrixXd& v = svd.matrixV();
      starts.emplace_back(v.col(0));
      starts.emplace_back(v.col(r - 1));  // a null vector of B when its rank is below r
    }
    for (std::size_t s = 0; s < options.random_starts; ++s) {
      parallel::RandomStream rs(options.seed, 0, s);
      starts.push_back(rs.normal_vector(r));
    }
    for (const Eigen::VectorXd& start : starts) {
      for (double sign : {1.0, -1.0}) {
        Eigen::VectorXd y = start.normalized();
        Eigen::VectorXd g;
        double value = log_f(y, &g);
        double t = 0.5;
        for (std::size_t it = 0; it < options.iterations && std::isfinite(value); ++it) {
          const double gn = g.norm();
          if (!(gn > 0.0)) break;
          bool improved = false;
          for (int k = 0; k < 30 && !improved; ++k, t *= 0.5) {
            Eigen::VectorXd trial = (y + sign * (t / gn) * g).normalized();
            Eigen::VectorXd gt;
            const double vt = log_f(trial, &gt);
            if (sign * vt > sign * value) {
              y = trial;
              g = gt;
              value = vt;
              improved = true;
            }
          }
          ++steps;
          if (!improved) break;
          t = std::min(1.0, 4.0 * t);
        }
      }
    }
    out.run.evaluations = evaluations;
    out.run.iterations = steps;
  }
  out.distortion = std::max(out.f_max - 1.0, 1.0 - out.f_min);
  out.run.termination = Termination::converged;
  out.run.message = out.exact ? "exact (p = 2: extreme singular values)"
                              : "lower bound from multi-start ascent and descent";
  out.run.seconds = watch.seconds();
  return out;
}

}  // namespace sampo::sketch

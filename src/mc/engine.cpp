#include "engine.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/linalg/qp.hpp"
#include "sampo/learn/folds.hpp"

namespace sampo::mc::detail {

void Moments::push(const Eigen::Ref<const Eigen::VectorXd>& x) {
  n += 1.0;
  const Eigen::VectorXd delta = x - mean;
  mean += delta / n;
  m2.noalias() += delta * (x - mean).transpose();
}

void Moments::merge(const Moments& other) {
  if (other.n == 0) return;
  if (n == 0) {
    *this = other;
    return;
  }
  const double total = n + other.n;
  const Eigen::VectorXd delta = other.mean - mean;
  mean += delta * (other.n / total);
  m2 += other.m2 + (delta * delta.transpose()) * (n * other.n / total);
  n = total;
}

parallel::MapReduceOptions parallel_options(const EstimatorOptions& options) {
  parallel::MapReduceOptions p;
  p.block_size = 1;  // one chunk of options.chunk tests per block
  p.threads = options.threads;
  p.use_mpi = false;
  return p;
}

std::vector<int> kfold(std::size_t n, int folds, std::uint64_t seed) {
  if (folds == 1) return std::vector<int>(n, 0);
  return learn::kfold(n, folds, seed);
}

Eigen::VectorXd regression_slope(const Moments& m, Eigen::Index d, double rank_tolerance,
                                 Eigen::Index* rank, std::vector<bool>* constant) {
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(d);
  std::vector<bool> is_constant(static_cast<std::size_t>(d), true);
  std::vector<Eigen::Index> free;
  if (m.n >= 2) {
    for (Eigen::Index j = 0; j < d; ++j) {
      const double var = m.m2(j, j) / m.n;
      // Constant: no spread beyond the rounding of its own mean.
      const double floor = 1e-12 * std::abs(m.mean(j));
      if (var > floor * floor && var > 0) {
        is_constant[std::size_t(j)] = false;
        free.push_back(j);
      }
    }
  }
  Eigen::Index r = 0;
  if (!free.empty()) {
    const auto f = static_cast<Eigen::Index>(free.size());
    Eigen::VectorXd scale(f), rhs(f);
    Eigen::MatrixXd c(f, f);
    for (Eigen::Index a = 0; a < f; ++a) scale(a) = std::sqrt(m.m2(free[a], free[a]));
    for (Eigen::Index a = 0; a < f; ++a) {
      rhs(a) = m.m2(free[a], d) / scale(a);
      for (Eigen::Index b = 0; b < f; ++b) c(a, b) = m.m2(free[a], free[b]) / (scale(a) * scale(b));
    }
    Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod;
    cod.setThreshold(rank_tolerance);
    cod.compute(c);
    r = cod.rank();
    const Eigen::VectorXd gamma = cod.solve(rhs);
    for (Eigen::Index a = 0; a < f; ++a) beta(free[a]) = gamma(a) / scale(a);
  }
  if (rank) *rank = r;
  if (constant) *constant = std::move(is_constant);
  return beta;
}

Eigen::VectorXd simplex_weights(const Moments& m, Eigen::Index d, Run& worst) {
  const Eigen::VectorXd uniform = Eigen::VectorXd::Constant(d, 1.0 / double(d));
  if (m.n < 2) return uniform;
  const Eigen::MatrixXd h = m.m2.topLeftCorner(d, d);
  const double scale = h.diagonal().maxCoeff();
  if (!(scale > 0)) return uniform;
  Eigen::MatrixXd hs = h / scale;
  hs = (0.5 * (hs + hs.transpose())).eval();
  const Eigen::VectorXd g = -m.m2.col(d).head(d) / scale;
  const linalg::QpResult qp = linalg::qp_simplex(hs, g);
  if (!qp.run.converged() && worst.converged()) worst = qp.run;
  worst.iterations += qp.run.iterations;
  worst.evaluations += qp.run.evaluations;
  return qp.x;
}

FitOutput cross_fit(std::size_t items, Eigen::Index d, const ItemFn& item,
                    const std::vector<int>& fold, int folds, FitKind kind, double rank_tolerance,
                    const EstimatorOptions& options) {
  const std::size_t chunk = options.chunk;
  const std::size_t chunks = (items + chunk - 1) / chunk;
  const parallel::MapReduceOptions par = parallel_options(options);
  const std::size_t k_folds = std::size_t(folds);

  // Pass 1: moments of (h, y) per fold.
  std::vector<Moments> per_fold = parallel::map_reduce(
      chunks,
      [&](std::size_t c) {
        std::vector<Moments> acc(k_folds, Moments(d + 1));
        Eigen::VectorXd z(d + 1);
        for (std::size_t t = c * chunk, hi = std::min(items, (c + 1) * chunk); t < hi; ++t) {
          double y = 0;
          item(t, y, z.head(d));
          z(d) = y;
          acc[std::size_t(fold[t])].push(z);
        }
        return acc;
      },
      [](std::vector<Moments> a, std::vector<Moments> b) {
        for (std::size_t k = 0; k < a.size(); ++k) a[k].merge(b[k]);
        return a;
      },
      par);

  FitOutput out;
  out.total = Moments(d + 1);
  for (const Moments& m : per_fold) out.total.merge(m);
  out.fold_beta.resize(folds, d);
  auto fit = [&](const Moments& m, Eigen::Index* rank, std::vector<bool>* constant) {
    if (d == 0) return Eigen::VectorXd();
    return kind == FitKind::regression ? regression_slope(m, d, rank_tolerance, rank, constant)
                                       : simplex_weights(m, d, out.qp_run);
  };
  out.beta = fit(out.total, &out.rank, &out.constant);
  if (kind == FitKind::simplex) out.constant.assign(std::size_t(d), false);
  for (int k = 0; k < folds; ++k) {
    if (folds == 1) {
      out.fold_beta.row(0) = out.beta.transpose();
      break;
    }
    Moments rest(d + 1);
    for (int l = 0; l < folds; ++l)
      if (l != k) rest.merge(per_fold[std::size_t(l)]);
    if (d > 0) out.fold_beta.row(k) = fit(rest, nullptr, nullptr).transpose();
  }
  out.per_fold = std::move(per_fold);

  // Pass 2: adjusted values.
  out.values.resize(Eigen::Index(items));
  parallel::MapReduceOptions par_for = par;
  parallel::parallel_for(
      chunks,
      [&](std::size_t c) {
        Eigen::VectorXd h(d);
        for (std::size_t t = c * chunk, hi = std::min(items, (c + 1) * chunk); t < hi; ++t) {
          double y = 0;
          item(t, y, h);
          double adjust = 0;
          for (Eigen::Index j = 0; j < d; ++j) adjust += out.fold_beta(fold[t], j) * h(j);
          out.values(Eigen::Index(t)) = y - adjust;
        }
      },
      par_for);
  return out;
}

double sample_variance(std::size_t n, const std::function<double(std::size_t)>& value,
                       const EstimatorOptions& options, double* mean) {
  const std::size_t chunk = options.chunk;
  const std::size_t chunks = (n + chunk - 1) / chunk;
  using Acc = std::array<double, 3>;  // count, mean, M2
  const Acc acc = parallel::map_reduce(
      chunks,
      [&](std::size_t c) {
        Acc a{0, 0, 0};
        for (std::size_t i = c * chunk, hi = std::min(n, (c + 1) * chunk); i < hi; ++i) {
          const double x = value(i);
          a[0] += 1;
          const double delta = x - a[1];
          a[1] += delta / a[0];
          a[2] += delta * (x - a[1]);
        }
        return a;
      },
      [](Acc a, Acc b) {
        if (b[0] == 0) return a;
        if (a[0] == 0) return b;
        const double total = a[0] + b[0];
        const double delta = b[1] - a[1];
        Acc r{total, a[1] + delta * (b[0] / total), a[2] + b[2] + delta * delta * (a[0] * b[0] / total)};
        return r;
      },
      parallel_options(options));
  if (mean) *mean = acc[1];
  return acc[0] >= 2 ? acc[2] / (acc[0] - 1) : std::numeric_limits<double>::quiet_NaN();
}

void summarize(const Eigen::Ref<const Eigen::VectorXd>& values, const EstimatorOptions& options,
               bool binary, double is_variance, Estimate& out) {
  const auto n = std::size_t(values.size());
  double mean = 0;
  const double var = sample_variance(
      n, [&](std::size_t i) { return values(Eigen::Index(i)); }, options, &mean);
  const double z = confidence_z(options.confidence);
  out.estimate = mean;
  out.n = n;
  out.variance = var;
  out.confidence = options.confidence;
  out.standard_error = std::sqrt(var / double(n));
  out.ci_lower = mean - z * out.standard_error;
  out.ci_upper = mean + z * out.standard_error;
  out.relative_half_width = z * out.standard_error / std::abs(mean);
  out.precision = precision_report(values, options.rhw_target, options.confidence, binary,
                                   is_variance);
  if (options.keep_values) out.values = values;
}

}  // namespace sampo::mc::detail

#include "sampo/mc/sparse_control_variates.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "engine.hpp"
#include "sampo/core/error.hpp"

namespace sampo::mc {

void SparseControlVariateOptions::validate() const {
  constexpr std::string_view function = "sampo::mc::sparse_control_variates";
  EstimatorOptions::validate(function);
  if (positions < 1 || positions > 16)
    throw_invalid_argument(function, "options.positions", std::to_string(positions),
                           "must be in [1, 16]");
  if (order < 1 || order > positions)
    throw_invalid_argument(function, "options.order", std::to_string(order),
                           "must be in [1, options.positions = " + std::to_string(positions) +
                               "]");
  detail::check_fit_options(function, folds, rank_tolerance);
}

namespace {

/// The controls of one regression: positions 1..limit (the last collecting every later step),
/// feature terms, and products over subsets of positions up to the order.
struct ControlPlan {
  int limit = 1;         // positions used (G, or the stratum's K)
  bool tail = true;      // the last position sums every step from it on
  std::size_t features = 0;
  bool weighted = false;  // add L_{j−1}(w_j − 1) per position
  std::vector<std::vector<int>> subsets;  // positions (0-based) of each product, size >= 2
  std::vector<std::string> names;
  Eigen::Index d = 0;
};

void subsets_of(int limit, int size, int start, std::vector<int>& cur,
                std::vector<std::vector<int>>& out) {
  if (int(cur.size()) == size) {
    out.push_back(cur);
    return;
  }
  for (int g = start; g < limit; ++g) {
    cur.push_back(g);
    subsets_of(limit, size, g + 1, cur, out);
    cur.pop_back();
  }
}

std::string position_name(int g, bool tail_bucket) {
  std::string s = "w";
  s.append(std::to_string(g + 1));
  if (tail_bucket) s.append("+");
  s.append("-1");
  return s;
}

ControlPlan make_plan(const TestLogSchema& schema, int limit, bool tail, int order,
                      bool features, bool weighted) {
  ControlPlan plan;
  plan.weighted = weighted;
  plan.limit = limit;
  plan.tail = tail;
  plan.features = features ? schema.features.size() : 0;
  for (int g = 0; g < limit; ++g) plan.names.push_back(position_name(g, tail && g == limit - 1));
  for (std::size_t f = 0; f < plan.features; ++f)
    for (int g = 0; g < limit; ++g) {
      std::string name = schema.features[f];
      name.append("*(").append(position_name(g, tail && g == limit - 1)).append(")");
      plan.names.push_back(name);
    }
  std::vector<int> cur;
  for (int k = 2; k <= std::min(order, limit); ++k) subsets_of(limit, k, 0, cur, plan.subsets);
  for (const auto& s : plan.subsets) {
    std::string name;
    for (int g : s) name.append("(").append(position_name(g, false)).append(")");
    plan.names.push_back(name);
  }
  if (weighted)
    for (int g = 0; g < limit; ++g) {
      std::string name = "L*(";
      name.append(position_name(g, tail && g == limit - 1)).append(")");
      plan.names.push_back(name);
    }
  plan.d = Eigen::Index(plan.names.size());
  return plan;
}

/// The controls of test i under @p plan (all of mean 0 under q; see the header).
void fill_controls(const TestLog& log, std::size_t i, const ControlPlan& plan,
                   Eigen::Ref<Eigen::VectorXd> h) {
  h.setZero();
  const std::size_t first = log.first_step(i), count = log.step_count(i);
  const auto limit = std::size_t(plan.limit);
  const auto weighted_at = Eigen::Index(limit * (1 + plan.features) + plan.subsets.size());
  double before = 1.0;  // L_{j−1}, the product of the earlier steps' ratios
  for (std::size_t j = 0; j < count; ++j) {
    std::size_t g = std::min(j, limit - 1);
    if (j >= limit && !plan.tail) break;
    const double dw = log.step_weight(first + j) - 1.0;
    h(Eigen::Index(g)) += dw;
    for (std::size_t f = 0; f < plan.features; ++f)
      h(Eigen::Index(limit * (1 + f) + g)) += log.feature(first + j, f) * dw;
    if (plan.weighted) h(weighted_at + Eigen::Index(g)) += before * dw;
    before *= log.step_weight(first + j);
  }
  Eigen::Index k = Eigen::Index(limit * (1 + plan.features));
  for (const auto& s : plan.subsets) {
    double prod = 1.0;
    for (int g : s)
      prod *= std::size_t(g) < count ? log.step_weight(first + std::size_t(g)) - 1.0 : 0.0;
    h(k++) = prod;
  }
}

}  // namespace

struct SparseControls::Impl {
  ControlPlan plan;
  std::size_t features = 0;  // schema features the plan was made for
};

SparseControls::SparseControls(const TestLogSchema& schema,
                               const SparseControlVariateOptions& options) {
  options.validate();
  auto impl = std::make_shared<Impl>();
  impl->plan = make_plan(schema, options.positions, true, options.order, options.use_features,
                         options.weighted);
  impl->features = schema.features.size();
  impl_ = std::move(impl);
}

const std::vector<std::string>& SparseControls::names() const noexcept { return impl_->plan.names; }

std::size_t SparseControls::size() const noexcept { return impl_->plan.names.size(); }

void SparseControls::fill(const TestLog& log, std::size_t i, std::span<double> controls) const {
  constexpr std::string_view function = "sampo::mc::SparseControls::fill";
  if (i >= log.tests())
    throw_invalid_argument(function, "i", std::to_string(i),
                           "is not a test of the log (" + std::to_string(log.tests()) + " tests)");
  if (log.schema().features.size() != impl_->features)
    throw_invalid_argument(function, "log", std::to_string(log.schema().features.size()) +
                                                " features",
                           "must have the schema's " + std::to_string(impl_->features));
  if (controls.size() != size())
    throw_invalid_argument(function, "controls", std::to_string(controls.size()) + " entries",
                           "must have one entry per control (" + std::to_string(size()) + ")");
  Eigen::Map<Eigen::VectorXd> h(controls.data(), Eigen::Index(controls.size()));
  fill_controls(log, i, impl_->plan, h);
}

SparseControlVariateResult sparse_control_variates(const TestLog& log,
                                                   const SparseControlVariateOptions& options) {
  constexpr std::string_view function = "sampo::mc::sparse_control_variates";
  Stopwatch watch;
  options.validate();
  if (log.empty()) throw_invalid_argument(function, "log", "", "has no tests");
  if (log.steps() == 0)
    throw_invalid_argument(function, "log", "",
                           "has no critical steps (sparse control variates need p_j, q_j)");
  const std::size_t n = log.tests();
  SparseControlVariateResult r;
  // Weight check and the IS variance.
  for (std::size_t i = 0; i < n; ++i) {
    if (!(log.weight(i) > 0)) continue;
    double prod = 1.0;
    for (std::size_t s = log.first_step(i), e = s + log.step_count(i); s < e; ++s)
      prod *= log.step_weight(s);
    r.max_weight_mismatch =
        std::max(r.max_weight_mismatch, std::abs(log.weight(i) - prod) / log.weight(i));
  }
  double is_mean = 0;
  const double is_var = detail::sample_variance(
      n, [&](std::size_t i) { return log.result(i) * log.weight(i); }, options, &is_mean);
  r.is_estimate = is_mean;

  if (options.stratification == Stratification::none) {
    detail::check_min_tests(function, n, options.folds);
    const ControlPlan plan = make_plan(log.schema(), options.positions, true, options.order,
                                       options.use_features, options.weighted);
    const detail::ItemFn item = [&](std::size_t t, double& y, Eigen::Ref<Eigen::VectorXd> h) {
      y = log.result(t) * log.weight(t);
      fill_controls(log, t, plan, h);
    };
    const std::vector<int> fold = detail::kfold(n, options.folds, options.seed);
    detail::FitOutput fit = detail::cross_fit(n, plan.d, item, fold, options.folds,
                                              detail::FitKind::regression, options.rank_tolerance,
                                              options);
    detail::summarize(fit.values, options, log.binary_results(), is_var, r);
    r.control_names = plan.names;
    r.coefficients = fit.beta;
    r.rank = fit.rank;
    for (Eigen::Index j = 0; j < plan.d; ++j)
      if (fit.constant[std::size_t(j)]) r.constant_controls.push_back(plan.names[std::size_t(j)]);
    r.run.message = std::to_string(options.folds) + "-fold cross-fitted sparse control variates (" +
                    std::to_string(plan.d) + " martingale-difference controls, rank " +
                    std::to_string(fit.rank) + ")";
  } else {
    // Strata by the number of critical steps K, capped at G.
    const auto strata_count = std::size_t(options.positions) + 1;
    std::vector<std::vector<std::size_t>> members(strata_count);
    for (std::size_t i = 0; i < n; ++i)
      members[std::min(log.step_count(i), strata_count - 1)].push_back(i);
    Eigen::VectorXd values{Eigen::Index(n)};
    const std::size_t need = options.folds >= 2 ? 2 * std::size_t(options.folds) : 2;
    for (std::size_t k = 0; k < strata_count; ++k) {
      const auto& idx = members[k];
      if (idx.empty()) continue;
      Stratum st;
      st.critical_steps = k;
      st.n = idx.size();
      if (k == 0 || idx.size() < need) {
        // No controls (K = 0), or too few tests to fit: the results unadjusted.
        double mean = 0;
        st.variance = detail::sample_variance(
            idx.size(),
            [&](std::size_t t) { return log.result(idx[t]) * log.weight(idx[t]); }, options,
            &mean);
        st.estimate = mean;
        for (std::size_t i : idx) values(Eigen::Index(i)) = log.result(i) * log.weight(i);
        r.strata.push_back(std::move(st));
        continue;
      }
      const ControlPlan plan =
          make_plan(log.schema(), int(k), k == strata_count - 1, options.order, false, false);
      const detail::ItemFn item = [&](std::size_t t, double& y, Eigen::Ref<Eigen::VectorXd> h) {
        const std::size_t i = idx[t];
        y = log.result(i) * log.weight(i);
        fill_controls(log, i, plan, h);
      };
      const std::vector<int> fold = detail::kfold(idx.size(), options.folds, options.seed + k);
      detail::FitOutput fit = detail::cross_fit(idx.size(), plan.d, item, fold, options.folds,
                                                detail::FitKind::regression,
                                                options.rank_tolerance, options);
      double mean = 0;
      st.variance = detail::sample_variance(
          idx.size(), [&](std::size_t t) { return fit.values(Eigen::Index(t)); }, options, &mean);
      st.estimate = mean;
      st.coefficients = fit.beta;
      st.control_z.resize(plan.d);
      for (Eigen::Index j = 0; j < plan.d; ++j) {
        const double var = fit.total.m2(j, j) / (fit.total.n - 1);
        st.control_z(j) =
            var > 0 ? fit.total.mean(j) / std::sqrt(var / fit.total.n) : 0.0;
        r.max_abs_control_z = std::max(r.max_abs_control_z, std::abs(st.control_z(j)));
      }
      for (std::size_t t = 0; t < idx.size(); ++t)
        values(Eigen::Index(idx[t])) = fit.values(Eigen::Index(t));
      r.strata.push_back(std::move(st));
    }
    r.bias_suspected = r.max_abs_control_z > 4.0;
    // Σ_k (n_k/n) μ̂_k is the mean of the adjusted values in log order.
    detail::summarize(values, options, log.binary_results(), is_var, r);
    r.run.message = "sparse control variates stratified by the number of critical steps (" +
                    std::to_string(r.strata.size()) + " strata" +
                    (r.bias_suspected ? "; a control's stratum mean is far from 0: biased"
                                      : "") +
                    ")";
  }
  r.r_squared = is_var > 0 ? 1.0 - r.variance / is_var : 0.0;
  r.run.iterations = 2;
  r.run.evaluations = n;
  r.run.seconds = watch.seconds();
  return r;
}

}  // namespace sampo::mc

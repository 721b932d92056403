#include "sampo/mc/multi_surrogate.hpp"

#include <algorithm>
#include <string>

#include "engine.hpp"
#include "sampo/core/error.hpp"

namespace sampo::mc {

void MultiSurrogateOptions::validate() const {
  constexpr std::string_view function = "sampo::mc::multi_surrogate";
  EstimatorOptions::validate(function);
  if (folds < 1)
    throw_invalid_argument(function, "options.folds", std::to_string(folds),
                           "must be >= 1 (1: in-sample weights)");
}

namespace {

// H_s = Σ_j L_{j−1}(w_j v_js − c_js).
void fill_surrogate_controls(const TestLog& log, std::size_t i, double* h) {
  const std::size_t m = log.schema().surrogates.size();
  std::fill(h, h + m, 0.0);
  double before = 1.0;
  for (std::size_t s = log.first_step(i), e = s + log.step_count(i); s < e; ++s) {
    const double w = log.step_weight(s);
    for (std::size_t k = 0; k < m; ++k)
      h[k] += before * (w * log.surrogate_value(s, k) - log.surrogate_mean(s, k));
    before *= w;
  }
}

}  // namespace

void surrogate_controls(const TestLog& log, std::size_t i, std::span<double> controls) {
  constexpr std::string_view function = "sampo::mc::surrogate_controls";
  if (i >= log.tests())
    throw_invalid_argument(function, "i", std::to_string(i),
                           "is not a test of the log (" + std::to_string(log.tests()) + " tests)");
  if (controls.size() != log.schema().surrogates.size())
    throw_invalid_argument(function, "controls", std::to_string(controls.size()) + " entries",
                           "must have one entry per surrogate (" +
                               std::to_string(log.schema().surrogates.size()) + ")");
  fill_surrogate_controls(log, i, controls.data());
}

MultiSurrogateResult multi_surrogate(const TestLog& log, const MultiSurrogateOptions& options) {
  constexpr std::string_view function = "sampo::mc::multi_surrogate";
  Stopwatch watch;
  options.validate();
  if (log.empty()) throw_invalid_argument(function, "log", "", "has no tests");
  const std::size_t m = log.schema().surrogates.size();
  if (m == 0)
    throw_invalid_argument(function, "log", "", "has no surrogate columns (schema.surrogates)");
  const std::size_t n = log.tests();
  detail::check_min_tests(function, n, options.folds);
  const auto d = Eigen::Index(m);
  const detail::ItemFn item = [&](std::size_t i, double& y, Eigen::Ref<Eigen::VectorXd> h) {
    y = log.result(i) * log.weight(i);
    fill_surrogate_controls(log, i, h.data());
  };
  const std::vector<int> fold = detail::kfold(n, options.folds, options.seed);
  const bool simplex = options.weights == SurrogateWeights::simplex;
  detail::FitOutput fit = detail::cross_fit(
      n, d, item, fold, options.folds,
      simplex ? detail::FitKind::simplex : detail::FitKind::regression, 1e-10, options);
  MultiSurrogateResult r;
  const double is_var = fit.total.m2(d, d) / (fit.total.n - 1);
  detail::summarize(fit.values, options, log.binary_results(), is_var, r);
  r.surrogate_names = log.schema().surrogates;
  r.weights = fit.beta;
  r.fold_weights = fit.fold_beta;
  r.is_estimate = fit.total.mean(d);
  r.r_squared = is_var > 0 ? 1.0 - r.variance / is_var : 0.0;
  r.single_variance.resize(d);
  for (Eigen::Index k = 0; k < d; ++k)  // Var(y − H_k) = Var y − 2 Cov(y, H_k) + Var H_k
    r.single_variance(k) = std::max(
        0.0, (fit.total.m2(d, d) - 2 * fit.total.m2(k, d) + fit.total.m2(k, k)) / (fit.total.n - 1));
  r.qp_run = fit.qp_run;
  r.run.iterations = 2;
  r.run.evaluations = n;
  r.run.message = std::to_string(options.folds) + "-fold cross-fitted combination of " +
                  std::to_string(m) + " surrogate control variates " +
                  (simplex ? "(simplex QP)" : "(free weights: regression)");
  if (!fit.qp_run.converged()) {
    r.run.termination = fit.qp_run.termination;
    r.run.message += "; a weight fit did not converge: " + fit.qp_run.message;
  }
  r.run.seconds = watch.seconds();
  return r;
}

}  // namespace sampo::mc

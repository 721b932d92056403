#include "sampo/mc/control_variates.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine.hpp"
#include "sampo/core/error.hpp"

namespace sampo::mc {

void ControlVariateOptions::validate() const {
  constexpr std::string_view function = "sampo::mc::control_variates";
  EstimatorOptions::validate(function);
  detail::check_fit_options(function, folds, rank_tolerance);
}

void DefensiveMixtureOptions::validate() const {
  ControlVariateOptions::validate();
  constexpr std::string_view function = "sampo::mc::defensive_mixture";
  if (alpha.size() < 1) throw_invalid_argument(function, "options.alpha", "", "is empty");
  double sum = 0;
  for (Eigen::Index j = 0; j < alpha.size(); ++j) {
    if (!(alpha(j) >= 0.0 && alpha(j) <= 1.0)) {
      std::string argument = "options.alpha[";
      argument.append(std::to_string(j)).append("]");
      throw_invalid_argument(function, argument, format_value(alpha(j)), "must be in [0, 1]");
    }
    sum += alpha(j);
  }
  if (std::abs(sum - 1.0) > 1e-12 * double(alpha.size()))
  {
    std::string value = "sum ";
    throw_invalid_argument(function, "options.alpha", value.append(format_value(sum)),
                           "must sum to 1");
  }
}

namespace detail {

void check_fit_options(std::string_view function, int folds, double rank_tolerance) {
  if (folds < 1)
    throw_invalid_argument(function, "options.folds", std::to_string(folds),
                           "must be >= 1 (1: in-sample coefficients)");
  if (!(rank_tolerance >= 0.0 && rank_tolerance < 1.0))
    throw_invalid_argument(function, "options.rank_tolerance", format_value(rank_tolerance),
                           "must be in [0, 1)");
}

std::vector<std::string> pick_controls(std::string_view function,
                                       const std::vector<std::string>& all,
                                       const std::vector<std::string>& wanted,
                                       std::vector<std::size_t>& pick) {
  if (all.empty())
    throw_invalid_argument(function, "log", "", "has no control columns (schema.controls)");
  if (wanted.empty()) {
    for (std::size_t c = 0; c < all.size(); ++c) pick.push_back(c);
    return all;
  }
  std::vector<std::string> names;
  for (const std::string& name : wanted) {
    const auto it = std::find(all.begin(), all.end(), name);
    if (it == all.end())
      throw_invalid_argument(function, "options.controls", name, "is not a control of the log");
    pick.push_back(std::size_t(it - all.begin()));
    names.push_back(name);
  }
  return names;
}

void check_min_tests(std::string_view function, std::size_t n, int folds) {
  const std::size_t need = folds >= 2 ? 2 * std::size_t(folds) : 2;
  if (n < need) {
    std::string what = "has ";
    what.append(std::to_string(n)).append(" tests; ").append(std::to_string(folds));
    what.append(" folds need at least ").append(std::to_string(need));
    throw_invalid_argument(function, "log", "", what);
  }
}

ControlVariateResult control_variates_impl(std::string_view function, std::size_t n,
                                           Eigen::Index d, const ItemFn& item,
                                           std::vector<std::string> names, bool binary,
                                           const ControlVariateOptions& options) {
  Stopwatch watch;
  check_min_tests(function, n, options.folds);
  const std::vector<int> fold = kfold(n, options.folds, options.seed);
  FitOutput fit = cross_fit(n, d, item, fold, options.folds, FitKind::regression,
                            options.rank_tolerance, options);
  ControlVariateResult r;
  const double y_var = fit.total.n >= 2 ? fit.total.m2(d, d) / (fit.total.n - 1) : 0.0;
  summarize(fit.values, options, binary, y_var, r);
  r.coefficients = fit.beta;
  r.fold_coefficients = fit.fold_beta;
  r.control_names = std::move(names);
  Eigen::Index free = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    if (fit.constant[std::size_t(j)])
      r.constant_controls.push_back(r.control_names[std::size_t(j)]);
    else
      ++free;
  }
  r.rank = fit.rank;
  r.collinear = fit.rank < free;
  r.is_estimate = fit.total.mean(d);
  r.r_squared = y_var > 0 ? 1.0 - r.variance / y_var : 0.0;
  r.run.iterations = 2;
  r.run.evaluations = n;
  r.run.message = std::to_string(options.folds) + "-fold cross-fitted control variates (" +
                  std::to_string(d) + " controls, rank " + std::to_string(fit.rank) + ")";
  if (!r.constant_controls.empty())
    r.run.message += "; " + std::to_string(r.constant_controls.size()) +
                     " constant control(s) left out";
  r.run.seconds = watch.seconds();
  return r;
}

}  // namespace detail

ControlVariateResult control_variates(const Eigen::Ref<const Eigen::VectorXd>& y,
                                      const Eigen::Ref<const Eigen::MatrixXd>& h,
                                      const ControlVariateOptions& options) {
  constexpr std::string_view function = "sampo::mc::control_variates";
  options.validate();
  if (y.size() == 0) throw_invalid_argument(function, "y", "", "is empty");
  if (h.rows() != y.size())
    throw_invalid_argument(function, "h", std::to_string(h.rows()) + " rows",
                           "must have y.size() = " + std::to_string(y.size()) + " rows");
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    bool ok = std::isfinite(y(i));
    for (Eigen::Index j = 0; j < h.cols() && ok; ++j) ok = std::isfinite(h(i, j));
    if (!ok) {
      std::string argument = "row ";
      argument.append(std::to_string(i)).append(" of y/h");
      throw_invalid_argument(function, argument, "", "has a non-finite entry");
    }
  }
  std::vector<std::string> names;
  bool binary = true;
  for (Eigen::Index j = 0; j < h.cols(); ++j) {
    std::string name = "h";
    names.push_back(name.append(std::to_string(j)));
  }
  for (Eigen::Index i = 0; i < y.size() && binary; ++i) binary = y(i) == 0.0 || y(i) == 1.0;
  const detail::ItemFn item = [&](std::size_t t, double& yt, Eigen::Ref<Eigen::VectorXd> ht) {
    yt = y(Eigen::Index(t));
    ht = h.row(Eigen::Index(t)).transpose();
  };
  return detail::control_variates_impl(function, std::size_t(y.size()), h.cols(), item,
                                       std::move(names), binary, options);
}

ControlVariateResult control_variates(const TestLog& log, const ControlVariateOptions& options) {
  constexpr std::string_view function = "sampo::mc::control_variates";
  options.validate();
  if (log.empty()) throw_invalid_argument(function, "log", "", "has no tests");
  std::vector<std::size_t> pick;
  std::vector<std::string> names =
      detail::pick_controls(function, log.schema().controls, options.controls, pick);
  const detail::ItemFn item = [&](std::size_t t, double& y, Eigen::Ref<Eigen::VectorXd> h) {
    y = log.result(t) * log.weight(t);
    for (std::size_t k = 0; k < pick.size(); ++k) h(Eigen::Index(k)) = log.control(t, pick[k]);
  };
  return detail::control_variates_impl(function, log.tests(), Eigen::Index(pick.size()), item,
                                       std::move(names), log.binary_results(), options);
}

DefensiveMixtureResult defensive_mixture(const Eigen::Ref<const Eigen::VectorXd>& fp,
                                         const Eigen::Ref<const Eigen::MatrixXd>& components,
                                         const DefensiveMixtureOptions& options) {
  constexpr std::string_view function = "sampo::mc::defensive_mixture";
  options.validate();
  const Eigen::Index n = fp.size(), j_count = components.cols();
  if (n == 0) throw_invalid_argument(function, "fp", "", "is empty");
  if (components.rows() != n || j_count != options.alpha.size())
    throw_invalid_argument(function, "components",
                           std::to_string(components.rows()) + " x " + std::to_string(j_count),
                           "must be fp.size() x alpha.size() = " + std::to_string(n) + " x " +
                               std::to_string(options.alpha.size()));
  Eigen::VectorXd y(n);
  Eigen::MatrixXd h(n, std::max<Eigen::Index>(j_count - 1, 0));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double qa = components.row(i).dot(options.alpha);
    if (!(qa > 0.0 && std::isfinite(qa) && std::isfinite(fp(i)))) {
      std::string argument = "row ";
      argument.append(std::to_string(i));
      throw_invalid_argument(function, argument, format_value(qa),
                             "needs finite fp and a mixture density q_alpha > 0");
    }
    y(i) = fp(i) / qa;
    for (Eigen::Index j = 0; j + 1 < j_count; ++j) h(i, j) = components(i, j) / qa - 1.0;
  }
  DefensiveMixtureResult r;
  static_cast<ControlVariateResult&>(r) = control_variates(y, h, options);
  for (std::size_t j = 0; j < r.control_names.size(); ++j)
  {
    std::string name = "q";
    r.control_names[j] = name.append(std::to_string(j)).append("/q_alpha-1");
  }
  return r;
}

}  // namespace sampo::mc

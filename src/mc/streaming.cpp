#include "sampo/mc/streaming.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "engine.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/mc/log_io.hpp"
#include "sampo/parallel/map_reduce.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::mc {
namespace {

using Welford = StreamingState::Welford;

// The exact arithmetic of the in-memory estimators (engine.cpp, sample_variance and
// precision_report), so that an in-order stream gives their bits.
void push(Welford& w, double x) {
  w.n += 1;
  const double delta = x - w.mean;
  w.mean += delta / w.n;
  w.m2 += delta * (x - w.mean);
}

Welford merged(const Welford& a, const Welford& b) {
  if (b.n == 0) return a;
  if (a.n == 0) return b;
  const double total = a.n + b.n;
  const double delta = b.mean - a.mean;
  return {total, a.mean + delta * (b.n / total), a.m2 + b.m2 + delta * delta * (a.n * b.n / total)};
}

constexpr std::uint64_t kFoldStream = 0x6d632d666f6c64ULL;  // "mc-fold"

std::string test_argument(std::size_t test, std::string_view what) {
  std::string s(what);
  s.append(" of test ").append(std::to_string(test));
  return s;
}

}  // namespace

void StreamingOptions::validate() const {
  constexpr std::string_view function = "sampo::mc::StreamingEstimator";
  EstimatorOptions::validate(function);
  if (method == StreamMethod::control_variates) {
    if (fold_coefficients.rows() < 1)
      throw_invalid_argument(function, "options.fold_coefficients", "0 rows",
                             "needs one row of coefficients per fold (>= 1) for control_variates");
    if (!fold_coefficients.allFinite())
      throw_invalid_argument(function, "options.fold_coefficients", "",
                             "has a non-finite entry");
  }
}

void StreamFileOptions::validate() const {
  constexpr std::string_view function = "sampo::mc::stream_estimate_csv";
  EstimatorOptions::validate(function);
  if (method == StreamMethod::control_variates && fold_coefficients.size() > 0)
    StreamingOptions::validate();
  if (folds < 2)
    throw_invalid_argument(function, "options.folds", std::to_string(folds),
                           "must be >= 2 (cross-fitting)");
  if (!(rank_tolerance >= 0.0 && rank_tolerance < 1.0))
    throw_invalid_argument(function, "options.rank_tolerance", format_value(rank_tolerance),
                           "must be in [0, 1)");
  if (batch_tests == 0) throw_invalid_argument(function, "options.batch_tests", "0", "must be >= 1");
  if (sparse) {
    if (method != StreamMethod::control_variates)
      throw_invalid_argument(function, "options.sparse", "set",
                             "needs method = control_variates");
    if (sparse->stratification != Stratification::none)
      throw_invalid_argument(function, "options.sparse->stratification", "by_critical_count",
                             "cannot stream (its strata are fitted over the whole log); use none");
    if (!controls.empty())
      throw_invalid_argument(function, "options.controls", controls.front(),
                             "must be empty with options.sparse (the controls come from the steps)");
    sparse->validate();
  }
  if (multi_surrogate) {
    if (method != StreamMethod::control_variates)
      throw_invalid_argument(function, "options.multi_surrogate", "true",
                             "needs method = control_variates");
    if (sparse)
      throw_invalid_argument(function, "options.multi_surrogate", "true",
                             "cannot be combined with options.sparse");
    if (!controls.empty())
      throw_invalid_argument(function, "options.controls", controls.front(),
                             "must be empty with options.multi_surrogate (the controls come from "
                             "the surrogate columns)");
  }
}

int stream_fold(std::uint64_t seed, std::size_t i, int folds) {
  if (folds < 1)
    throw_invalid_argument("sampo::mc::stream_fold", "folds", std::to_string(folds), "must be >= 1");
  parallel::RandomStream r(seed, kFoldStream, i);
  return int(r.uniform_int(std::uint64_t(folds)));
}

StreamingEstimator::StreamingEstimator(StreamingOptions options, std::size_t first_test)
    : options_(std::move(options)) {
  options_.validate();
  z_ = confidence_z(options_.confidence);
  state_.first_test = first_test;
}

StreamingEstimator StreamingEstimator::from_state(StreamingOptions options,
                                                  const StreamingState& state) {
  StreamingEstimator e(std::move(options), state.first_test);
  e.state_ = state;
  return e;
}

void StreamingEstimator::add(double result, double weight, std::span<const double> controls,
                             int fold) {
  constexpr std::string_view function = "sampo::mc::StreamingEstimator::add";
  StreamingState& s = state_;
  const std::size_t test = s.first_test + s.tests;
  if (!std::isfinite(result))
    throw_invalid_argument(function, test_argument(test, "result"), format_value(result),
                           "must be finite");
  if (!(std::isfinite(weight) && weight >= 0))
    throw_invalid_argument(function, test_argument(test, "weight"), format_value(weight),
                           "must be finite and >= 0");
  double v = 0;
  switch (options_.method) {
    case StreamMethod::crude:
      if (weight != 1.0)
        throw_invalid_argument(function, test_argument(test, "weight"), format_value(weight),
                               "is not 1: crude Monte Carlo needs naturalistic tests");
      v = result;
      break;
    case StreamMethod::importance_sampling:
      v = result * weight;
      break;
    case StreamMethod::control_variates: {
      const Eigen::MatrixXd& beta = options_.fold_coefficients;
      if (Eigen::Index(controls.size()) != beta.cols())
        throw_invalid_argument(function, test_argument(test, "controls"),
                               std::to_string(controls.size()) + " values",
                               "must have one value per coefficient (" +
                                   std::to_string(beta.cols()) + ")");
      if (fold < 0 || fold >= beta.rows())
        throw_invalid_argument(function, test_argument(test, "fold"), std::to_string(fold),
                               "must be in [0, " + std::to_string(beta.rows()) + ")");
      double adjust = 0;
      for (Eigen::Index j = 0; j < beta.cols(); ++j) {
        const double h = controls[std::size_t(j)];
        if (!std::isfinite(h)) {
          std::string argument = "control ";
          argument.append(std::to_string(j));
          throw_invalid_argument(function, test_argument(test, argument), format_value(h),
                                 "must be finite");
        }
        adjust += beta(fold, j) * h;
      }
      v = result * weight - adjust;
      break;
    }
  }
  if (!std::isfinite(v))
    throw_invalid_argument(function, test_argument(test, "value"), format_value(v),
                           "overflows (result·weight − βᵀh must be finite)");
  // Accepted: update the state.
  const double chunk = double(options_.chunk);
  if (s.chunk.n == chunk) {
    s.total = merged(s.total, s.chunk);
    s.chunk = Welford{};
    s.yl_total = merged(s.yl_total, s.yl_chunk);
    s.yl_chunk = Welford{};
  }
  push(s.chunk, v);
  push(s.yl_chunk, result * weight);
  if (s.in_order) {
    push(s.scan, v);
    const double z = z_;
    const double n = s.scan.n;
    const double rhw = n >= 2 ? z * std::sqrt(s.scan.m2 / (n - 1) / n) / std::abs(s.scan.mean)
                              : std::numeric_limits<double>::infinity();
    if (!(rhw <= options_.rhw_target)) s.scan_last_bad = s.tests + 1;
  }
  s.weight_sum += weight;
  s.weight_sum2 += weight * weight;
  s.max_weight = std::max(s.max_weight, weight);
  s.binary = s.binary && (result == 0.0 || result == 1.0);
  ++s.tests;
}

void StreamingEstimator::merge(const StreamingEstimator& later) {
  constexpr std::string_view function = "sampo::mc::StreamingEstimator::merge";
  const StreamingOptions& o = later.options_;
  if (o.method != options_.method || o.chunk != options_.chunk ||
      o.confidence != options_.confidence || o.rhw_target != options_.rhw_target ||
      o.fold_coefficients != options_.fold_coefficients)
    throw_invalid_argument(function, "later", "",
                           "was built with other options (method, chunk, confidence, target or "
                           "coefficients)");
  const StreamingState& b = later.state_;
  if (b.tests == 0) return;
  StreamingState& a = state_;
  if (a.tests == 0) {
    const std::size_t first = a.first_test;
    a = b;
    a.first_test = first;
    return;
  }
  a.total = merged(merged(a.total, a.chunk), merged(b.total, b.chunk));
  a.chunk = Welford{};
  a.yl_total = merged(merged(a.yl_total, a.yl_chunk), merged(b.yl_total, b.yl_chunk));
  a.yl_chunk = Welford{};
  a.in_order = false;
  a.scan = Welford{};
  a.scan_last_bad = 0;
  a.tests += b.tests;
  a.weight_sum += b.weight_sum;
  a.weight_sum2 += b.weight_sum2;
  a.max_weight = std::max(a.max_weight, b.max_weight);
  a.binary = a.binary && b.binary;
}

StreamingResult StreamingEstimator::result() const {
  const StreamingState& s = state_;
  if (s.tests == 0)
    throw_invalid_argument("sampo::mc::StreamingEstimator::result", "tests", "0",
                           "no test was added");
  const Welford w = merged(s.total, s.chunk);
  const double z = confidence_z(options_.confidence);
  StreamingResult r;
  r.estimate = w.mean;
  r.n = s.tests;
  r.variance = w.n >= 2 ? w.m2 / (w.n - 1) : std::numeric_limits<double>::quiet_NaN();
  r.confidence = options_.confidence;
  r.standard_error = std::sqrt(r.variance / w.n);
  r.ci_lower = w.mean - z * r.standard_error;
  r.ci_upper = w.mean + z * r.standard_error;
  r.relative_half_width = z * r.standard_error / std::abs(w.mean);

  // The precision report: from the in-order scan when there is one (precision_report's bits).
  PrecisionReport& p = r.precision;
  p.rhw_target = options_.rhw_target;
  r.in_order_scan = s.in_order;
  const double mean = s.in_order ? s.scan.mean : w.mean;
  const double var = s.in_order ? (s.scan.n >= 2 ? s.scan.m2 / (s.scan.n - 1)
                                                 : std::numeric_limits<double>::quiet_NaN())
                                : r.variance;
  if (s.in_order) {
    p.target_reached = s.scan_last_bad < s.tests;
    p.tests_to_target = p.target_reached ? s.scan_last_bad + 1 : 0;
  }
  const double t = options_.rhw_target;
  if (mean != 0) p.tests_needed = (z / t) * (z / t) * var / (mean * mean);
  if (s.binary && var > 0) p.vrf_crude = mean * (1 - mean) / var;
  if (options_.method == StreamMethod::importance_sampling) {
    p.vrf_is = 1.0;
  } else if (options_.method == StreamMethod::control_variates) {
    const Welford yl = merged(s.yl_total, s.yl_chunk);
    const double is_var = yl.n >= 2 ? yl.m2 / (yl.n - 1) : std::numeric_limits<double>::quiet_NaN();
    if (std::isfinite(is_var) && var > 0) p.vrf_is = is_var / var;
  }
  r.max_weight = s.max_weight;
  r.effective_sample_size = s.weight_sum2 > 0 ? s.weight_sum * s.weight_sum / s.weight_sum2 : 0.0;
  if (options_.method == StreamMethod::control_variates)
    r.fold_coefficients = options_.fold_coefficients;
  r.run.iterations = 1;
  r.run.evaluations = s.tests;
  const char* name = options_.method == StreamMethod::crude ? "crude Monte Carlo"
                     : options_.method == StreamMethod::importance_sampling
                         ? "importance sampling"
                         : "control variates (fixed coefficients)";
  r.run.message = std::string("streaming ").append(name);
  return r;
}

StreamingResult stream_estimate(const TestLog& log, const StreamingOptions& options,
                                std::span<const int> fold) {
  constexpr std::string_view function = "sampo::mc::stream_estimate";
  Stopwatch watch;
  if (log.empty()) throw_invalid_argument(function, "log", "", "has no tests");
  if (!fold.empty() && fold.size() != log.tests())
    throw_invalid_argument(function, "fold", std::to_string(fold.size()) + " entries",
                           "must be empty or have one entry per test (" +
                               std::to_string(log.tests()) + ")");
  if (fold.empty() && options.method == StreamMethod::control_variates &&
      options.fold_coefficients.rows() > 1)
    throw_invalid_argument(function, "fold", "empty",
                           "needs one fold per test when options.fold_coefficients has " +
                               std::to_string(options.fold_coefficients.rows()) + " rows");
  StreamingEstimator e(options);
  const std::size_t d = log.schema().controls.size();
  std::vector<double> h(d);
  const bool cv = options.method == StreamMethod::control_variates;
  for (std::size_t i = 0; i < log.tests(); ++i) {
    for (std::size_t c = 0; c < d; ++c) h[c] = log.control(i, c);
    e.add(log.result(i), log.weight(i), cv ? std::span<const double>(h) : std::span<const double>(),
          fold.empty() ? 0 : fold[i]);
  }
  StreamingResult r = e.result();
  r.run.seconds = watch.seconds();
  return r;
}

StreamingResult estimate_distributed(std::size_t n,
                                     const std::function<void(std::size_t, StreamTest&)>& test,
                                     const StreamingOptions& options) {
  constexpr std::string_view function = "sampo::mc::estimate_distributed";
  Stopwatch watch;
  options.validate();
  if (n == 0) throw_invalid_argument(function, "n", "0", "must be >= 1");
  const std::size_t chunk = options.chunk;
  const std::size_t chunks = (n + chunk - 1) / chunk;
  parallel::MapReduceOptions par;
  par.block_size = 1;
  par.threads = options.threads;
  par.use_mpi = true;
  const StreamingState state = parallel::map_reduce(
      chunks,
      [&](std::size_t c) {
        StreamingEstimator e(options, c * chunk);
        StreamTest t;
        for (std::size_t i = c * chunk, hi = std::min(n, (c + 1) * chunk); i < hi; ++i) {
          t = StreamTest{};
          test(i, t);
          e.add(t.result, t.weight, t.controls, t.fold);
        }
        return e.state();
      },
      [&](StreamingState a, StreamingState b) {
        StreamingEstimator ea = StreamingEstimator::from_state(options, a);
        ea.merge(StreamingEstimator::from_state(options, b));
        return ea.state();
      },
      par);
  StreamingResult r = StreamingEstimator::from_state(options, state).result();
  r.run.seconds = watch.seconds();
  return r;
}

StreamingResult stream_estimate_csv(const std::filesystem::path& path,
                                    const StreamFileOptions& options, sampo::Progress* progress) {
  constexpr std::string_view function = "sampo::mc::stream_estimate_csv";
  Stopwatch watch;
  options.validate();
  const bool cv = options.method == StreamMethod::control_variates;
  const bool fit = cv && options.fold_coefficients.size() == 0;

  // The controls to use.
  std::vector<std::size_t> pick;
  std::vector<std::string> names;
  std::optional<SparseControls> sparse;
  {
    TestLogCsvStream probe(path, 1);
    if (options.sparse) {
      sparse.emplace(probe.schema(), *options.sparse);
      names = sparse->names();
    } else if (options.multi_surrogate) {
      names = probe.schema().surrogates;
      if (names.empty())
        throw_invalid_argument(function, "log", "",
                               "has no surrogate columns (schema.surrogates)");
    } else if (cv) {
      names = detail::pick_controls(function, probe.schema().controls, options.controls, pick);
    }
  }
  const bool surrogates = options.multi_surrogate;
  const auto d = Eigen::Index(sparse ? sparse->size() : surrogates ? names.size() : pick.size());
  // The controls of test i of a batch.
  const auto fill = [&](const TestLog& batch, std::size_t i, double* h) {
    if (sparse)
      sparse->fill(batch, i, std::span<double>(h, std::size_t(d)));
    else if (surrogates)
      surrogate_controls(batch, i, std::span<double>(h, std::size_t(d)));
    else
      for (Eigen::Index k = 0; k < d; ++k) h[k] = batch.control(i, pick[std::size_t(k)]);
  };

  StreamingOptions so = options;
  Eigen::VectorXd beta_all;
  Run qp_run;  // multi_surrogate: the first QP that did not converge, else converged
  if (fit) {
    // Pass 1: moments of (h, Y·L) per fold.
    std::vector<detail::Moments> per_fold(std::size_t(options.folds), detail::Moments(d + 1));
    TestLogCsvStream s(path, options.batch_tests);
    s.set_progress(progress);
    TestLog batch;
    Eigen::VectorXd z(d + 1);
    while (s.next(batch)) {
      for (std::size_t i = 0; i < batch.tests(); ++i) {
        fill(batch, i, z.data());
        z(d) = batch.result(i) * batch.weight(i);
        if (!z.allFinite())
          throw_invalid_argument(function, test_argument(s.tests_before() + i, "result·weight"),
                                 format_value(z(d)), "must be finite");
        per_fold[std::size_t(stream_fold(options.seed, s.tests_before() + i, options.folds))]
            .push(z);
      }
    }
    detail::Moments all(d + 1);
    for (const auto& m : per_fold) all.merge(m);
    if (all.n < 2 * double(options.folds))
      throw_invalid_argument(function, "log", "",
                             "has " + std::to_string(std::size_t(all.n)) + " tests; " +
                                 std::to_string(options.folds) + " folds need at least " +
                                 std::to_string(2 * options.folds));
    const auto slope = [&](const detail::Moments& m) {
      return surrogates ? detail::simplex_weights(m, d, qp_run)
                        : detail::regression_slope(m, d, options.rank_tolerance, nullptr, nullptr);
    };
    beta_all = slope(all);
    so.fold_coefficients.resize(options.folds, d);
    for (int k = 0; k < options.folds; ++k) {
      detail::Moments rest(d + 1);
      for (int l = 0; l < options.folds; ++l)
        if (l != k) rest.merge(per_fold[std::size_t(l)]);
      so.fold_coefficients.row(k) =
          slope(rest).transpose();
    }
  }

  // The values, in order.
  StreamingEstimator e(so);
  TestLogCsvStream s(path, options.batch_tests);
  s.set_progress(progress);
  TestLog batch;
  std::vector<double> h(static_cast<std::size_t>(d));
  const int rows = cv ? int(so.fold_coefficients.rows()) : 1;
  while (s.next(batch)) {
    for (std::size_t i = 0; i < batch.tests(); ++i) {
      if (cv) fill(batch, i, h.data());
      const int fold = rows > 1 ? stream_fold(options.seed, s.tests_before() + i, rows) : 0;
      e.add(batch.result(i), batch.weight(i), h, fold);
    }
  }
  if (e.tests() == 0) throw_invalid_argument(function, "log", "", "has no tests");
  StreamingResult r = e.result();
  r.coefficients = beta_all;
  r.control_names = std::move(names);
  r.run.iterations = fit ? 2 : 1;
  if (fit) {
    std::string message = "streaming ";
    if (sparse)
      message.append("sparse control variates (")
          .append(std::to_string(d))
          .append(" martingale-difference controls)");
    else if (surrogates)
      message.append("combination of ")
          .append(std::to_string(d))
          .append(" surrogate control variates (simplex QP)");
    else
      message.append("control variates");
    r.run.message = message.append(", cross-fitted in 2 passes over the file (")
                        .append(std::to_string(options.folds))
                        .append(" counter-based folds)");
    if (!qp_run.converged()) {
      r.run.termination = qp_run.termination;
      r.run.message.append("; a weight fit did not converge: ").append(qp_run.message);
    }
  }
  r.run.seconds = watch.seconds();
  return r;
}

}  // namespace sampo::mc

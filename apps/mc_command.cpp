// `sampo mc estimate`: an unbiased estimate of a failure rate from a test log (CSV file or NPY
// directory, docs/mc.md) with one of sampo::mc's estimators; prints the estimate, its standard
// error, 90 % interval, relative half-width, tests to the RHW target and variance-reduction
// factors, and writes them as JSON (--json) and a one-row CSV (--csv), both or neither.
#include <boost/program_options.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/io/atomic_file.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/json.hpp"
#include "sampo/mc.hpp"

namespace po = boost::program_options;

namespace {
constexpr const char* kCmd = "sampo mc";

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

struct MethodSettings {
  std::string method;
  int order = 1, folds = 5, positions = 3;
  bool folds_given = false, no_features = false, weighted = false;
  std::string controls;
  double rhw = 0.3, confidence = 0.90;
  std::string weights = "simplex";  ///< multi-surrogate: --weights simplex | free
  std::string curve;             ///< --curve FILE: empty for none
  std::size_t curve_points = 40;  ///< --curve-points
};

int report(const std::string& cmd, const std::string& method, const sampo::mc::Estimate& e,
           const nlohmann::json& diag, const std::string& csv,
           const sampo::cli::GlobalOptions& global, const nlohmann::json& extra,
           const sampo::mc::PrecisionCurve* curve = nullptr, const std::string& curve_path = {});

/// A progress bar on the terminal unless --quiet.
bool show_progress(const sampo::cli::GlobalOptions& global) {
  return !global.quiet && sampo::Progress::terminal_default();
}

/// The estimate of @p s.method on @p log; its diagnostics go to @p diag_out when given.
sampo::mc::Estimate compute(const std::string& cmd, const sampo::mc::TestLog& log,
                            const MethodSettings& s, const sampo::cli::GlobalOptions& global,
                            nlohmann::json* diag_out) {
  using namespace sampo::mc;
  const std::string& method = s.method;
  const int order = s.order, folds = s.folds, positions = s.positions;
  const bool no_features = s.no_features, scv = method == "scv" || method == "scv-stratified";
  const std::string& controls = s.controls;
  const double rhw = s.rhw, confidence = s.confidence;
  EstimatorOptions base;
  base.confidence = confidence;
  base.rhw_target = rhw;
  base.threads = global.threads;
  auto with_base = [&](auto opt) {
    static_cast<EstimatorOptions&>(opt) = base;
    return opt;
  };
  Estimate e;
  nlohmann::json diag = nlohmann::json::object();
  if (method == "crude") {
    e = crude(log, with_base(CrudeOptions{}));
  } else if (method == "is") {
    const auto r = importance_sampling(log, with_base(ImportanceSamplingOptions{}));
    diag["max_weight"] = r.max_weight;
    diag["effective_sample_size"] = r.effective_sample_size;
    e = r;
  } else if (method == "cv") {
    auto opt = with_base(ControlVariateOptions{});
    opt.folds = folds;
    opt.seed = global.seed;
    opt.controls = split_names(controls);
    const auto r = control_variates(log, opt);
    diag["controls"] = r.control_names;
    diag["coefficients"] = sampo::io::vector_to_json(r.coefficients);
    diag["constant_controls"] = r.constant_controls;
    diag["rank"] = r.rank;
    diag["r_squared"] = number_or_null(r.r_squared);
    e = r;
  } else if (scv) {
    auto opt = with_base(SparseControlVariateOptions{});
    opt.order = order;
    opt.positions = positions;
    opt.use_features = !no_features;
    opt.weighted = s.weighted;
    opt.seed = global.seed;
    if (method == "scv-stratified") {
      opt.stratification = Stratification::by_critical_count;
      opt.folds = s.folds_given ? folds : 1;
    } else {
      opt.folds = folds;
    }
    const auto r = sparse_control_variates(log, opt);
    diag["controls"] = r.control_names;
    diag["coefficients"] = sampo::io::vector_to_json(r.coefficients);
    diag["constant_controls"] = r.constant_controls;
    diag["r_squared"] = number_or_null(r.r_squared);
    diag["max_weight_mismatch"] = r.max_weight_mismatch;
    if (opt.stratification == Stratification::by_critical_count) {
      diag["max_abs_control_z"] = r.max_abs_control_z;
      diag["bias_suspected"] = r.bias_suspected;
      nlohmann::json strata = nlohmann::json::array();
      for (const auto& s : r.strata)
        strata.push_back({{"critical_steps", s.critical_steps}, {"n", s.n},
                          {"estimate", s.estimate}, {"variance", number_or_null(s.variance)}});
      diag["strata"] = strata;
    }
    e = r;
  } else if (method == "multi-surrogate") {
    auto opt = with_base(MultiSurrogateOptions{});
    opt.weights = s.weights == "free" ? SurrogateWeights::free : SurrogateWeights::simplex;
    opt.folds = folds;
    opt.seed = global.seed;
    const auto r = multi_surrogate(log, opt);
    diag["surrogates"] = r.surrogate_names;
    diag["weights"] = sampo::io::vector_to_json(r.weights);
    diag["combination"] = s.weights;
    diag["single_variance"] = sampo::io::vector_to_json(r.single_variance);
    diag["r_squared"] = number_or_null(r.r_squared);
    e = r;
  } else {
    sampo::throw_invalid_argument(cmd, "--method", method,
                                  "is not crude, is, cv, scv, scv-stratified or multi-surrogate");
  }

  if (diag_out) *diag_out = std::move(diag);
  return e;
}

/// Runs @p s.method on @p log (and, with @p s.curve, on its prefixes), writes --csv / --json /
/// --curve (all or none; @p extra is merged into the JSON) and prints the report. Returns the
/// exit status.
int run_method(const std::string& cmd, const sampo::mc::TestLog& log, const MethodSettings& s,
               const std::string& csv, const sampo::cli::GlobalOptions& global,
               nlohmann::json extra) {
  nlohmann::json diag;
  const sampo::mc::Estimate e = compute(cmd, log, s, global, &diag);
  std::optional<sampo::mc::PrecisionCurve> curve;
  if (!s.curve.empty()) {
    // The first checkpoint: enough tests for every fold of a cross-fitted method.
    const std::size_t first = std::min<std::size_t>(
        log.tests(), std::max<std::size_t>(20, 2 * static_cast<std::size_t>(s.folds)));
    const auto checkpoints = sampo::mc::curve_checkpoints(log.tests(), first, s.curve_points);
    sampo::Progress bar(checkpoints.size(), "mc estimate (curve)", show_progress(global));
    sampo::mc::LogEstimator estimator = [&](const sampo::mc::TestLog& head) {
      const sampo::mc::Estimate r = compute(cmd, head, s, global, nullptr);
      bar.advance(1);
      return r;
    };
    curve = sampo::mc::precision_curve(log, estimator, checkpoints, s.rhw);
    bar.finish();
    nlohmann::json c;
    c["file"] = s.curve;
    c["points"] = curve->points.size();
    c["tests_to_target"] = curve->tests_to_target;
    c["target_reached"] = curve->target_reached;
    extra["curve"] = c;
  }
  return report(cmd, s.method, e, diag, csv, global, extra, curve ? &*curve : nullptr, s.curve);
}

/// Writes --csv / --json / --curve (all or none; @p extra is merged into the JSON) and prints
/// the report of @p e. Returns the exit status.
int report(const std::string& cmd, const std::string& method, const sampo::mc::Estimate& e,
           const nlohmann::json& diag, const std::string& csv,
           const sampo::cli::GlobalOptions& global, const nlohmann::json& extra,
           const sampo::mc::PrecisionCurve* curve, const std::string& curve_path) {
  const std::vector<std::string> header{"method", "estimate", "standard_error", "ci_lower",
                                        "ci_upper", "confidence", "n", "relative_half_width",
                                        "rhw_target", "tests_to_target", "tests_needed",
                                        "vrf_crude", "vrf_is"};
  const std::vector<std::string> row{
      method, number_text(e.estimate), number_text(e.standard_error), number_text(e.ci_lower),
      number_text(e.ci_upper), number_text(e.confidence), std::to_string(e.n),
      number_text(e.relative_half_width), number_text(e.precision.rhw_target),
      std::to_string(e.precision.tests_to_target), number_text(e.precision.tests_needed),
      number_text(e.precision.vrf_crude), number_text(e.precision.vrf_is)};
  sampo::io::OutputTransaction outputs;  // --csv, --json and --curve: all, or none
  if (!csv.empty()) sampo::io::write_csv_rows(csv, header, {row});
  if (curve) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : curve->points)
      rows.push_back({method, std::to_string(p.tests), number_text(p.estimate),
                      number_text(p.standard_error), number_text(p.relative_half_width)});
    sampo::io::write_csv_rows(curve_path, {"method", "tests", "estimate", "standard_error",
                                           "relative_half_width"},
                              rows);
  }
  if (!global.json.empty()) {
    nlohmann::json j;
    j = extra;
    j["method"] = method;
    j["estimate"] = number_or_null(e.estimate);
    j["standard_error"] = number_or_null(e.standard_error);
    j["ci"] = {number_or_null(e.ci_lower), number_or_null(e.ci_upper)};
    j["confidence"] = e.confidence;
    j["n"] = e.n;
    j["relative_half_width"] = number_or_null(e.relative_half_width);
    j["rhw_target"] = e.precision.rhw_target;
    j["tests_to_target"] = e.precision.tests_to_target;
    j["target_reached"] = e.precision.target_reached;
    j["tests_needed"] = number_or_null(e.precision.tests_needed);
    j["vrf_crude"] = number_or_null(e.precision.vrf_crude);
    j["vrf_is"] = number_or_null(e.precision.vrf_is);
    j["diagnostics"] = diag;
    j["termination"] = std::string(sampo::to_string(e.run.termination));
    j["message"] = e.run.message;
    j["seconds"] = e.run.seconds;
    sampo::io::write_json(global.json, j);
  }
  outputs.commit();
  if (!global.quiet) {
    std::printf("%s: %s; n = %zu tests\n", method.c_str(), e.run.message.c_str(), e.n);
    std::printf("  estimate:             %.6g\n", e.estimate);
    std::printf("  standard error:       %.3g\n", e.standard_error);
    std::printf("  %.0f %% interval:       [%.6g, %.6g]\n", 100 * e.confidence, e.ci_lower, e.ci_upper);
    std::printf("  relative half-width:  %.3g\n", e.relative_half_width);
    if (e.precision.target_reached)
      std::printf("  tests to RHW %.3g:     %zu (in run order)\n", e.precision.rhw_target,
                  e.precision.tests_to_target);
    else
      std::printf("  tests to RHW %.3g:     not reached; about %.3g needed\n",
                  e.precision.rhw_target, e.precision.tests_needed);
    if (curve) {
      if (curve->target_reached)
        std::printf("  curve (prefixes re-estimated): RHW <= %.3g from %zu tests on; wrote %s "
                    "(%zu points)\n",
                    curve->rhw_target, curve->tests_to_target, curve_path.c_str(),
                    curve->points.size());
      else
        std::printf("  curve (prefixes re-estimated): RHW %.3g not reached; wrote %s (%zu points)\n",
                    curve->rhw_target, curve_path.c_str(), curve->points.size());
    }
    if (std::isfinite(e.precision.vrf_crude))
      std::printf("  variance reduction:   %.3g x against crude Monte Carlo\n", e.precision.vrf_crude);
    if (std::isfinite(e.precision.vrf_is))
      std::printf("  variance reduction:   %.3g x against importance sampling\n", e.precision.vrf_is);
    if (extra.contains("exact_probability"))
      std::printf("  exact probability:    %.6g (estimate off by %.2f standard errors)\n",
                  extra["exact_probability"].get<double>(),
                  (e.estimate - extra["exact_probability"].get<double>()) / e.standard_error);
    if (diag.contains("bias_suspected") && diag["bias_suspected"].get<bool>())
      std::printf("  WARNING: a control's mean inside a stratum is far from 0 (max |z| %.3g): the "
                  "stratified estimate is biased; use --method scv\n",
                  diag["max_abs_control_z"].get<double>());
  }
  return sampo::cli::finish(cmd, e.run);
}

int estimate(const std::vector<std::string>& args, const sampo::cli::GlobalOptions& global) {
  using namespace sampo::mc;
  const std::string cmd = "sampo mc estimate";
  std::string log_path, method = "scv", csv, controls;
  int order = 1, folds = 5, positions = 3;
  double rhw = 0.3, confidence = 0.90;
  bool no_features = false, weighted = false, stream = false;
  std::string curve, weights = "simplex";
  std::size_t curve_points = 40;
  po::options_description desc("sampo mc estimate options");
  desc.add_options()
      ("log", po::value(&log_path)->required(), "test log: a CSV file or an NPY directory (docs/mc.md)")
      ("method", po::value(&method)->default_value(method),
       "crude | is | cv | scv | scv-stratified | multi-surrogate (scv: the unbiased sparse "
       "control variates; scv-stratified: the published form, biased in sequential tests, "
       "with its bias diagnostics)")
      ("order", sampo::cli::integer(cmd, "--order", &order, 1, 16), "scv: largest product order of the step controls")
      ("positions", sampo::cli::integer(cmd, "--positions", &positions, 1, 16), "scv: critical-step positions with their own coefficient")
      ("folds", sampo::cli::integer(cmd, "--folds", &folds, 1, 1000),
       "cross-fitting folds (1: in-sample coefficients; scv-stratified defaults to 1, as published)")
      ("no-features", po::bool_switch(&no_features), "scv: leave out the step features")
      ("weighted", po::bool_switch(&weighted), "scv: add the controls L_{j-1}(w_j - 1) (unbiased, heavy-tailed: for large logs)")
      ("controls", po::value(&controls)->default_value(""), "cv: comma-separated control names (default: all)")
      ("weights", po::value(&weights)->default_value(weights),
       "multi-surrogate: simplex (weights >= 0 summing to 1, a QP) | free (a cross-fitted "
       "regression on the surrogate controls)")
      ("rhw", po::value(&rhw)->default_value(rhw), "target relative half-width for the tests-to-target count")
      ("confidence", po::value(&confidence)->default_value(confidence), "confidence of the interval and the RHW")
      ("csv", po::value(&csv)->default_value(""), "write the result as a one-row CSV table")
      ("curve", po::value(&curve)->default_value(""),
       "write the precision curve (CSV: method, tests, estimate, standard_error, "
       "relative_half_width) of the first k tests in run order at log-spaced checkpoints, each "
       "prefix estimated afresh (cross-fitted methods re-fitted on it)")
      ("curve-points", sampo::cli::integer<std::size_t>(cmd, "--curve-points", &curve_points, 2, 10000),
       "checkpoints of --curve (default 40), from max(20, 2 folds) tests to all")
      ("stream", po::bool_switch(&stream),
       "crude, is, cv, scv, multi-surrogate on a CSV file: read the log test by test without "
       "loading it (cv, scv, multi-surrogate: coefficients cross-fitted in two passes with "
       "counter-based folds, docs/mc.md)");
  const auto vm = sampo::cli::parse_command_line(
      "mc estimate",
      "--log FILE --method crude|is|cv|scv|scv-stratified|multi-surrogate [--order K] "
      "[--folds K] [--rhw R] [--stream] [--csv F] [--curve F [--curve-points K]] [--json F]",
      desc, args);
  if (!vm) return 0;
  if (stream && method == "scv-stratified")
    sampo::throw_invalid_argument(cmd, "--stream", method,
                                  "does not stream (its strata are fitted over the whole log); "
                                  "--method scv streams");
  if (stream && !curve.empty())
    sampo::throw_invalid_argument(cmd, "--curve", curve,
                                  "needs the log in memory (each prefix is re-estimated); "
                                  "leave out --stream");
  if (curve.empty()) sampo::cli::reject_options(cmd, *vm, {"curve-points"}, "applies only with --curve");
  if (stream && std::filesystem::is_directory(log_path))
    sampo::throw_invalid_argument(cmd, "--stream", log_path,
                                  "streams a CSV file, not an NPY directory");
  if (!(rhw > 0 && std::isfinite(rhw)))
    sampo::throw_invalid_argument(cmd, "--rhw", number_text(rhw), "must be finite and > 0");
  if (!(confidence > 0 && confidence < 1))
    sampo::throw_invalid_argument(cmd, "--confidence", number_text(confidence), "must be in (0, 1)");
  const bool scv = method == "scv" || method == "scv-stratified";
  const bool fitted = scv || method == "cv" || method == "multi-surrogate";
  if (!scv) sampo::cli::reject_options(cmd, *vm, {"order", "positions", "no-features", "weighted"}, "applies only to --method scv and scv-stratified");
  if (!fitted) sampo::cli::reject_options(cmd, *vm, {"folds"}, "applies only to the fitted methods (cv, scv, scv-stratified, multi-surrogate)");
  if (method != "cv") sampo::cli::reject_options(cmd, *vm, {"controls"}, "applies only to --method cv");
  if (method != "multi-surrogate")
    sampo::cli::reject_options(cmd, *vm, {"weights"}, "applies only to --method multi-surrogate");
  if (weights != "simplex" && weights != "free")
    sampo::throw_invalid_argument(cmd, "--weights", weights, "is not simplex or free");
  if (stream && weights == "free")
    sampo::throw_invalid_argument(cmd, "--weights", weights,
                                  "does not stream (--stream combines the surrogates on the simplex)");
  sampo::cli::check_distinct_outputs(cmd, {{"--csv", csv}, {"--json", global.json}, {"--curve", curve}});

  MethodSettings settings;
  settings.method = method;
  settings.order = order;
  settings.folds = folds;
  settings.positions = positions;
  settings.folds_given = !(*vm)["folds"].defaulted();
  settings.no_features = no_features;
  settings.weighted = weighted;
  settings.controls = controls;
  settings.rhw = rhw;
  settings.confidence = confidence;
  settings.weights = weights;
  settings.curve = curve;
  settings.curve_points = curve_points;
  nlohmann::json extra;
  extra["command"] = "mc estimate";
  extra["log"] = log_path;
  const bool csv_file = !std::filesystem::is_directory(log_path);
  if (stream) {
    StreamFileOptions opt;
    opt.confidence = confidence;
    opt.rhw_target = rhw;
    opt.threads = global.threads;
    opt.method = method == "crude" ? StreamMethod::crude
                 : method == "is"  ? StreamMethod::importance_sampling
                                   : StreamMethod::control_variates;
    opt.folds = folds;
    opt.seed = global.seed;
    opt.controls = split_names(controls);
    const bool two_pass = method == "cv" || method == "scv" || method == "multi-surrogate";
    opt.multi_surrogate = method == "multi-surrogate";
    if (method == "scv") {
      SparseControlVariateOptions sp;
      sp.order = order;
      sp.positions = positions;
      sp.use_features = !no_features;
      sp.weighted = weighted;
      opt.sparse = sp;
    }
    if (two_pass && folds < 2)
      sampo::throw_invalid_argument(cmd, "--folds", std::to_string(folds),
                                    "must be >= 2 with --stream (cross-fitting)");
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(log_path, ec);
    sampo::Progress bar(std::size_t(ec ? 0 : bytes) * (two_pass ? 2 : 1),
                        "mc estimate (bytes)", show_progress(global));
    const StreamingResult r = stream_estimate_csv(log_path, opt, &bar);
    bar.finish();
    nlohmann::json diag = nlohmann::json::object();
    diag["streamed"] = true;
    diag["max_weight"] = r.max_weight;
    diag["effective_sample_size"] = r.effective_sample_size;
    if (two_pass) {
      diag["controls"] = r.control_names;
      diag["coefficients"] = sampo::io::vector_to_json(r.coefficients);
    }
    return report(cmd, method, r, diag, csv, global, extra);
  }
  if (csv_file && show_progress(global)) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(log_path, ec);
    sampo::Progress bar(std::size_t(ec ? 0 : bytes), "reading the log (bytes)", true);
    TestLog log = read_test_log_csv(log_path, &bar);
    bar.finish();
    return run_method(cmd, log, settings, csv, global, extra);
  }
  return run_method(cmd, read_test_log(log_path), settings, csv, global, extra);
}


int gaussian(const std::vector<std::string>& args, const sampo::cli::GlobalOptions& global) {
  using namespace sampo::mc;
  const std::string cmd = "sampo mc gaussian";
  GaussianLimitStateOptions g;
  std::string sampling = "shifted", method = "is", csv, log_out;
  std::size_t tests = g.tests;
  double rhw = 0.3;
  po::options_description desc("sampo mc gaussian options");
  desc.add_options()
      ("beta", po::value(&g.beta)->default_value(g.beta), "reliability index: P = Phi(-beta)")
      ("dim", sampo::cli::integer(cmd, "--dim", &g.dim, 1, 100000), "dimension d of X ~ N(0, I)")
      ("tests", sampo::cli::integer<std::size_t>(cmd, "--tests", &tests, 1, 1'000'000'000), "number of tests n")
      ("sampling", po::value(&sampling)->default_value(sampling), "naturalistic | shifted (mean shift to the design point) | mixture (defensive)")
      ("alpha", po::value(&g.alpha)->default_value(g.alpha), "mixture: weight of the naturalistic component")
      ("method", po::value(&method)->default_value(method), "crude (naturalistic) | is | cv (mixture: its control)")
      ("rhw", po::value(&rhw)->default_value(rhw), "target relative half-width")
      ("log-out", po::value(&log_out)->default_value(""), "also write the tests as a CSV test log")
      ("csv", po::value(&csv)->default_value(""), "write the result as a one-row CSV table");
  const auto vm = sampo::cli::parse_command_line(
      "mc gaussian",
      "--beta B --dim D --tests N --sampling naturalistic|shifted|mixture --method crude|is|cv "
      "[--alpha A] [--log-out F] [--csv F] [--json F]",
      desc, args);
  if (!vm) return 0;
  g.tests = tests;
  g.seed = global.seed;
  g.sampling = sampo::cli::parse_choice(cmd, "--sampling", sampling, gaussian_sampling_from_string);
  if (g.sampling != GaussianSampling::mixture)
    sampo::cli::reject_options(cmd, *vm, {"alpha"}, "applies only to --sampling mixture");
  if (method != "crude" && method != "is" && method != "cv")
    sampo::throw_invalid_argument(cmd, "--method", method, "is not crude, is or cv");
  sampo::cli::check_distinct_outputs(cmd, {{"--csv", csv}, {"--json", global.json}, {"--log-out", log_out}});
  sampo::Progress bar(tests, "mc gaussian (tests)", show_progress(global));
  g.progress = &bar;
  const TestLog log = [&] {
    try {
      return gaussian_limit_state_log(g);
    } catch (const sampo::invalid_argument& e) {
      // "<function>: argument 'options.alpha' = 1.5: ..." -> "sampo mc gaussian: argument
      // '--alpha' = 1.5: ..." (the option as typed, with its value).
      std::string what = e.what();
      const auto arg = what.find("argument 'options.");
      if (arg == std::string::npos) throw;
      std::string msg = cmd;
      msg.append(": argument '--").append(what.substr(arg + 18));
      throw sampo::invalid_argument(msg);
    }
  }();
  bar.finish();
  const GaussianLimitStateExact exact = gaussian_limit_state_exact(g.beta);
  MethodSettings settings;
  settings.method = method;
  settings.rhw = rhw;
  nlohmann::json extra;
  extra["command"] = "mc gaussian";
  extra["beta"] = g.beta;
  extra["dim"] = g.dim;
  extra["sampling"] = sampling;
  extra["exact_probability"] = exact.probability;
  extra["exact_shifted_relative_variance"] = exact.shifted_relative_variance;
  if (!log_out.empty()) write_test_log_csv(log_out, log);  // an input for `sampo mc estimate`
  return run_method(cmd, log, settings, csv, global, extra);
}

}  // namespace

SAMPO_CLI_COMMAND(mc, "unbiased failure-rate estimates from test logs (IS, control variates, sparse CVs)") {
  const std::string usage =
      "Usage: sampo mc <action> [options]   (sampo mc <action> --help)\n\n"
      "Actions:\n"
      "  estimate   estimate, standard error, 90 % interval, RHW and tests to target from a\n"
      "             test log (CSV or NPY directory, docs/mc.md) with --method crude, is, cv,\n"
      "             scv, scv-stratified or multi-surrogate\n"
      "  gaussian   the linear Gaussian limit state P(aX/|a| >= beta) = Phi(-beta): draw tests\n"
      "             naturalistically, mean-shifted or from a defensive mixture, and estimate\n";
  return sampo::cli::run_action(
      kCmd, usage, args, global,
      {sampo::cli::action({"estimate"}, estimate), sampo::cli::action({"gaussian"}, gaussian)});
}

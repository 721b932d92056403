// `sampo riemann`: SPD geometry on matrices from NumPy (mean, distance, tangent) and EEG
// classification (classify), from covariance matrices or from EEG files (BioSig).
//   sampo riemann epochs   --edf A.edf B.edf --events T1,T2 --out trials.npy --labels-out y.npy
//   sampo riemann covariance --in trials.npy --out covs.npy [--estimator oas] [--order 4 --lag 2]
//   sampo riemann mean     --in covs.npy --out mean.npy [--metric riemann]
//   sampo riemann distance --in covs.npy --ref ref.npy --out d.npy [--metric riemann]
//   sampo riemann tangent  --in covs.npy [--ref ref.npy] --out ts.npy
//   sampo riemann classify --train covs.npy --labels y.npy --test covs2.npy --pipeline mdm --out
//   pred.npy sampo riemann classify --edf A.edf B.edf --events T1,T2 [--tmin 0.5 --tmax 2.5]
//   [--band 8,35]
//                          --pipeline acm-ts-svm [--order 4 --lag 2 | --grid] [--folds 5]
// Outputs are written atomically, after the computation succeeded.
#include <boost/program_options.hpp>
#include <cstdint>
#include <iostream>
#include <limits>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "command.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/atomic_file.hpp"
#include "sampo/io/json.hpp"
#include "sampo/io/npy.hpp"
#include "sampo/learn/svm.hpp"
#include "sampo/riemann.hpp"
#include "sampo/signal/epochs.hpp"

namespace po = boost::program_options;
namespace rm = sampo::riemann;

namespace {
constexpr const char* kCmd = "sampo riemann";

/// A comma-separated list of numbers, e.g. "1,2,4"; an entry that is not a number is an error
/// naming the option.
template <typename T>
std::vector<T> number_list(const std::string& s, const char* option) {
  std::vector<T> out;
  for (const std::string& item : sampo::cli::split_list(kCmd, option, s)) {
    std::size_t used = 0;
    T v{};
    try {
      if constexpr (std::is_integral_v<T>)
        v = static_cast<T>(std::stoi(item, &used));
      else
        v = static_cast<T>(std::stod(item, &used));
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size()) sampo::throw_invalid_argument(kCmd, option, s, "is not a list of numbers");
    out.push_back(v);
  }
  return out;
}

/// Class labels from a .npy of integers: any value that does not fit the library's int labels
/// is refused, naming the file, the index and the value (never narrowed: 2^32 + 1 is not 1).
std::vector<int> int_labels(const std::string& option, const std::filesystem::path& path) {
  std::vector<int> y;
  const auto values = sampo::io::read_npy_int(path);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::int64_t v = values[i];
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
      sampo::throw_invalid_argument(kCmd, option, path.string(),
                                    "label " + std::to_string(i) + " = " + std::to_string(v) +
                                        " does not fit a 32-bit class label (|label| < 2^31)");
    y.push_back(static_cast<int>(v));
  }
  return y;
}

int geometry(const std::string& action, const std::vector<std::string>& args,
             const sampo::cli::GlobalOptions& global) {
  std::string in, out, ref, metric = "riemann",
                          step_rule(rm::to_string(rm::MeanOptions{}.step_rule));
  double tol = rm::MeanOptions{}.tolerance;
  std::size_t maxiter = rm::MeanOptions{}.max_iterations;
  std::size_t stall = rm::MeanOptions{}.stall_passes;
  const std::string cmd = "sampo riemann " + action;
  po::options_description opts("sampo riemann " + action + " options");
  opts.add_options()("in", po::value(&in)->required(), "n x C x C array of SPD matrices (.npy)")(
      "out", po::value(&out)->required(), "output .npy")(
      "metric", po::value(&metric)->default_value(metric), "riemann, logeuclid or euclid")(
      "ref", po::value(&ref)->default_value(""),
      "C x C reference (.npy): distance target, tangent point (default: the Riemannian mean)")(
      "tol", po::value(&tol)->default_value(tol), "Riemannian mean tolerance")(
      "maxiter", sampo::cli::integer<std::size_t>(cmd, "--maxiter", &maxiter, 0, 1'000'000),
      "Riemannian mean iterations (0: the arithmetic mean, reported as not converged)")(
      "stall-passes", sampo::cli::integer<std::size_t>(cmd, "--stall-passes", &stall, 0, 1'000'000),
      "stop the Riemannian mean after this many passes without ||J|| halving (0: never)")(
      "step-rule", po::value(&step_rule)->default_value(step_rule),
      "Riemannian mean step: secant (fewer passes) or pyriemann (pyRiemann v0.7's rule, its "
      "numbers to rounding)");
  const auto vm = sampo::cli::parse_command_line("riemann " + action,
                                                 "--in covs.npy --out F.npy [options]", opts, args);
  if (!vm) return 0;
  if (action == "mean")
    sampo::cli::reject_options(cmd, *vm, {"ref"}, "does not apply to 'mean'");
  // The iteration options act only where a Riemannian mean is computed.
  if (action == "distance" || metric != "riemann")
    sampo::cli::reject_options(cmd, *vm, {"tol", "maxiter", "stall-passes", "step-rule"},
                               "applies only where a Riemannian mean is computed (mean, or "
                               "tangent without --ref, with --metric riemann)");
  else if (action == "tangent" && !ref.empty())
    sampo::cli::reject_options(cmd, *vm, {"tol", "maxiter", "stall-passes", "step-rule"},
                               "does not apply with --ref (no mean is computed)");
  sampo::cli::check_distinct_outputs(cmd, {{"--out", out}, {"--json", global.json}});
  const auto covs = sampo::io::read_npy_stack(in);
  const rm::Metric m = sampo::cli::parse_choice(kCmd, "--metric", metric, rm::metric_from_string);
  rm::MeanOptions mo;
  mo.tolerance = tol;
  mo.max_iterations = maxiter;
  mo.stall_passes = stall;
  mo.step_rule =
      sampo::cli::parse_choice(kCmd, "--step-rule", step_rule, rm::mean_step_rule_from_string);
  nlohmann::json report{{"action", action}, {"matrices", covs.size()}, {"metric", metric}};
  sampo::Run run;  // the mean's, where one is computed
  sampo::io::OutputTransaction outputs;
  if (action == "mean") {
    const rm::MeanResult r = rm::mean(covs, m, mo);
    run = r.run;
    sampo::io::write_npy(out, r.mean);
    if (!global.quiet)
      std::cout << "mean of " << covs.size() << " matrices: " << r.run.brief_report() << "\n";
  } else if (action == "distance") {
    if (ref.empty()) sampo::throw_invalid_argument(kCmd, "--ref", "", "is required by 'distance'");
    sampo::io::write_npy(out, rm::distances(covs, sampo::io::read_npy_matrix(ref), m));
  } else {
    if (m != rm::Metric::riemann)
      sampo::throw_invalid_argument(kCmd, "--metric", metric, "tangent supports only riemann");
    Eigen::MatrixXd c;
    if (ref.empty()) {
      rm::MeanResult r = rm::mean_riemann(covs, mo);
      run = r.run;
      c = std::move(r.mean);
    } else {
      c = sampo::io::read_npy_matrix(ref);
    }
    sampo::io::write_npy(out, rm::tangent_space(covs, c));
  }
  report["termination"] = std::string(sampo::to_string(run.termination));
  report["run"] = run.brief_report();
  if (!global.json.empty()) sampo::io::write_json(global.json, report);
  outputs.commit();
  return sampo::cli::finish(cmd, run);
}

int covariance(const std::vector<std::string>& args, const sampo::cli::GlobalOptions& global) {
  std::string in, out, estimator = "sample";
  double reg = 0.0;
  int order = 1, lag = 1;
  const std::string cmd = "sampo riemann covariance";
  po::options_description opts("sampo riemann covariance options");
  opts.add_options()("in", po::value(&in)->required(),
                     "n x C x T array of trials, channels x samples (.npy)")(
      "out", po::value(&out)->required(), "output n x C x C (or n x pC x pC with --order) .npy")(
      "estimator", po::value(&estimator)->default_value(estimator),
      "sample (cov), ledoit_wolf (lwf), oas or regularized")(
      "reg", po::value(&reg)->default_value(reg), "lambda added to the diagonal by 'regularized'")(
      "order", sampo::cli::integer(cmd, "--order", &order, 1, 1000),
      "augmented covariance (ACM) order p; 1 = plain covariance")(
      "lag", sampo::cli::integer(cmd, "--lag", &lag, 1, 1'000'000), "ACM lag in samples");
  const auto vm = sampo::cli::parse_command_line(
      "riemann covariance", "--in trials.npy --out covs.npy [options]", opts, args);
  if (!vm) return 0;
  if (order == 1)
    sampo::cli::reject_options(cmd, *vm, {"lag"}, "applies only to augmented covariances (--order >= 2)");
  sampo::cli::check_distinct_outputs(cmd, {{"--out", out}, {"--json", global.json}});
  rm::CovarianceOptions co;
  co.estimator = sampo::cli::parse_choice(kCmd, "--estimator", estimator, rm::estimator_from_string);
  co.regularization = reg;
  if (reg != 0.0 && co.estimator != rm::Estimator::regularized)
    sampo::throw_invalid_argument(kCmd, "--reg", std::to_string(reg),
                                  "applies only to --estimator regularized");
  co.validate();
  const auto trials = sampo::io::read_npy_stack(in);
  const auto covs = order == 1 ? rm::covariances(trials, co)
                               : rm::augmented_covariances(trials, order, lag, co);
  sampo::io::OutputTransaction outputs;
  sampo::io::write_npy(out, covs);
  if (!global.quiet)
    std::cout << "estimated " << covs.size() << " covariances (" << rm::to_string(co.estimator)
              << (order == 1 ? "" : ", ACM order " + std::to_string(order) + " lag " +
                                        std::to_string(lag))
              << ")\n";
  if (!global.json.empty())
    sampo::io::write_json(global.json, {{"action", "covariance"},
                                        {"trials", covs.size()},
                                        {"estimator", rm::to_string(co.estimator)},
                                        {"order", order},
                                        {"lag", lag}});
  outputs.commit();
  return 0;
}

/// The EEG-file options shared by `classify --edf` and `epochs`.
struct EegOptions {
  std::vector<std::string> edf;
  std::string events = "T1,T2", band = "8,35", channels;
  double tmin = 0.5, tmax = 2.5;
  int filter_order = 4;

  void add_to(po::options_description& opts, const std::string& cmd) {
    opts.add_options()("edf", po::value(&edf)->multitoken(),
                       "EEG files (EDF/EDF+/BDF/GDF), one session")(
        "events", po::value(&events)->default_value(events), "annotation labels of the classes")(
        "tmin", po::value(&tmin)->default_value(tmin), "epoch start after the cue (s)")(
        "tmax", po::value(&tmax)->default_value(tmax), "epoch end after the cue (s)")(
        "band", po::value(&band)->default_value(band), "band-pass edges in Hz: low,high")(
        "filter-order", sampo::cli::integer(cmd, "--filter-order", &filter_order, 1, 20),
        "Butterworth order (applied forward and backward)")(
        "channels", po::value(&channels)->default_value(""),
        "comma-separated channel subset (default: all)");
  }
};

/// The epochs of the --edf files (sampo::signal::load_epochs), with the options as typed
/// checked here so that errors name them.
sampo::signal::Epochs load_epochs(const EegOptions& o) {
  sampo::signal::EpochLoadOptions lo;
  lo.events = sampo::cli::split_list(kCmd, "--events", o.events, true);
  const auto edges = number_list<double>(o.band, "--band");
  if (edges.size() != 2) sampo::throw_invalid_argument(kCmd, "--band", o.band, "must be low,high");
  lo.low = edges[0];
  lo.high = edges[1];
  if (!o.channels.empty()) lo.channels = sampo::cli::split_list(kCmd, "--channels", o.channels);
  lo.filter_order = o.filter_order;
  lo.window.tmin = o.tmin;
  lo.window.tmax = o.tmax;
  return sampo::signal::load_epochs(o.edf, lo);
}

int epochs(const std::vector<std::string>& args, const sampo::cli::GlobalOptions& global) {
  EegOptions eeg;
  std::string out, labels_out;
  const std::string cmd = "sampo riemann epochs";
  po::options_description opts("sampo riemann epochs options");
  eeg.add_to(opts, cmd);
  opts.add_options()("out", po::value(&out)->required(), "trials, n x C x T (.npy)")(
      "labels-out", po::value(&labels_out)->required(),
      "labels, n integers: the index of the trial's event in --events (.npy)");
  if (!sampo::cli::parse_command_line("riemann epochs",
                                      "--edf FILES... --out trials.npy --labels-out y.npy [options]",
                                      opts, args))
    return 0;
  if (eeg.edf.empty()) sampo::throw_invalid_argument(kCmd, "--edf", "", "needs at least one file");
  sampo::cli::check_distinct_outputs(
      cmd, {{"--out", out}, {"--labels-out", labels_out}, {"--json", global.json}});
  const sampo::signal::Epochs ep = load_epochs(eeg);
  if (ep.trials.empty())
    sampo::throw_invalid_argument(kCmd, "--tmin/--tmax", "", "leave no epoch inside the recordings");
  sampo::io::OutputTransaction outputs;
  sampo::io::write_npy(out, ep.trials);
  sampo::io::write_npy(labels_out, std::vector<std::int64_t>(ep.labels.begin(), ep.labels.end()));
  if (!global.json.empty())
    sampo::io::write_json(global.json, {{"action", "epochs"},
                                        {"epochs", ep.trials.size()},
                                        {"channels", ep.trials.front().rows()},
                                        {"samples", ep.trials.front().cols()},
                                        {"dropped", ep.dropped}});
  outputs.commit();
  if (!global.quiet)
    std::cout << "wrote " << ep.trials.size() << " epochs of " << ep.trials.front().rows() << " x "
              << ep.trials.front().cols() << " to " << out << "\n";
  return 0;
}

int classify(const std::vector<std::string>& args, const sampo::cli::GlobalOptions& global) {
  std::string train, labels, test, out, pipeline = "mdm";
  EegOptions eeg;
  int order = 1, lag = 1, folds = 5;
  std::size_t grid_stall = rm::GridOptions{}.mean_stall_passes;
  std::uint64_t fold_seed = 42;  // --fold-seed: deprecated spelling of --seed
  bool grid = false;
  std::string grid_orders = "1,2,3,4,5,6,7,8,9,10", grid_lags = grid_orders, grid_c = "0.5,1,1.5",
              grid_kernels = "linear,rbf", step_rule(rm::to_string(rm::MeanOptions{}.step_rule));
  const std::string cmd = "sampo riemann classify";
  po::options_description opts("sampo riemann classify options");
  eeg.add_to(opts, cmd);
  opts.add_options()("pipeline", po::value(&pipeline)->default_value(pipeline),
                     "mdm, fgmdm, ts-lr, ts-svm, acm-ts-svm or acm-mdm")(
      "train", po::value(&train)->default_value(""), "training covariances (n x C x C .npy)")(
      "labels", po::value(&labels)->default_value(""), "training labels (n integers, .npy)")(
      "test", po::value(&test)->default_value(""), "covariances to classify (.npy)")(
      "out", po::value(&out)->default_value(""), "predicted labels (.npy, int64)")(
      "order", sampo::cli::integer(cmd, "--order", &order, 1, 1000), "ACM order")(
      "lag", sampo::cli::integer(cmd, "--lag", &lag, 1, 1'000'000), "ACM lag (samples)")(
      "grid", po::bool_switch(&grid),
      "nested grid search over ACM order x lag (x SVM C x kernel), the paper's grid by default")(
      "grid-orders", po::value(&grid_orders)->default_value(grid_orders), "--grid: ACM orders")(
      "grid-lags", po::value(&grid_lags)->default_value(grid_lags), "--grid: ACM lags")(
      "grid-c", po::value(&grid_c)->default_value(grid_c), "--grid: SVM penalties C")(
      "grid-kernels", po::value(&grid_kernels)->default_value(grid_kernels),
      "--grid: SVM kernels (linear, rbf)")(
      "grid-stall-passes",
      sampo::cli::integer<std::size_t>(cmd, "--grid-stall-passes", &grid_stall, 0, 1'000'000),
      "--grid: stop an inner fold's Riemannian mean after this many passes without ||J|| "
      "halving (0: run to the tolerance or the iteration budget)")(
      "folds", sampo::cli::integer(cmd, "--folds", &folds, 2, 10'000), "cross-validation folds")(
      "step-rule", po::value(&step_rule)->default_value(step_rule),
      "Riemannian means' step: secant or pyriemann (pyRiemann v0.7's rule)")(
      "fold-seed",
      sampo::cli::integer<std::uint64_t>(cmd, "--fold-seed", &fold_seed, 0,
                                         std::numeric_limits<std::uint64_t>::max()),
      "deprecated: use the global --seed, the seed of the stratified fold shuffle (default 42, "
      "MOABB's, for this command)");
  const auto vm = sampo::cli::parse_command_line(
      "riemann classify", "(--train F --labels F --test F --out F | --edf FILES...) [options]",
      opts, args);
  if (!vm) return 0;
  // An option that the chosen mode does not use is an error, never silently ignored.
  const bool acm = pipeline == "acm-ts-svm" || pipeline == "acm-mdm";
  if (eeg.edf.empty()) {
    sampo::cli::reject_options(
        cmd, *vm,
        {"events", "tmin", "tmax", "band", "filter-order", "channels", "grid", "grid-orders",
         "grid-lags", "grid-c", "grid-kernels", "grid-stall-passes", "folds", "fold-seed"},
        "applies only to cross-validation on EEG files (--edf mode), not "
        "to --train mode");
    sampo::cli::reject_options(cmd, *vm, {"order", "lag"},
                               "applies only to ACM pipelines on EEG files (--edf mode): --train "
                               "mode takes covariances already computed (sampo riemann "
                               "covariance --order/--lag)");
    sampo::cli::check_distinct_outputs(cmd, {{"--out", out}, {"--json", global.json}});
  } else {
    sampo::cli::reject_options(cmd, *vm, {"train", "labels", "test", "out"},
                               "applies only to --train mode, not to cross-validation on EEG "
                               "files (--edf)");
    if (!acm)
      sampo::cli::reject_options(cmd, *vm, {"order", "lag", "grid"},
                                 "applies only to the ACM pipelines (acm-ts-svm, acm-mdm)");
    if (grid)
      sampo::cli::reject_options(cmd, *vm, {"order", "lag"},
                                 "is chosen by the grid search with --grid (see --grid-orders, "
                                 "--grid-lags)");
    if (!grid)
      sampo::cli::reject_options(
          cmd, *vm, {"grid-orders", "grid-lags", "grid-c", "grid-kernels", "grid-stall-passes"},
          "applies only with --grid");
    else if (pipeline != "acm-ts-svm")
      sampo::cli::reject_options(cmd, *vm, {"grid-c", "grid-kernels"},
                                 "applies only to the SVM of acm-ts-svm");
  }
  rm::PipelineOptions po_;
  po_.kind = sampo::cli::parse_choice(kCmd, "--pipeline", pipeline, rm::pipeline_from_string);
  po_.order = order;
  po_.lag = lag;
  po_.mean.step_rule =
      sampo::cli::parse_choice(kCmd, "--step-rule", step_rule, rm::mean_step_rule_from_string);
  rm::GridOptions go;
  go.orders = number_list<int>(grid_orders, "--grid-orders");
  go.lags = number_list<int>(grid_lags, "--grid-lags");
  go.cs = number_list<double>(grid_c, "--grid-c");
  go.mean_stall_passes = grid_stall;
  go.kernels.clear();
  for (const std::string& k : sampo::cli::split_list(kCmd, "--grid-kernels", grid_kernels)) {
    try {
      go.kernels.push_back(sampo::learn::kernel_from_string(k));
    } catch (const sampo::invalid_argument&) {
      sampo::throw_invalid_argument(kCmd, "--grid-kernels", grid_kernels,
                                    "lists a kernel that is not linear or rbf");
    }
  }
  if (eeg.edf.empty()) {
    for (const auto& [name, value] :
         {std::pair{"--train", train}, {"--labels", labels}, {"--test", test}, {"--out", out}})
      if (value.empty()) sampo::throw_invalid_argument(kCmd, name, "", "is required without --edf");
    rm::Pipeline p(po_);
    p.fit_covariances(sampo::io::read_npy_stack(train), int_labels("--labels", labels));
    const auto pred = p.predict_covariances(sampo::io::read_npy_stack(test));
    sampo::io::OutputTransaction outputs;
    sampo::io::write_npy(out, std::vector<std::int64_t>(pred.begin(), pred.end()));
    if (!global.json.empty())
      sampo::io::write_json(global.json, {{"pipeline", pipeline}, {"predictions", pred.size()}});
    outputs.commit();
    if (!global.quiet)
      std::cout << "classified " << pred.size() << " matrices with " << pipeline << "\n";
    return 0;
  }
  // One seed option (docs/conventions.md): the global --seed; MOABB's 42 when it is absent.
  // --fold-seed, the former spelling, is still accepted for one release, with a warning.
  if (vm->count("fold-seed") && !(*vm)["fold-seed"].defaulted()) {
    if (global.seed_given && global.seed != fold_seed)
      sampo::throw_invalid_argument(cmd, "--fold-seed", std::to_string(fold_seed),
                                    "contradicts --seed " + std::to_string(global.seed) +
                                        " (--fold-seed is the deprecated spelling of --seed)");
    std::cerr << cmd << ": warning: --fold-seed is deprecated; use the global --seed\n";
  }
  const sampo::signal::Epochs ep = load_epochs(eeg);
  const std::vector<Eigen::MatrixXd>& trials = ep.trials;
  const std::vector<int>& y = ep.labels;
  rm::CrossValidationOptions cv;
  cv.folds = folds;
  cv.seed = global.seed_given ? global.seed : fold_seed;
  const rm::CrossValidationResult r = grid ? rm::grid_search_cross_validate(trials, y, po_, go, cv)
                                           : rm::cross_validate(trials, y, po_, cv);
  if (!global.quiet) {
    std::cout << pipeline << ": " << trials.size() << " trials, " << folds << "-fold " << r.metric
              << " = " << r.mean << " +- " << r.stddev << " (" << r.run.seconds << " s)\n  folds:";
    for (double s : r.fold_scores) std::cout << " " << s;
    std::cout << "\n";
    for (std::size_t f = 0; f < r.chosen.size(); ++f)
      std::cout << "  fold " << f << ": order " << r.chosen[f].order << ", lag " << r.chosen[f].lag
                << (po_.kind == rm::PipelineKind::acm_ts_svm
                        ? ", C " + sampo::format_value(r.chosen[f].svm.c) +
                              std::string(", ").append(sampo::learn::to_string(r.chosen[f].svm.kernel))
                        : std::string())
                << "\n";
  }
  if (!global.json.empty())
    sampo::io::write_json(global.json, {{"pipeline", pipeline},
                                        {"trials", trials.size()},
                                        {"metric", r.metric},
                                        {"mean", r.mean},
                                        {"stddev", r.stddev},
                                        {"fold_scores", r.fold_scores},
                                        {"seconds", r.run.seconds}});
  return 0;
}

}  // namespace

SAMPO_CLI_COMMAND(
    riemann, "SPD means, distances, tangent vectors; EEG classification (MDM, TS+LR/SVM, ACM)") {
  const std::string usage =
      "Usage: sampo riemann <action> [options]   (sampo riemann <action> --help)\n\n"
      "Actions:\n"
      "  covariance covariances (or augmented covariances) of n x C x T trials (.npy)\n"
      "  mean       mean of n x C x C SPD matrices (.npy): riemann, logeuclid or euclid metric\n"
      "  distance   distances of n SPD matrices to a reference (.npy)\n"
      "  tangent    tangent vectors of n SPD matrices at a reference (.npy), pyRiemann's order\n"
      "  epochs     band-passed epochs of EEG files (EDF/BDF/GDF) to .npy, with their labels\n"
      "  classify   cross-validate or train/predict: EEG files (--edf) or covariances (--train)\n"
      "             with mdm, fgmdm, ts-lr, ts-svm, acm-ts-svm, acm-mdm\n";
  return sampo::cli::run_action(kCmd, usage, args, global,
                                {sampo::cli::action({"covariance"}, covariance),
                                 {{"mean", "distance", "tangent"}, geometry},
                                 sampo::cli::action({"epochs"}, epochs),
                                 sampo::cli::action({"classify"}, classify)});
}

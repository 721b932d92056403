// `sampo cav`: automated-vehicle tests in simulation (docs/cav.md). `run` simulates a batch of
// NDE or NADE tests of a scenario, writes their sampo::mc test log (CSV file or NPY directory)
// and prints the crude (NDE) or importance-sampling (NADE) estimate with its relative
// half-width; the batch is split over threads and MPI ranks with the same bits for any count.
// `exact` prints the exact dynamic-programming values of the car-following benchmark.
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "sampo/cav.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/atomic_file.hpp"
#include "sampo/io/json.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/mc/log_io.hpp"
#include "sampo/parallel/mpi.hpp"
#include "sampo/parallel/progress.hpp"

namespace po = boost::program_options;

namespace {
constexpr const char* kCmd = "sampo cav";

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

// Refuses @p value unless it is one of @p names: "'--preset' = x: is not a preset (cautious, ...)".
void check_choice(const std::string& cmd, const char* option, const std::string& value,
                  const std::vector<std::string>& names, const char* what) {
  std::string list;
  for (const auto& n : names) {
    if (n == value) return;
    if (!list.empty()) list.append(", ");
    list.append(n);
  }
  std::string why = "is not ";
  why.append(what).append(" (").append(list).append(")");
  sampo::throw_invalid_argument(cmd, option, value, why);
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

int run(const std::vector<std::string>& args, const sampo::cli::GlobalOptions& global) {
  using namespace sampo::cav;
  const std::string cmd = "sampo cav run";
  std::string scenario = "car-following", env = "nade", preset = "normal", epsilon_text = "0.1",
              out;
  std::vector<std::string> sets, surrogate_sets, logged_sets;
  std::string logged;
  std::size_t tests = 1000;
  bool summary = false;
  po::options_description desc("sampo cav run options");
  desc.add_options()
      ("scenario", po::value(&scenario)->default_value(scenario), "car-following | cut-in | overtaking")
      ("env", po::value(&env)->default_value(env), "nde (naturalistic) | nade (naturalistic and adversarial: importance sampling)")
      ("cav", po::value<std::string>(), "the vehicle under test: cautious | normal | assertive | aggressive (default normal)")
      ("preset", po::value<std::string>(), "the same as --cav")
      ("set", po::value(&sets)->composing(), "key=value: one parameter of the vehicle under test (repeatable; keys in docs/cav.md)")
      ("surrogate-set", po::value(&surrogate_sets)->composing(), "key=value: one parameter of NADE's surrogate (repeatable)")
      ("surrogates", po::value(&logged), "nade: more surrogate models to log at every critical step (value and naturalistic mean), a comma-separated list of nade, cautious, normal, assertive, aggressive (for mc's multi-surrogate estimator; sampling unchanged)")
      ("surrogates-set", po::value(&logged_sets)->composing(), "NAME.key=value: one parameter of the logged surrogate NAME of --surrogates (repeatable)")
      ("tests", sampo::cli::integer<std::size_t>(cmd, "--tests", &tests, 1, 1'000'000'000), "number of tests n")
      ("epsilon", po::value(&epsilon_text)->default_value(epsilon_text), "nade: defensive share of the importance distribution, in (0, 1]")
      ("log", po::value<std::string>(), "write the test log: a name ending in .csv is a CSV file, any other an NPY directory (docs/mc.md)")
      ("out", po::value<std::string>(), "the same as --log")
      ("summary", po::bool_switch(&summary), "also print crashes, critical steps per test, the largest weight, the effective sample size and tests/s");
  const auto vm = sampo::cli::parse_command_line(
      "cav run",
      "--scenario car-following|cut-in|overtaking --env nde|nade [--cav NAME] [--set key=value ...] "
      "[--epsilon E] [--surrogates LIST [--surrogates-set NAME.key=value ...]] --tests N "
      "[--log log.csv|log.npy] [--summary] [--seed S] [--threads T] [--json F]",
      desc, args);
  if (!vm) return 0;
  // --cav / --log are the documented names; --preset / --out, the first ones, stay as synonyms.
  auto synonym = [&](const char* name, const char* other, std::string& target) {
    const bool a = vm->count(name) > 0, b = vm->count(other) > 0;
    if (a && b && (*vm)[name].as<std::string>() != (*vm)[other].as<std::string>())
      sampo::throw_invalid_argument(cmd, std::string("--") + other, (*vm)[other].as<std::string>(),
                                    std::string("contradicts --") + name + " (the same option)");
    if (a) target = (*vm)[name].as<std::string>();
    else if (b) target = (*vm)[other].as<std::string>();
  };
  synonym("cav", "preset", preset);
  synonym("log", "out", out);

  check_choice(cmd, "--scenario", scenario, {"car-following", "cut-in", "overtaking"}, "a scenario");
  check_choice(cmd, "--env", env, {"nde", "nade"}, "an environment");
  check_choice(cmd, "--cav", preset, driver_preset_names(), "a preset");
  TestOptions o;
  o.scenario = sampo::cli::parse_choice(cmd, "--scenario", scenario, scenario_from_string);
  o.environment = sampo::cli::parse_choice(cmd, "--env", env, environment_from_string);
  o.cav = sampo::cli::parse_choice(cmd, "--cav", preset, driver_preset);
  set_parameters(o.cav, sets, "--set");
  for (const auto& s : surrogate_sets) set_surrogate_parameter(o.surrogate, s, "--surrogate-set");
  if (o.environment == Environment::nde)
    sampo::cli::reject_options(cmd, *vm, {"epsilon", "surrogate-set", "surrogates"},
                               "applies only to --env nade");
  if (vm->count("surrogates")) {
    for (const auto& name : sampo::cli::split_list(cmd, "--surrogates", logged, true)) {
      check_choice(cmd, "--surrogates", name, surrogate_preset_names(), "a surrogate preset");
      o.logged_surrogates.push_back({name, surrogate_preset(name)});
    }
  } else {
    sampo::cli::reject_options(cmd, *vm, {"surrogates-set"}, "applies only with --surrogates");
  }
  for (const auto& s : logged_sets) {  // NAME.key=value
    const auto dot = s.find('.');
    const auto eq = s.find('=');
    NamedSurrogate* target = nullptr;
    if (dot != std::string::npos && (eq == std::string::npos || dot < eq))
      for (auto& l : o.logged_surrogates)
        if (l.name == s.substr(0, dot)) target = &l;
    if (!target)
      sampo::throw_invalid_argument(cmd, "--surrogates-set", s,
                                    "expected NAME.key=value with NAME one of --surrogates");
    set_surrogate_parameter(target->parameters, s.substr(dot + 1), "--surrogates-set");
  }
  o.epsilon = sampo::cli::parse_real(cmd, "--epsilon", epsilon_text, 0.0, 1.0);
  if (!(o.epsilon > 0.0))
    sampo::throw_invalid_argument(cmd, "--epsilon", epsilon_text,
                                  "must be in (0, 1]: with 0, q can miss crash paths and the estimate is biased");
  o.seed = global.seed;
  sampo::cli::check_distinct_outputs(cmd, {{"--log", out}, {"--json", global.json}});

  const bool root = sampo::parallel::mpi_rank() == 0;
  sampo::parallel::Progress progress(tests, "cav run",
                                     !global.quiet && sampo::parallel::Progress::terminal_default());
  sampo::parallel::MapReduceOptions par;
  par.threads = global.threads;
  par.block_size = 64;  // fixed: the log does not depend on it, only the scheduling does
  par.progress = &progress;
  sampo::Stopwatch watch;
  const sampo::mc::TestLog log = run_test_log(o, tests, par);
  const double seconds = watch.seconds();
  progress.finish();

  sampo::mc::ImportanceSamplingOptions eo;
  eo.threads = global.threads;
  const sampo::mc::ImportanceSamplingResult e = sampo::mc::importance_sampling(log, eo);
  const char* method = o.environment == Environment::nde ? "crude Monte Carlo" : "importance sampling";
  std::size_t crashes = 0;
  for (std::size_t i = 0; i < log.tests(); ++i) crashes += log.result(i) != 0.0 ? 1 : 0;

  if (root) {  // every rank holds the whole log; rank 0 writes and reports
    sampo::io::OutputTransaction outputs;  // --out and --json: both, or neither
    if (!out.empty()) {
      if (ends_with(out, ".csv"))
        sampo::mc::write_test_log_csv(out, log);
      else
        sampo::mc::write_test_log_npy(out, log);
    }
    if (!global.json.empty()) {
      nlohmann::json j;
      j["command"] = "cav run";
      j["scenario"] = scenario;
      j["env"] = env;
      j["preset"] = preset;
      j["set"] = sets;
      nlohmann::json surrogates = nlohmann::json::array();
      for (const auto& l : o.logged_surrogates) surrogates.push_back(l.name);
      j["surrogates"] = surrogates;
      j["surrogates_set"] = logged_sets;
      j["epsilon"] = o.environment == Environment::nade ? nlohmann::json(o.epsilon) : nlohmann::json();
      j["seed"] = global.seed;
      j["tests"] = log.tests();
      j["crashes"] = crashes;
      j["critical_steps"] = log.steps();
      j["method"] = o.environment == Environment::nde ? "crude" : "is";
      j["estimate"] = e.estimate;
      j["standard_error"] = e.standard_error;
      j["ci"] = {e.ci_lower, e.ci_upper};
      j["confidence"] = e.confidence;
      j["relative_half_width"] = number_or_null(e.relative_half_width);
      j["tests_needed"] = number_or_null(e.precision.tests_needed);
      j["max_weight"] = e.max_weight;
      j["effective_sample_size"] = number_or_null(e.effective_sample_size);
      j["log"] = out;
      j["seconds"] = seconds;
      sampo::io::write_json(global.json, j);
    }
    outputs.commit();
    if (!global.quiet) {
      std::printf("%s, %s, preset %s, %zu tests, seed %llu\n", scenario.c_str(), env.c_str(),
                  preset.c_str(), log.tests(), static_cast<unsigned long long>(global.seed));
      std::printf("  estimate (%s): %.6g, standard error %.3g\n", method, e.estimate,
                  e.standard_error);
      std::printf("  %.0f %% interval:       [%.6g, %.6g]\n", 100 * e.confidence, e.ci_lower,
                  e.ci_upper);
      if (std::isfinite(e.relative_half_width))
        std::printf("  relative half-width:  %.3g\n", e.relative_half_width);
      else
        std::printf("  relative half-width:  undefined (no test crashed)\n");
      if (summary) {
        std::printf("  tests with a crash:   %zu\n", crashes);
        std::printf("  critical steps/test:  %.3f\n",
                    static_cast<double>(log.steps()) / static_cast<double>(log.tests()));
        std::printf("  largest weight:       %.3g\n", e.max_weight);
        std::printf("  effective sample size: %.3g (Kish)\n", e.effective_sample_size);
        std::printf("  simulation:           %.3g s, %.3g tests/s\n", seconds,
                    static_cast<double>(log.tests()) / seconds);
        if (std::isfinite(e.precision.tests_needed))
          std::printf("  tests for RHW %.2g:    about %.3g\n", e.precision.rhw_target,
                      e.precision.tests_needed);
      }
      if (!out.empty())
        std::printf("  wrote %s (%zu tests, %zu critical steps)\n", out.c_str(), log.tests(),
                    log.steps());
    }
  }
  return sampo::cli::kExitOk;
}

int exact(const std::vector<std::string>& args, const sampo::cli::GlobalOptions& global) {
  using namespace sampo::cav;
  const std::string cmd = "sampo cav exact";
  std::string scenario = "car-following", epsilon_text = "0.1";
  std::vector<std::string> sets, surrogate_sets;
  po::options_description desc("sampo cav exact options");
  desc.add_options()
      ("scenario", po::value(&scenario)->default_value(scenario), "car-following (the one scenario with an exact benchmark)")
      ("set", po::value(&sets)->composing(), "key=value: the vehicle under test's a_max, b, s0, T, v0 or a_min (repeatable)")
      ("surrogate-set", po::value(&surrogate_sets)->composing(), "key=value: the surrogate's, same keys (repeatable)")
      ("epsilon", po::value(&epsilon_text)->default_value(epsilon_text), "defensive share of the importance distribution, in [0, 1] (0 shows the bias of a wrong surrogate)");
  const auto vm = sampo::cli::parse_command_line(
      "cav exact", "[--scenario car-following] [--set key=value ...] [--surrogate-set key=value ...] [--epsilon E] [--json F]",
      desc, args);
  if (!vm) return 0;
  if (scenario != "car-following")
    sampo::throw_invalid_argument(cmd, "--scenario", scenario,
                                  "has no exact benchmark (only car-following has one)");
  ExactCarFollowingOptions o;
  for (const auto& s : sets) set_dp_parameter(o.cav, s, "--set");
  for (const auto& s : surrogate_sets) set_dp_parameter(o.surrogate, s, "--surrogate-set");
  o.epsilon = sampo::cli::parse_real(cmd, "--epsilon", epsilon_text, 0.0, 1.0);
  const ExactCarFollowing dp(o);
  const double p = dp.crash_probability();
  const double rel = dp.is_relative_variance();
  // Tests for a 90 % relative half-width of 0.3: n = (1.645 / 0.3)² · relative variance.
  const double z = 1.6448536269514722, target = 0.3;
  const double needed = (z / target) * (z / target) * rel;
  // Exact variances of the control-variate estimators with their optimal fixed coefficients
  // (docs/cav.md, "Exact control variates"): mc's default sparse controls (needs ε > 0) and the
  // surrogate's martingale control (mc's multi-surrogate with the one logged surrogate: weight 1
  // on the simplex, the regression coefficient with free weights).
  const bool sparse_ok = o.epsilon > 0.0;
  ExactControlVariateResult scv;
  if (sparse_ok) scv = dp.control_variates();
  ExactControlVariateOptions so;
  so.sparse = false;
  so.surrogate = true;
  const ExactControlVariateResult sm = dp.control_variates(so);
  const double sm_simplex = sm.variance_at(Eigen::VectorXd::Ones(1));
  const double p2 = p * p;
  if (sampo::parallel::mpi_rank() == 0) {
    if (!global.json.empty()) {
      nlohmann::json j;
      j["command"] = "cav exact";
      j["scenario"] = scenario;
      j["set"] = sets;
      j["surrogate_set"] = surrogate_sets;
      j["epsilon"] = o.epsilon;
      j["crash_probability"] = p;
      j["surrogate_crash_probability"] = dp.surrogate_crash_probability();
      j["is_mean"] = dp.is_mean();
      j["is_second_moment"] = dp.is_second_moment();
      j["is_relative_variance"] = number_or_null(rel);
      j["tests_for_rhw_0.3"] = number_or_null(needed);
      j["is_variance"] = sm.is_variance;
      if (sparse_ok) {
        nlohmann::json c;
        c["controls"] = scv.names;
        c["coefficients"] = std::vector<double>(scv.coefficients.data(), scv.coefficients.data() + scv.coefficients.size());
        c["variance"] = scv.variance;
        c["relative_variance"] = number_or_null(scv.variance / p2);
        c["variance_reduction"] = number_or_null(scv.variance_reduction());
        j["sparse_cv"] = c;
      } else {
        j["sparse_cv"] = nullptr;
      }
      nlohmann::json c;
      c["variance_simplex"] = sm_simplex;
      c["relative_variance_simplex"] = number_or_null(sm_simplex / p2);
      c["coefficient"] = sm.coefficients(0);
      c["variance_free"] = sm.variance;
      c["relative_variance_free"] = number_or_null(sm.variance / p2);
      c["variance_reduction_free"] = number_or_null(sm.variance_reduction());
      j["surrogate_cv"] = c;
      j["seconds"] = dp.run().seconds;
      sampo::io::write_json(global.json, j);
    }
    if (!global.quiet) {
      std::printf("exact car-following benchmark (%d steps), epsilon %g\n", o.steps, o.epsilon);
      std::printf("  P(crash), vehicle under test:   %.15g\n", p);
      std::printf("  P(crash), surrogate:            %.15g\n", dp.surrogate_crash_probability());
      std::printf("  NADE-IS mean E_q[Y]:            %.15g%s\n", dp.is_mean(),
                  dp.is_mean() < p * (1 - 1e-12) ? "  (biased: q misses crash paths)" : "");
      std::printf("  NADE-IS second moment E_q[Y^2]: %.15g\n", dp.is_second_moment());
      if (std::isfinite(rel)) {
        std::printf("  relative variance Var/P^2:      %.6g\n", rel);
        std::printf("  tests for a 90 %% RHW of 0.3:    %.4g\n", needed);
      }
      std::printf("exact variances with control variates at their optimal fixed coefficients\n");
      if (sparse_ok)
        std::printf("  sparse CV (mc scv, %zu controls): relative variance %.6g, %.4g x fewer tests than NADE-IS\n",
                    scv.names.size(), scv.variance / p2, scv.variance_reduction());
      else
        std::printf("  sparse CV (mc scv):              needs epsilon > 0 (w_j - 1 has a nonzero mean)\n");
      // A variance below 1e-10·E[Y²] is the rounding of a difference of moments of that size:
      // printed as 0 (the surrogate = the vehicle under test: Y − H = P on every path).
      const double noise = 1e-10 * dp.is_second_moment();
      std::printf("  surrogate CV, weight 1 (mc multi-surrogate, simplex): relative variance %.6g\n",
                  std::abs(sm_simplex) <= noise ? 0.0 : sm_simplex / p2);
      if (sm.variance <= noise)
        std::printf("  surrogate CV, free weight %.6g (mc multi-surrogate --weights free): relative variance 0 (to rounding)\n",
                    sm.coefficients(0));
      else
        std::printf("  surrogate CV, free weight %.6g (mc multi-surrogate --weights free): relative variance %.6g, %.4g x fewer tests\n",
                    sm.coefficients(0), sm.variance / p2, sm.variance_reduction());
    }
  }
  return sampo::cli::kExitOk;
}

}  // namespace

SAMPO_CLI_COMMAND(cav, "automated-vehicle tests: NDE/NADE batches writing mc test logs, exact benchmark") {
  const std::string usage =
      "Usage: sampo cav <action> [options]   (sampo cav <action> --help)\n\n"
      "Actions:\n"
      "  run     simulate N tests of a scenario (car-following, cut-in, overtaking) under NDE or\n"
      "          NADE, write their test log (CSV or NPY, docs/mc.md) and print the estimate\n"
      "  exact   the exact car-following benchmark by dynamic programming: P(crash) of the\n"
      "          vehicle under test and the surrogate, the NADE-IS mean and second moment, and\n"
      "          the exact variances of the control-variate estimators\n";
  return sampo::cli::run_action(
      kCmd, usage, args, global,
      {sampo::cli::action({"run"}, run), sampo::cli::action({"exact"}, exact)});
}

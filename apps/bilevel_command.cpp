// `sampo bilevel run|compare`: one solver on one benchmark problem (report, trace CSV, JSON),
// or several solvers over seeds with step sizes picked from a grid (table, curves, PNG plots)
// (sampo::bilevel; docs/bilevel.md).
#include <boost/program_options.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "figures.hpp"
#include "registry.hpp"
#include "sampo/bilevel.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/json.hpp"
#include "sampo/io/table.hpp"
#include "sampo/parallel/map_reduce.hpp"

namespace po = boost::program_options;
namespace bl = sampo::bilevel;

namespace {
constexpr const char* kCmd = "sampo bilevel";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Options shared by run and compare.
struct ProblemArgs {
  std::string problem;
  std::string data;
  bl::BenchmarkOptions options;
  std::size_t iters = 1000;
  std::size_t budget = 0;  ///< --budget: oracle calls per run (0: none)
  long batch = 0;
  std::size_t trace_every = 10;
};

void add_problem_options(po::options_description& desc, ProblemArgs& a) {
  desc.add_options()
      ("problem", po::value(&a.problem)->required(),
       "quadratic, quadratic-stochastic, ridge-hpo, hyperclean-ls, cosh, degenerate or hyperclean-digits")
      ("dim", sampo::cli::integer<long>("bilevel", "--dim", &a.options.dim, 1, 100000),
       "dimension (quadratic, cosh: d_x = d_y; ridge-hpo, hyperclean-ls: features)")
      ("samples", sampo::cli::integer<long>("bilevel", "--samples", &a.options.samples, 2, 10000000),
       "rows per level of the finite-sum problems")
      ("epsilon", po::value(&a.options.epsilon)->default_value(a.options.epsilon),
       "degenerate: lower-level curvature along y2 (0: not strongly convex)")
      ("corrupt", po::value(&a.options.corrupted_fraction)->default_value(a.options.corrupted_fraction),
       "hyperclean-ls, hyperclean-digits: fraction of corrupted training labels")
      ("data", po::value(&a.data)->default_value(""),
       "hyperclean-digits: the digits CSV (default: data/digits/digits.csv as sampo validate finds it)")
      ("iters", sampo::cli::integer<std::size_t>("bilevel", "--iters", &a.iters, 1, 100000000),
       "outer iterations (with --budget and no --iters: no iteration limit)")
      ("budget", sampo::cli::integer<std::size_t>("bilevel", "--budget", &a.budget, 0, 1000000000000),
       "stop each run once it has made this many oracle calls, so that solvers compare at the same "
       "oracle budget (0: no budget)")
      ("batch", sampo::cli::integer<long>("bilevel", "--batch", &a.batch, 0, 100000000),
       "samples per stochastic oracle call (0: full sums)")
      ("trace-every", sampo::cli::integer<std::size_t>("bilevel", "--trace-every", &a.trace_every, 1, 100000000),
       "trace (and, for hyperclean-digits, test accuracy) every this many iterations");
}

bl::Benchmark make_problem(ProblemArgs& a, std::uint64_t seed) {
  a.options.seed = seed;
  if (a.problem == "hyperclean-digits") {
    a.options.data = a.data.empty() ? sampo::validation::find_data("digits/digits.csv")
                                    : std::filesystem::path(a.data);
    if (a.options.data.empty())
      sampo::throw_invalid_argument(kCmd, "--data", "", "the digits file was not found: " +
                                                            sampo::validation::data_hint("digits"));
  }
  return sampo::cli::parse_choice(kCmd, "--problem", a.problem,
                                  [&](const std::string& n) { return bl::make_benchmark(n, a.options); });
}

/// The figure of merit of a trace point, and its name: Φ − Φ* where Φ* is known, else ‖∇Φ‖,
/// else (hyperclean-digits) the test error recorded by the callback.
/// Where Φ is known but Φ* is not (ridge-hpo, hyperclean-ls: nonconvex), compare reports
/// Φ(x) − (the smallest Φ any run reached), as the benchopt benchmark does; the gradient norm
/// would reward the saturated weights of hyper-cleaning (σ'(λ) → 0), not a low Φ.
struct Metric {
  std::string name;
  bool log = true;
  bool subtract_best = false;  ///< run_one records Φ(x); compare subtracts the best
};

Metric metric_of(const bl::Benchmark& b) {
  if (b.hyperclean) return {"test error", false};
  if (b.problem->optimal_value()) return {"Phi(x) - Phi*", true};
  if (b.problem->value(b.x0)) return {"Phi(x) - best Phi", true, true};
  return {"|grad Phi(x)|", true};
}

/// One run: the solver's result plus, per trace point, the metric.
struct RunRecord {
  bl::BilevelResult result;
  std::vector<double> metric;   ///< one per trace point
  bl::HypercleanScores scores;  ///< hyperclean-digits: at the end
};

RunRecord run_one(const bl::Benchmark& b, const std::string& solver, bl::SolverOptions common,
                  const std::vector<std::string>& settings) {
  RunRecord rec;
  std::vector<double> accuracy;  // hyperclean-digits: test accuracy at each trace point
  if (b.hyperclean) {
    const auto every = common.trace_every;
    common.callback = [&, every](const bl::IterationInfo& info) {
      if (every > 0 && info.iteration % every == 0)
        accuracy.push_back(bl::score_hyperclean(*b.hyperclean, info.x, info.y).test_accuracy);
      return true;
    };
  }
  const double phi_star = b.problem->optimal_value().value_or(kNaN);
  const double acc0 = b.hyperclean ? bl::score_hyperclean(*b.hyperclean, b.x0, b.y0).test_accuracy : kNaN;
  rec.result = bl::solve(*b.problem, b.x0, b.y0, solver, common, settings);
  if (b.hyperclean) rec.scores = bl::score_hyperclean(*b.hyperclean, rec.result.x, rec.result.y);
  std::size_t k = 0;
  for (const auto& p : rec.result.trace) {
    double m = kNaN;
    if (b.hyperclean) {
      if (p.iteration == 0) m = 1.0 - acc0;
      else if (p.iteration == rec.result.run.iterations) m = 1.0 - rec.scores.test_accuracy;
      else if (k < accuracy.size()) m = 1.0 - accuracy[k++];
    } else if (std::isfinite(phi_star)) {
      m = p.value - phi_star;
    } else if (std::isfinite(p.value)) {
      m = p.value;
    } else {
      m = p.gradient_norm;
    }
    rec.metric.push_back(m);
  }
  return rec;
}

nlohmann::json result_json(const bl::BilevelResult& r) {
  nlohmann::json counts;
  for (std::size_t k = 0; k < bl::kOracleCount; ++k) {
    const auto o = static_cast<bl::Oracle>(k);
    counts[std::string(bl::to_string(o))] = {{"calls", r.oracle_counts.calls_of(o)},
                                             {"samples", r.oracle_counts.samples_of(o)}};
  }
  return {{"solver", r.solver},
          {"termination", std::string(sampo::to_string(r.run.termination))},
          {"message", r.run.message},
          {"iterations", r.run.iterations},
          {"oracle_calls", r.run.evaluations},
          {"seconds", r.run.seconds},
          {"oracle_counts", counts},
          {"curvature", {{"checked", r.curvature.checked},
                         {"strongly_convex", r.curvature.strongly_convex},
                         {"min_ritz", r.curvature.min_ritz},
                         {"max_ritz", r.curvature.max_ritz}}},
          {"x", std::vector<double>(r.x.data(), r.x.data() + r.x.size())}};
}

std::vector<std::string> trace_header() {
  return {"iteration", "oracle_calls", "oracle_samples", "seconds", "value", "gradient_norm",
          "inner_distance", "metric"};
}

int run(const std::vector<std::string>& args, const sampo::cli::GlobalOptions& global) {
  ProblemArgs a;
  std::string solver, trace;
  std::vector<std::string> settings;
  po::options_description desc("sampo bilevel run options");
  add_problem_options(desc, a);
  desc.add_options()
      ("solver", po::value(&solver)->required(), "borep, aid-cg, itd, stocbio, ttsa, soba, ma-soba or f2sa")
      ("set", po::value(&settings)->composing(), "KEY=VALUE: a field of the solver's options (repeatable; docs/bilevel.md)")
      ("trace", po::value(&trace)->default_value(""), "write the trace (CSV)");
  const auto vm = sampo::cli::parse_command_line(
      "bilevel run",
      "--problem P --solver S [--iters N] [--batch B] [--set key=value ...] [--trace F.csv] [--json F]",
      desc, args);
  if (!vm) return sampo::cli::kExitOk;
  if (a.budget > 0 && (*vm)["iters"].defaulted()) a.iters = 100000000;  // the budget decides
  sampo::cli::check_distinct_outputs(kCmd, {{"--trace", trace}, {"--json", global.json}});
  const bl::Benchmark b = make_problem(a, global.seed);
  bl::SolverOptions common;
  common.max_iterations = a.iters;
  common.max_oracle_calls = a.budget;
  common.batch_size = static_cast<Eigen::Index>(a.batch);
  common.seed = global.seed;
  common.trace_every = a.trace_every;
  const auto keys = sampo::cli::parse_choice(kCmd, "--solver", solver,
                                             [](const std::string& s) { return bl::solver_settings(s); });
  for (const std::string& kv : settings) {
    const std::string key = kv.substr(0, kv.find('='));
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::string known;
      for (const auto& k : keys) known += (known.empty() ? "" : ", ") + k;
      sampo::throw_invalid_argument(kCmd, "--set", kv, "is not a setting of " + solver + "; its settings: " + known);
    }
  }
  const RunRecord rec = run_one(b, solver, common, settings);
  const bl::BilevelResult& r = rec.result;
  if (!global.quiet) {
    std::cout << "problem " << b.name << " (d_x = " << b.problem->dim_x() << ", d_y = "
              << b.problem->dim_y() << "), solver " << r.solver << "\n"
              << sampo::to_string(r.run.termination) << ": " << r.run.message << "\n"
              << "oracle calls: " << r.run.evaluations << " (" << r.oracle_counts.brief() << ")\n"
              << "seconds: " << sampo::io::format_number(r.run.seconds, 3) << "\n";
    if (!r.trace.empty() && r.trace.back().iteration == r.run.iterations) {  // at the answer
      const auto& p = r.trace.back();
      if (std::isfinite(p.value)) std::cout << "Phi(x) = " << sampo::io::format_number(p.value, 10) << "\n";
      if (auto s = b.problem->optimal_value(); s && std::isfinite(p.value))
        std::cout << "Phi(x) - Phi* = " << sampo::io::format_number(p.value - *s, 4) << "\n";
      if (std::isfinite(p.gradient_norm)) std::cout << "|grad Phi(x)| = " << sampo::io::format_number(p.gradient_norm, 4) << "\n";
      if (std::isfinite(p.inner_distance)) std::cout << "|y - y*(x)| = " << sampo::io::format_number(p.inner_distance, 4) << "\n";
    }
    if (r.curvature.checked)
      std::cout << "lower-level curvature: Lanczos Ritz values in ["
                << sampo::io::format_number(r.curvature.min_ritz, 4) << ", "
                << sampo::io::format_number(r.curvature.max_ritz, 4) << "]"
                << (r.curvature.strongly_convex ? "" : " (NOT strongly convex)") << "\n";
    if (b.hyperclean) {
      std::cout << "test accuracy " << sampo::io::format_number(rec.scores.test_accuracy, 4)
                << " (trained on the corrupted labels: "
                << sampo::io::format_number(bl::reference_accuracy(*b.hyperclean, false), 4)
                << ", on the clean labels: "
                << sampo::io::format_number(bl::reference_accuracy(*b.hyperclean, true), 4) << ")\n"
                << "corrupted samples found: precision " << sampo::io::format_number(rec.scores.precision, 3)
                << ", recall " << sampo::io::format_number(rec.scores.recall, 3) << " ("
                << rec.scores.flagged << " flagged)\n";
    }
  }
  if (!trace.empty()) {
    Eigen::MatrixXd rows(static_cast<Eigen::Index>(r.trace.size()), 8);
    for (std::size_t i = 0; i < r.trace.size(); ++i) {
      const auto& p = r.trace[i];
      rows.row(static_cast<Eigen::Index>(i)) << double(p.iteration), double(p.oracle_calls),
          double(p.oracle_samples), p.seconds, p.value, p.gradient_norm, p.inner_distance, rec.metric[i];
    }
    sampo::io::write_csv(trace, rows, trace_header());
  }
  if (!global.json.empty()) {
    nlohmann::json j = result_json(r);
    j["command"] = "bilevel run";
    j["problem"] = b.name;
    j["seed"] = global.seed;
    if (b.hyperclean) {
      j["test_accuracy"] = rec.scores.test_accuracy;
      j["precision"] = rec.scores.precision;
      j["recall"] = rec.scores.recall;
    }
    sampo::io::write_json(global.json, j);
  }
  // A run that used its iteration or oracle budget is the normal end of a fixed-budget method
  // (exit 0); a failure, a stop or a lower level that is not strongly convex exits 3 with the
  // reason.
  if (r.run.termination == sampo::Termination::max_iterations ||
      r.run.termination == sampo::Termination::max_evaluations)
    return sampo::cli::kExitOk;
  return sampo::cli::finish(kCmd, r.run);
}

/// q-quantile of @p v (linear interpolation between order statistics; NaNs dropped).
double quantile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const double pos = q * double(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

/// A grid point's settings for @p solver: the inner step also sets the step of the linear
/// system's iterate (BO-REP's aux_step, the Neumann step of stocBiO and TTSA), as benchopt's
/// solvers share one inner step size between the lower level and the linear system.
std::vector<std::string> tied_settings(const std::string& solver, std::vector<std::string> point) {
  if (point.size() < 2) return point;
  const std::string inner = point[1].substr(point[1].find('=') + 1);
  if (solver == "borep") point.push_back("aux_step=" + inner);
  if (solver == "stocbio" || solver == "ttsa") point.push_back("neumann_step=" + inner);
  return point;
}

/// The step-size grid of compare (benchopt style: outer × inner steps).
const std::vector<double>& grid_values() {
  static const std::vector<double> g{1e-3, 1e-2, 1e-1, 1.0};
  return g;
}

int compare(const std::vector<std::string>& args, const sampo::cli::GlobalOptions& global) {
  ProblemArgs a;
  std::string solvers_list = "borep,aid-cg,itd,stocbio,ttsa,soba,ma-soba,f2sa", plots, csv;
  std::size_t seeds = 10, grid_seeds = 0;
  bool no_grid = false;
  po::options_description desc("sampo bilevel compare options");
  add_problem_options(desc, a);
  desc.add_options()
      ("solvers", po::value(&solvers_list)->default_value(solvers_list), "comma-separated solver names")
      ("seeds", sampo::cli::integer<std::size_t>("bilevel", "--seeds", &seeds, 1, 1000),
       "runs per solver (seeds --seed, --seed + 1, ...)")
      ("grid-seeds", sampo::cli::integer<std::size_t>("bilevel", "--grid-seeds", &grid_seeds, 0, 1000),
       "choose each solver's grid point on the first K seeds only, then run the others there (0: all seeds)")
      ("no-grid", po::bool_switch(&no_grid), "use each solver's default step sizes instead of the grid")
      ("csv", po::value(&csv)->default_value(""), "write the median curves (CSV)")
      ("plots", po::value(&plots)->default_value(""), "write PNG plots (metric against oracle calls and time) to DIR");
  const auto vm = sampo::cli::parse_command_line(
      "bilevel compare",
      "--problem P [--solvers a,b,c] [--seeds 10] [--iters N] [--batch B] [--no-grid] [--csv F] [--plots DIR] [--json F]",
      desc, args);
  if (!vm) return sampo::cli::kExitOk;
  if (a.budget > 0 && (*vm)["iters"].defaulted()) a.iters = 100000000;  // the budget decides
  sampo::cli::check_distinct_outputs(kCmd, {{"--csv", csv}, {"--json", global.json}});
  const std::vector<std::string> solvers = sampo::cli::split_list(kCmd, "--solvers", solvers_list, true);
  for (const auto& s : solvers)
    sampo::cli::parse_choice(kCmd, "--solvers", s, [](const std::string& n) { return bl::solver_settings(n); });
  if (!plots.empty()) sampo::cli::prepare_plot_dir("sampo bilevel compare --plots", plots);

  // One problem instance (seed --seed); the runs differ by their solver seed.
  const bl::Benchmark b = make_problem(a, global.seed);
  const Metric metric = metric_of(b);
  std::vector<std::vector<std::string>> grid;  // settings per grid point
  if (no_grid) {
    grid.push_back({});
  } else {
    for (double outer : grid_values())
      for (double inner : grid_values()) {
        std::ostringstream o, i;
        o << "outer_step=" << outer;
        i << "inner_step=" << inner;
        grid.push_back({o.str(), i.str()});
      }
  }
  // Phase 1: every (solver, grid point, seed < K) run, K = --grid-seeds (all seeds by default),
  // in a fixed order, in parallel over that index; the grid point of each solver is the one
  // with the best median final metric (a point where any seed failed is out: a median would
  // hide divergence). Phase 2: the remaining seeds at the chosen point.
  const std::size_t k_grid = grid_seeds == 0 ? seeds : std::min(grid_seeds, seeds);
  sampo::parallel::MapReduceOptions po_;
  po_.threads = global.threads;
  auto run_at = [&](std::size_t s, const std::vector<std::string>& point, std::size_t r) {
    bl::SolverOptions common;
    common.max_iterations = a.iters;
    common.max_oracle_calls = a.budget;
    common.batch_size = static_cast<Eigen::Index>(a.batch);
    common.seed = global.seed + r;
    common.trace_every = a.trace_every;
    common.check_curvature = false;  // a comparison of methods, not of problems
    return run_one(b, solvers[s], common, tied_settings(solvers[s], point));
  };
  const std::size_t per_solver = grid.size() * k_grid;
  std::vector<RunRecord> records(solvers.size() * per_solver);
  sampo::parallel::parallel_for(records.size(), [&](std::size_t k) {
    records[k] = run_at(k / per_solver, grid[(k % per_solver) / k_grid], k % k_grid);
  }, po_);
  std::vector<std::size_t> best_point(solvers.size(), 0);
  std::vector<bool> all_failed(solvers.size(), true);
  for (std::size_t s = 0; s < solvers.size(); ++s) {
    double best_value = std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < grid.size(); ++g) {
      std::vector<double> finals;
      for (std::size_t r = 0; r < k_grid; ++r) {
        const auto& rec = records[s * per_solver + g * k_grid + r];
        const bool failed = rec.result.run.termination == sampo::Termination::numerical_failure;
        finals.push_back(failed || rec.metric.empty() ? kNaN : rec.metric.back());
      }
      const bool any_failed = std::any_of(finals.begin(), finals.end(), [](double v) { return !std::isfinite(v); });
      const double med = any_failed ? kNaN : quantile(finals, 0.5);
      if (std::isfinite(med) && med < best_value) {
        best_value = med;
        best_point[s] = g;
        all_failed[s] = false;
      }
    }
  }
  std::vector<std::vector<RunRecord>> chosen(solvers.size());
  for (std::size_t s = 0; s < solvers.size(); ++s)
    for (std::size_t r = 0; r < k_grid; ++r)
      chosen[s].push_back(std::move(records[s * per_solver + best_point[s] * k_grid + r]));
  if (k_grid < seeds) {
    const std::size_t rest = seeds - k_grid;
    std::vector<RunRecord> more(solvers.size() * rest);
    sampo::parallel::parallel_for(more.size(), [&](std::size_t k) {
      more[k] = run_at(k / rest, grid[best_point[k / rest]], k_grid + k % rest);
    }, po_);
    for (std::size_t k = 0; k < more.size(); ++k) chosen[k / rest].push_back(std::move(more[k]));
  }
  if (metric.subtract_best) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& runs : chosen)
      for (const auto& rec : runs)
        for (double m : rec.metric)
          if (std::isfinite(m)) best = std::min(best, m);
    // The best run's final point would be exactly 0 (off a log axis): 1e-12 relative below it.
    best -= 1e-12 * std::max(1.0, std::abs(best));
    for (auto& runs : chosen)
      for (auto& rec : runs)
        for (double& m : rec.metric) m -= best;
  }
  nlohmann::json j;
  j["command"] = "bilevel compare";
  j["problem"] = b.name;
  j["metric"] = metric.name;
  j["seeds"] = seeds;
  j["grid_seeds"] = k_grid;
  j["solvers"] = nlohmann::json::array();
  sampo::validation::Figure by_calls{b.name + ": " + metric.name + " (median, 20-80% band, " +
                                         std::to_string(seeds) + " seeds)",
                                     "oracle calls", metric.name, true, metric.log, {}, true};
  sampo::validation::Figure by_time = by_calls;
  by_time.xlabel = "seconds";
  std::vector<std::vector<std::string>> rows;
  using sampo::io::Align;
  sampo::io::Table table({{"solver"}, {"settings"}, {"final " + metric.name + " (median)", Align::right},
                          {"20%", Align::right}, {"80%", Align::right}, {"oracle calls", Align::right},
                          {"seconds", Align::right}});
  for (std::size_t s = 0; s < solvers.size(); ++s) {
    const std::size_t best = best_point[s];
    const std::vector<RunRecord>& runs = chosen[s];
    const std::size_t points = runs.front().metric.size();
    sampo::validation::Series sc{solvers[s], {}, {}, {}, {}}, st = sc;
    std::vector<double> finals, calls_end, secs_end;
    for (std::size_t i = 0; i < points; ++i) {
      std::vector<double> m, c, t;
      for (const auto& rec : runs) {
        if (i >= rec.metric.size()) continue;
        m.push_back(rec.metric[i]);
        c.push_back(double(rec.result.trace[i].oracle_calls));
        t.push_back(rec.result.trace[i].seconds);
      }
      const double med = quantile(m, 0.5), lo = quantile(m, 0.2), hi = quantile(m, 0.8);
      const double mc = quantile(c, 0.5), mt = quantile(t, 0.5);
      for (auto* series : {&sc, &st}) {
        series->y.push_back(med);
        series->lo.push_back(lo);
        series->hi.push_back(hi);
      }
      sc.x.push_back(mc);
      st.x.push_back(mt);
      auto num = [](double v) { return sampo::io::format_number(v, 17); };
      rows.push_back({solvers[s], std::to_string(runs.front().result.trace[i].iteration), num(mc),
                      num(mt), num(med), num(lo), num(hi)});
    }
    for (const auto& rec : runs) {
      finals.push_back(rec.metric.empty() ? kNaN : rec.metric.back());
      calls_end.push_back(double(rec.result.run.evaluations));
      secs_end.push_back(rec.result.run.seconds);
    }
    std::string point_text;
    for (const auto& kv : tied_settings(solvers[s], grid[best]))
      point_text += (point_text.empty() ? "" : " ") + kv;
    if (all_failed[s] && !no_grid) point_text = "(every grid point failed)";
    table.add_row({solvers[s], point_text.empty() ? "defaults" : point_text,
                   sampo::io::format_number(quantile(finals, 0.5), 4), sampo::io::format_number(quantile(finals, 0.2), 4),
                   sampo::io::format_number(quantile(finals, 0.8), 4), sampo::io::format_number(quantile(calls_end, 0.5), 6),
                   sampo::io::format_number(quantile(secs_end, 0.5), 3)});
    j["solvers"].push_back({{"solver", solvers[s]},
                            {"settings", tied_settings(solvers[s], grid[best])},
                            {"final_median", quantile(finals, 0.5)},
                            {"final_q20", quantile(finals, 0.2)},
                            {"final_q80", quantile(finals, 0.8)},
                            {"oracle_calls_median", quantile(calls_end, 0.5)},
                            {"seconds_median", quantile(secs_end, 0.5)},
                            {"curve_oracle_calls", sc.x},
                            {"curve_seconds", st.x},
                            {"curve_median", sc.y},
                            {"curve_q20", sc.lo},
                            {"curve_q80", sc.hi}});
    by_calls.series.push_back(std::move(sc));
    by_time.series.push_back(std::move(st));
  }
  if (!global.quiet) {
    std::cout << "problem " << b.name << " (d_x = " << b.problem->dim_x() << ", d_y = "
              << b.problem->dim_y() << "), "
              << (a.budget > 0 ? std::to_string(a.budget) + " oracle calls per run"
                               : std::to_string(a.iters) + " iterations")
              << ", batch " << a.batch
              << ", " << seeds << " seeds per solver"
              << (no_grid ? "" : ", steps from the grid {1e-3, 1e-2, 0.1, 1}^2 (best median)") << "\n";
    table.print(std::cout);
    if (b.hyperclean)
      std::cout << "reference test error: trained on corrupted labels "
                << sampo::io::format_number(1.0 - bl::reference_accuracy(*b.hyperclean, false), 4)
                << ", on clean labels "
                << sampo::io::format_number(1.0 - bl::reference_accuracy(*b.hyperclean, true), 4) << "\n";
  }
  if (!csv.empty())
    sampo::io::write_csv_rows(csv, {"solver", "iteration", "oracle_calls_median", "seconds_median",
                                    "metric_median", "metric_q20", "metric_q80"}, rows);
  if (!plots.empty()) {
    sampo::cli::FigureWriter writer("sampo bilevel compare", plots);
    by_calls.logx = true;
    writer.write(b.name + "_calls", by_calls);
    by_time.logx = true;
    writer.write(b.name + "_time", by_time);
    writer.finish();
    if (!global.quiet) std::cout << "figures: " << writer.made() << " PNG files in " << plots << "\n";
  }
  if (!global.json.empty()) sampo::io::write_json(global.json, j);
  return sampo::cli::kExitOk;
}

}  // namespace

SAMPO_CLI_COMMAND(bilevel, "bilevel optimization: BO-REP and baselines on benchmark problems") {
  const std::string usage =
      "Usage: sampo bilevel <action> [options]   (sampo bilevel <action> --help)\n\n"
      "Actions:\n"
      "  run       one solver on one problem: report, --trace CSV, --json\n"
      "  compare   several solvers over seeds, step sizes from a grid: table, --csv curves,\n"
      "            --plots DIR (metric against oracle calls and against time)\n";
  return sampo::cli::run_action(kCmd, usage, args, global,
                                {sampo::cli::action({"run"}, run), sampo::cli::action({"compare"}, compare)});
}

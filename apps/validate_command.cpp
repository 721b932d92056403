// `sampo validate`: runs the registered validation cases (validation/), prints the report
// table, writes JSON / CSV / figures on request, and exits 1 if any case failed.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "command.hpp"
#include "figures.hpp"
#include "registry.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/core/version.hpp"
#include "sampo/linalg/kernels.hpp"
#include "sampo/io/atomic_file.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/json.hpp"
#include "sampo/io/table.hpp"
#include "sampo/parallel/map_reduce.hpp"
#include "sampo/parallel/mpi.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using sampo::validation::Case;
using sampo::validation::Outcome;

namespace {

struct Row {
  const Case* c;
  Outcome outcome;
  double seconds = 0.0;
};

const char* verdict(const Outcome& o) {
  return o.skipped ? "SKIP" : o.informational ? "INFO" : o.pass ? "PASS" : "FAIL";
}

struct Counts {
  int passed = 0, failed = 0, skipped = 0, informational = 0;
  void add(const Outcome& o) {
    (o.skipped ? skipped : o.informational ? informational : o.pass ? passed : failed)++;
  }
};

std::string file_stem(const Case& c) {
  std::string s = c.module + "_" + c.name;
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') ch = '_';
  return s;
}

/// Writes every case's figures into @p dir (FigureWriter); returns the number of PNG files.
int write_figures(const std::vector<Row>& rows, const fs::path& dir) {
  sampo::cli::FigureWriter writer("sampo validate", dir);
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < row.outcome.figures.size(); ++k) {
      std::string stem = file_stem(*row.c);
      if (k > 0) stem.append("_").append(std::to_string(k));
      writer.write(stem, row.outcome.figures[k]);
    }
  }
  writer.finish();
  return writer.made();
}

nlohmann::json to_json(const std::vector<Row>& rows, const Counts& n) {
  nlohmann::json j;
  j["sampo_version"] = sampo::version();
  j["kernels"] = sampo::linalg::to_string(sampo::linalg::kernel_set());
  j["cases"] = nlohmann::json::array();
  for (const auto& r : rows) {
    const Outcome& o = r.outcome;
    j["cases"].push_back({{"module", r.c->module},
                          {"name", r.c->name},
                          {"reference", o.reference},
                          {"value", o.value},
                          {"error", o.error},
                          {"tolerance", o.tolerance},
                          {"pass", o.pass},
                          {"skipped", o.skipped},
                          {"informational", o.informational},
                          {"seconds", r.seconds},
                          {"note", o.note},
                          {"measured", o.measured}});
  }
  j["passed"] = n.passed;
  j["failed"] = n.failed;
  j["skipped"] = n.skipped;
  j["informational"] = n.informational;
  return j;
}

}  // namespace

SAMPO_CLI_COMMAND(validate, "run every validation case against closed forms and certified data") {
  std::string module, substring, csv, plots;
  bool list = false, verbose = false;
  po::options_description opts("sampo validate options");
  opts.add_options()
      ("module", po::value(&module)->default_value(""), "run only this module's cases (e.g. linalg)")
      ("case", po::value(&substring)->default_value(""), "run only cases whose name contains this text")
      ("csv", po::value(&csv)->default_value(""), "also write the report as CSV to this file")
      ("plots", po::value(&plots)->default_value(""),
       "write the cases' figures to this directory (PNG via gnuplot, plus data and scripts)")
      ("list", po::bool_switch(&list), "list the selected cases and exit")
      ("verbose,v", po::bool_switch(&verbose), "print every case's note, not only failures'");
  if (!sampo::cli::parse_command_line("validate", "[--module M] [--case TEXT] [--json F] [--csv F] [--plots DIR]",
                                      opts, args))
    return 0;

  sampo::cli::check_distinct_outputs("sampo validate", {{"--json", global.json}, {"--csv", csv}});
  const std::vector<Case> all = sampo::validation::cases();
  std::set<std::string> modules, seen;
  for (const auto& c : all) {
    modules.insert(c.module);
    if (!seen.insert(c.module + "/" + c.name).second)
      throw sampo::invalid_argument("sampo validate: case '" + c.module + "/" + c.name +
                                    "' is registered twice");
  }
  if (!module.empty() && !modules.count(module)) {
    std::string known;
    for (const auto& m : modules) known += (known.empty() ? "" : ", ") + m;
    sampo::throw_invalid_argument("sampo validate", "--module", module,
                                  "has no validation cases (modules: " + known + ")");
  }
  std::vector<Row> rows;
  for (const auto& c : all)
    if ((module.empty() || c.module == module) &&
        (substring.empty() || c.name.find(substring) != std::string::npos))
      rows.push_back({&c, {}, 0.0});
  if (rows.empty())
    sampo::throw_invalid_argument("sampo validate", "--case", substring, "matches no case");
  if (list) {
    for (const auto& r : rows) std::cout << r.c->module << "/" << r.c->name << "\n";
    return 0;
  }
  const bool report = !global.quiet && sampo::parallel::mpi_rank() == 0;
  // Output places are checked before the cases run, not after minutes of work.
  if (!plots.empty() && sampo::parallel::mpi_rank() == 0) sampo::cli::prepare_plot_dir("sampo validate --plots", plots);

  // Independent cases run concurrently, one case per block handed out dynamically (cases
  // take from milliseconds to seconds); each measures its own time, and a case that throws
  // is a failed row, not an error of the run.
  sampo::parallel::MapReduceOptions one_case_per_block;
  one_case_per_block.block_size = 1;
  sampo::parallel::parallel_for(
      rows.size(),
      [&](std::size_t i) {
        sampo::Stopwatch watch;
        try {
          rows[i].outcome = rows[i].c->run();
        } catch (const std::exception& e) {
          rows[i].outcome =
              sampo::validation::bound(std::nan(""), 0.0, std::string("threw: ") + e.what());
        }
        rows[i].seconds = watch.seconds();
      },
      one_case_per_block);

  Counts n;
  sampo::io::Table table({{"module", sampo::io::Align::left},
                          {"case", sampo::io::Align::left},
                          {"reference", sampo::io::Align::right},
                          {"value", sampo::io::Align::right},
                          {"error", sampo::io::Align::right},
                          {"tolerance", sampo::io::Align::right},
                          {"result", sampo::io::Align::left},
                          {"seconds", sampo::io::Align::right},
                          {"measured", sampo::io::Align::left}});
  for (const auto& r : rows) {
    const Outcome& o = r.outcome;
    n.add(o);
    auto num = [&](double x) { return o.skipped ? std::string("-") : sampo::io::format_number(x, 6); };
    table.add_row({r.c->module, r.c->name, num(o.reference), num(o.value), num(o.error),
                   num(o.tolerance), verdict(o), sampo::io::format_number(r.seconds, 2),
                   o.measured});
  }
  if (report) {
    table.print(std::cout);
    // Cases skipped for a missing data set are summarised once per data set below.
    std::map<std::string, std::pair<int, std::string>> missing;  // data set -> (cases, file)
    for (const auto& r : rows) {
      if (!r.outcome.missing_dataset.empty()) {
        auto& m = missing[r.outcome.missing_dataset];
        if (m.first++ == 0) m.second = r.outcome.note;
        continue;
      }
      if (verbose || !r.outcome.pass || r.outcome.informational)
        std::cout << verdict(r.outcome) << " " << r.c->module << "/" << r.c->name << ": "
                  << r.outcome.note << "\n";
    }
    if (!missing.empty()) {
      std::string roots;
      for (const auto& root : sampo::validation::data_roots())
        roots += (roots.empty() ? "" : ", ") + root.string();
      for (const auto& [dataset, m] : missing)
        std::cout << "SKIP " << m.first << " case" << (m.first == 1 ? "" : "s") << ": data set "
                  << dataset << " not found (looked in " << roots << "); "
                  << sampo::validation::data_hint(dataset) << "\n";
    }
    std::cout << "validation: " << n.passed << " passed, " << n.failed << " failed, " << n.skipped
              << " skipped, " << n.informational << " informational\n";
  }
  if (sampo::parallel::mpi_rank() == 0) {
    sampo::io::OutputTransaction outputs;  // --json and --csv: both, or neither
    if (!global.json.empty()) sampo::io::write_json(global.json, to_json(rows, n));
    if (!csv.empty()) {
      std::vector<std::vector<std::string>> table_rows;
      for (const auto& r : rows) {
        const Outcome& o = r.outcome;
        table_rows.push_back({r.c->module, r.c->name, sampo::format_value(o.reference),
                              sampo::format_value(o.value), sampo::format_value(o.error),
                              sampo::format_value(o.tolerance), o.pass ? "1" : "0",
                              o.skipped ? "1" : "0", o.informational ? "1" : "0",
                              sampo::format_value(r.seconds), o.note, o.measured});
      }
      sampo::io::write_csv_rows(csv,
                                {"module", "case", "reference", "value", "error", "tolerance",
                                 "pass", "skipped", "informational", "seconds", "note",
                                 "measured"},
                                table_rows);
    }
    outputs.commit();
    if (!plots.empty()) {
      const int made = write_figures(rows, plots);
      if (report) std::cout << "figures: " << made << " PNG files in " << plots << "\n";
    }
  }
  return n.failed == 0 ? 0 : 1;
}

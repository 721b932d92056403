// `sampo validate`: runs the registered validation cases (validation/), prints the report
// table, writes JSON / CSV / figures on request, and exits 1 if any case failed.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
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

/// Runs `gnuplot SCRIPT` in directory @p dir with no shell in between (no user text is ever
/// interpreted by one), its output discarded. Returns gnuplot's exit status, or -1 when it
/// could not be started (not installed: ENOENT).
int run_gnuplot(const fs::path& dir, const std::string& script) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string prog = "gnuplot", arg = script;
  char* argv[] = {prog.data(), arg.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// A gnuplot double-quoted string holding @p text literally.
std::string gnuplot_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') c = ' ';
    out += c;
  }
  return out + "\"";
}

/// Creates the --plots directory and checks that sampo can write there, before any case runs.
void prepare_plot_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) sampo::throw_io_error("sampo validate --plots", dir.string(), "cannot create the directory: " + ec.message());
  if (!fs::is_directory(dir, ec))
    sampo::throw_io_error("sampo validate --plots", dir.string(), "is not a directory");
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    sampo::throw_io_error("sampo validate --plots", dir.string(),
                          std::string("cannot write in the directory: ") + std::strerror(errno));
}

/// Writes each figure as a data file plus a gnuplot script (file names relative to @p dir, so
/// that no path is written into a script), and runs gnuplot there when installed. Returns the
/// number of PNG files made.
int write_figures(const std::vector<Row>& rows, const fs::path& dir) {
  bool have_gnuplot = true;
  int made = 0;
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < row.outcome.figures.size(); ++k) {
      const auto& fig = row.outcome.figures[k];
      std::string stem = file_stem(*row.c);
      if (k > 0) stem.append("_").append(std::to_string(k));
      // file_stem() keeps only [A-Za-z0-9._-]: the names need no quoting in the script.
      const std::string data = stem + ".dat", script = stem + ".gp", png = stem + ".png";
      sampo::io::write_file_atomic(dir / data, [&](std::ostream& out) {
        out.precision(17);
        for (const auto& s : fig.series) {
          out << "# " << s.label << "\n";
          for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            out << s.x[i] << " " << s.y[i] << "\n";
          out << "\n\n";
        }
      });
      sampo::io::write_file_atomic(dir / script, [&](std::ostream& out) {
        out << "set terminal pngcairo size 900,600 noenhanced\nset output '" << png << "'\n"
            << "set title " << gnuplot_string(fig.title) << "\nset xlabel "
            << gnuplot_string(fig.xlabel) << "\nset ylabel " << gnuplot_string(fig.ylabel)
            << "\nset key outside right\nset grid\n"
            << (fig.logx ? "set logscale x\n" : "") << (fig.logy ? "set logscale y\n" : "")
            << "plot ";
        for (std::size_t i = 0; i < fig.series.size(); ++i)
          out << (i ? ", " : "") << "'" << data << "' index " << i
              << " with linespoints title " << gnuplot_string(fig.series[i].label);
        out << "\n";
      });
      if (!have_gnuplot) continue;
      const int rc = run_gnuplot(dir, script);
      if (rc < 0) have_gnuplot = false;
      if (rc == 0 && fs::exists(dir / png)) ++made;
    }
  }
  if (!have_gnuplot)
    std::cerr << "sampo validate: gnuplot not found: wrote data and gnuplot scripts to "
              << dir.string() << " (install gnuplot-nox for PNG figures)\n";
  return made;
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
  if (!plots.empty() && sampo::parallel::mpi_rank() == 0) prepare_plot_dir(plots);

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

// The `sampo` program: global flags, then a subcommand (apps/<name>_command.cpp).
// Every exception becomes one clear line on stderr and exit status 1 (2 for usage errors).
#include <omp.h>

#include <limits>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/version.hpp"
#include "sampo/linalg/kernels.hpp"
#include "sampo/parallel/mpi.hpp"

namespace {

void print_help(std::ostream& out) {
  out << "sampo " << sampo::version()
      << " - evaluation and sampling: adaptive splines, Monte Carlo, sketching, SPD geometry,\n"
         "bilevel optimization\n\n"
         "Usage: sampo [global options] <command> [command options]\n"
         "       sampo <command> --help\n\n"
         "Commands:\n";
  for (const auto& c : sampo::cli::commands()) {
    out << "  " << c.name;
    for (std::size_t i = c.name.size(); i < 12; ++i) out << ' ';
    out << c.summary << "\n";
  }
  const sampo::cli::GlobalOptions defaults;
  out << "\nGlobal options (accepted anywhere on the line):\n"
         "  --threads N   OpenMP threads, 1.."
      << sampo::cli::max_threads()
      << " (4x the cores; default: OMP_NUM_THREADS or all cores)\n"
         "  --seed S      master seed of every random stream of the command (default: "
      << defaults.seed
      << ",\n"
         "                or the command's own where its --help says so)\n"
         "  --json FILE   also write the result as JSON (written atomically)\n"
         "  --quiet       no progress bar or report on the terminal\n"
         "  --version     print the version and exit\n"
         "  -h, --help    this help\n"
         "\nExit status: 0 success; 1 an error while running (file, computation); 2 a usage error\n"
         "(bad option or value); 3 finished without convergence (result written, reason on stderr).\n";
}

}  // namespace

namespace sampo::cli {

/// The whole program: global flags, then the subcommand; returns the exit status. A function
/// of its own so that fuzz/cli_fuzz.cpp can call it with argument vectors of its making
/// (built with SAMPO_CLI_NO_MAIN there).
int run_main(int argc, char** argv) {
  try {
    // Boost.Program_options never finishes formatting an error about an argument that holds
    // one of its own message placeholders (it replaces "%value%" by a value containing
    // "%value%", forever; found by fuzz/cli_fuzz.cpp): such an argument is refused here.
    for (int i = 1; i < argc; ++i)
      for (const char* token :
           {"%option%", "%original_token%", "%value%", "%prefix%", "%canonical_option%"})
        if (std::string_view(argv[i]).find(token) != std::string_view::npos)
          sampo::throw_invalid_argument("sampo", std::string("#").append(std::to_string(i)), argv[i],
                                        std::string("contains '") + token +
                                            "', which the option parser cannot report");
    sampo::parallel::MpiSession mpi;
    sampo::cli::GlobalOptions global;
    std::string command;
    std::vector<std::string> rest;
    bool help = false;
    for (int i = 1; i < argc; ++i) {
      std::string_view a = argv[i];
      std::string_view value;
      std::string_view flag = a;
      if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string_view::npos) {
        flag = a.substr(0, eq);
        value = a.substr(eq + 1);
      }
      auto take = [&]() -> std::string_view {
        if (!value.empty() || flag != a) return value;
        if (i + 1 >= argc) sampo::throw_invalid_argument("sampo", flag, "", "needs a value");
        return argv[++i];
      };
      if (flag == "--threads") {
        global.threads = sampo::cli::parse_integer<int>("sampo", "--threads", std::string(take()), 1,
                                                        sampo::cli::max_threads());
      } else if (flag == "--seed") {
        global.seed = sampo::cli::parse_integer<std::uint64_t>(
            "sampo", "--seed", std::string(take()), 0, std::numeric_limits<std::uint64_t>::max());
        global.seed_given = true;
      } else if (flag == "--json") {
        global.json = std::string(take());
        if (global.json.empty()) sampo::throw_invalid_argument("sampo", "--json", "", "needs a file name");
      } else if (a == "--quiet" || a == "-q") {
        global.quiet = true;
      } else if (command.empty() && a == "--version") {
        std::cout << "sampo " << sampo::version() << " (dense kernels: "
                  << sampo::linalg::to_string(sampo::linalg::kernel_set()) << ")\n";
        return 0;
      } else if (command.empty() && (a == "--help" || a == "-h")) {
        help = true;
      } else if (command.empty() && !a.empty() && a[0] != '-') {
        command = std::string(a);
      } else if (command.empty()) {
        std::cerr << "sampo: unknown global option '" << a << "' (see sampo --help)\n";
        return 2;
      } else {
        rest.emplace_back(a);
      }
    }
    if (command.empty()) {
      print_help(help ? std::cout : std::cerr);
      return help ? 0 : 2;
    }
    if (help) rest.insert(rest.begin(), "--help");
    if (global.threads > 0) omp_set_num_threads(global.threads);
    for (const auto& c : sampo::cli::commands())
      if (c.name == command) return c.run(rest, global);
    std::cerr << "sampo: unknown command '" << command << "' (see sampo --help)\n";
    return 2;
  } catch (const sampo::invalid_argument& e) {
    std::cerr << "sampo: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sampo: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace sampo::cli

#ifndef SAMPO_CLI_NO_MAIN
int main(int argc, char** argv) { return sampo::cli::run_main(argc, argv); }
#endif

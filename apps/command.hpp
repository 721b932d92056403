#pragma once
/// @file
/// The `sampo` program's subcommands. Each module adds one file, apps/<module>_command.cpp,
/// that registers its subcommand with SAMPO_CLI_COMMAND; main() dispatches on the name.
///
/// A subcommand parses its own arguments with Boost.Program_options (so `sampo NAME --help`
/// lists every option with its default), throws sampo::invalid_argument / sampo::io_error on
/// bad input (main prints one line and exits 2), and returns its exit code:
///   0 success; 1 an error while running (unreadable file, failed computation); 2 a usage error
///   (bad option or value); 3 finished without convergence (the result was written and the
///   reason printed on stderr).

#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::cli {

/// Exit statuses of every subcommand (see `sampo --help`).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotConverged = 3;

/// The most OpenMP threads `--threads` accepts: 4x the cores. More only adds scheduling cost,
/// and the OpenMP runtime aborts (without a message sampo could catch) when it cannot create
/// thousands of threads.
int max_threads();

/// Parses a whole decimal integer in [lo, hi] for option @p option of @p command: a sign where
/// T is unsigned, trailing text, overflow or a value out of range is a sampo::invalid_argument
/// naming the option and the text as typed (Boost reads "-1" into an unsigned as 2^64 - 1).
template <class T>
T parse_integer(const std::string& command, const std::string& option, const std::string& text,
                T lo, T hi);
/// A finite floating-point value in [lo, hi] (NaN and infinities refused), same contract.
double parse_real(const std::string& command, const std::string& option, const std::string& text,
                  double lo, double hi);

/// A Boost.Program_options value for an integer option in [lo, hi], parsed by parse_integer()
/// into @p target (which holds the default, shown by --help):
///   ("check", sampo::cli::integer("knots", "--check", &check, 0, 100'000'000), "...")
template <class T>
boost::program_options::typed_value<std::string>* integer(const std::string& command,
                                                          const std::string& option, T* target,
                                                          T lo, T hi) {
  return boost::program_options::value<std::string>()
      ->default_value(std::to_string(*target))
      ->notifier([=](const std::string& text) {
        *target = parse_integer<T>(command, option, text, lo, hi);
      });
}

/// Refuses two outputs of one command on the same file (after resolving `.`, `..` and links):
/// @p outputs are (option, path) pairs; empty paths are ignored.
void check_distinct_outputs(const std::string& command,
                            std::initializer_list<std::pair<const char*, std::string>> outputs);

/// The entries of a comma-separated list ("a,b,c"; empty entries dropped). Throws
/// sampo::invalid_argument naming @p option when the list is empty, or, with @p distinct, when
/// an entry appears twice.
std::vector<std::string> split_list(const std::string& command, const std::string& option,
                                    const std::string& text, bool distinct = false);

/// Refuses options that do not apply to the chosen mode: each of @p options given explicitly on
/// the command line (not defaulted) is a sampo::invalid_argument saying "@p why" (e.g. "applies
/// only to --edf mode (cross-validation on EEG files)").
void reject_options(const std::string& command, const boost::program_options::variables_map& vm,
                    std::initializer_list<const char*> options, const std::string& why);

/// The exit status for a finished run: kExitOk when it converged; otherwise prints
/// "<command>: warning: finished without convergence: <termination> (<message>)" on stderr
/// (even with --quiet: a result that did not converge must not pass unnoticed) and returns
/// kExitNotConverged.
int finish(const std::string& command, const sampo::Run& run);

/// Flags every subcommand accepts (parsed by main, anywhere on the line).
struct GlobalOptions {
  int threads = 0;                 ///< --threads N: OpenMP threads (0: OMP_NUM_THREADS / all cores)
  /// --seed S: the master seed of every random stream of the command (the only seed option:
  /// docs/conventions.md). When absent, `seed` holds the default and `seed_given` is false: a
  /// command whose reference protocol fixes its own seed (riemann classify: MOABB's 42) uses
  /// that one instead, and says so in its --help.
  std::uint64_t seed = 20261127;
  bool seed_given = false;  ///< --seed was on the command line
  std::string json;                ///< --json FILE: also write the result as JSON (atomically)
  bool quiet = false;              ///< --quiet: no progress or report on stdout/stderr
};

struct Command {
  std::string name;     ///< e.g. "validate", "knots"
  std::string summary;  ///< one line for `sampo --help`
  /// args: everything after the subcommand name, global flags removed.
  std::function<int(const std::vector<std::string>& args, const GlobalOptions& global)> run;
};

void register_command(Command c);

/// One action of a command that has actions (`sampo riemann mean ...`): the names that select
/// it and what runs it (with the name given and the arguments after it).
struct Action {
  std::vector<std::string> names;
  std::function<int(const std::string& name, const std::vector<std::string>& rest,
                    const GlobalOptions& global)>
      run;
};

/// An action whose function does not need its name: action({"estimate"}, estimate).
inline Action action(std::vector<std::string> names,
                     int (*fn)(const std::vector<std::string>&, const GlobalOptions&)) {
  return {std::move(names), [fn](const std::string&, const std::vector<std::string>& rest,
                                 const GlobalOptions& global) { return fn(rest, global); }};
}

/// Runs the action named by args[0]. Without one, prints @p usage on stderr and returns
/// kExitUsage; for --help or -h prints it on stdout and returns kExitOk. An unknown name throws
/// sampo::invalid_argument "<command>: argument 'action' = NAME: is not A, B or C" (a usage
/// error), the names in the order given.
int run_action(const std::string& command, const std::string& usage,
               const std::vector<std::string>& args, const GlobalOptions& global,
               const std::vector<Action>& actions);
const std::vector<Command>& commands();

/// Parses a subcommand's arguments. Prints "Usage: sampo <command> <usage>" and every option
/// with its default, and returns nullopt, when --help is given; turns Boost's parse errors
/// (unknown option, missing or malformed value) into sampo::invalid_argument naming the option.
/// A `--help` option is added to @p options here.
std::optional<boost::program_options::variables_map> parse_command_line(
    const std::string& command, const std::string& usage,
    boost::program_options::options_description& options, const std::vector<std::string>& args,
    const boost::program_options::positional_options_description* positional = nullptr);

/// Rethrows a sampo::invalid_argument from @p parse (a library's `*_from_string`) as one naming
/// the command-line @p option, so that `--estimator mle` is reported as '--estimator' = mle and
/// not as the library function's parameter.
template <class Parse>
auto parse_choice(const std::string& command, const std::string& option, const std::string& value,
                  Parse parse) {
  try {
    return parse(value);
  } catch (const sampo::invalid_argument& e) {
    const std::string what = e.what();  // "...: argument 'name' = value: <reason>"
    const auto reason = what.rfind(": ");
    sampo::throw_invalid_argument(command, option, value,
                                  reason == std::string::npos ? what : what.substr(reason + 2));
  }
}

namespace detail {
struct CommandRegistrar {
  explicit CommandRegistrar(Command c) { register_command(std::move(c)); }
};
}  // namespace detail

}  // namespace sampo::cli

/// Registers a subcommand: SAMPO_CLI_COMMAND(knots, "adaptive spline of f(x) to a tolerance")
/// followed by the body of `int run(const std::vector<std::string>& args,
/// const sampo::cli::GlobalOptions& global)`.
#define SAMPO_CLI_COMMAND(id, summary)                                                     \
  static int sampo_cli_##id(const std::vector<std::string>& args,                          \
                            const ::sampo::cli::GlobalOptions& global);                    \
  static const ::sampo::cli::detail::CommandRegistrar sampo_cli_reg_##id(                  \
      ::sampo::cli::Command{#id, summary, &sampo_cli_##id});                               \
  static int sampo_cli_##id(const std::vector<std::string>& args,                          \
                            const ::sampo::cli::GlobalOptions& global)

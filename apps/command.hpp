#pragma once
/// @file
/// The `sampo` program's subcommands. Each module adds one file, apps/<module>_command.cpp,
/// that registers its subcommand with SAMPO_CLI_COMMAND; main() dispatches on the name.
///
/// A subcommand parses its own arguments with Boost.Program_options (so `sampo NAME --help`
/// lists every option with its default), throws sampo::invalid_argument / sampo::io_error on
/// bad input (main prints one line and exits 1), and returns its exit code.

#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sampo/core/error.hpp"

namespace sampo::cli {

/// Flags every subcommand accepts (parsed by main, anywhere on the line).
struct GlobalOptions {
  int threads = 0;                 ///< --threads N: OpenMP threads (0: OMP_NUM_THREADS / all cores)
  std::uint64_t seed = 20261127;   ///< --seed S: master seed of every random stream
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

#include "command.hpp"

#include <algorithm>
#include <iostream>

#include "sampo/core/error.hpp"

namespace sampo::cli {
namespace {
std::vector<Command>& storage() {
  static std::vector<Command> all;
  return all;
}
}  // namespace

void register_command(Command c) {
  auto& all = storage();
  all.push_back(std::move(c));
  std::sort(all.begin(), all.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
}

const std::vector<Command>& commands() { return storage(); }

std::optional<boost::program_options::variables_map> parse_command_line(
    const std::string& command, const std::string& usage,
    boost::program_options::options_description& options, const std::vector<std::string>& args,
    const boost::program_options::positional_options_description* positional) {
  namespace po = boost::program_options;
  options.add_options()("help,h", "print this help and exit");
  po::variables_map vm;
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "Usage: sampo " << command << " " << usage << "\n\n" << options << "\n"
                << "Global options (--threads, --seed, --json, --quiet): see sampo --help\n";
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw sampo::invalid_argument("sampo " + command + ": " + e.what() + " (see sampo " + command +
                                  " --help)");
  }
  return vm;
}

}  // namespace sampo::cli

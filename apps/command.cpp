#include "command.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>

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

int max_threads() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min(4u * cores, 4096u));
}

template <class T>
T parse_integer(const std::string& command, const std::string& option, const std::string& text,
                T lo, T hi) {
  std::string range("[");  // by append: GCC 12 warns falsely (-Wrestrict) on "[" + s
  range.append(std::to_string(lo)).append(", ").append(std::to_string(hi)).append("]");
  // from_chars takes no leading '+' or blanks; a '-' for an unsigned type is refused here, not
  // wrapped around.
  const bool negative = !text.empty() && text[0] == '-';
  if (negative && std::is_unsigned_v<T>)
    sampo::throw_invalid_argument(command, option, text, "must be an integer in " + range);
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size())
    sampo::throw_invalid_argument(command, option, text,
                                  "is not an integer (expected a value in " + range + ")");
  if (ec == std::errc::result_out_of_range || value < lo || value > hi)
    sampo::throw_invalid_argument(command, option, text, "is out of range " + range);
  return value;
}

template int parse_integer<int>(const std::string&, const std::string&, const std::string&, int, int);
template unsigned parse_integer<unsigned>(const std::string&, const std::string&, const std::string&,
                                          unsigned, unsigned);
template long parse_integer<long>(const std::string&, const std::string&, const std::string&, long,
                                  long);
template unsigned long parse_integer<unsigned long>(const std::string&, const std::string&,
                                                    const std::string&, unsigned long,
                                                    unsigned long);

double parse_real(const std::string& command, const std::string& option, const std::string& text,
                  double lo, double hi) {
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    sampo::throw_invalid_argument(command, option, text, "is not a finite number");
  if (value < lo || value > hi)
    sampo::throw_invalid_argument(command, option, text,
                                  "is out of range [" + sampo::format_value(lo) + ", " +
                                      sampo::format_value(hi) + "]");
  return value;
}

void check_distinct_outputs(const std::string& command,
                            std::initializer_list<std::pair<const char*, std::string>> outputs) {
  namespace fs = std::filesystem;
  std::vector<std::pair<const char*, fs::path>> seen;
  for (const auto& [option, path] : outputs) {
    if (path.empty()) continue;
    std::error_code ec;
    fs::path key = fs::weakly_canonical(fs::absolute(path), ec);
    if (ec) key = fs::absolute(path).lexically_normal();
    for (const auto& [other, other_key] : seen)
      if (other_key == key)
        sampo::throw_invalid_argument(command, option, path,
                                      std::string("is also the file of ") + other +
                                          ": each output needs its own file");
    seen.emplace_back(option, key);
  }
}

std::vector<std::string> split_list(const std::string& command, const std::string& option,
                                    const std::string& text, bool distinct) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  if (out.empty()) sampo::throw_invalid_argument(command, option, text, "is empty");
  if (distinct) {
    std::set<std::string> seen;
    for (const auto& item : out)
      if (!seen.insert(item).second) {
        std::string what = "lists '";
        what.append(item).append("' twice");
        sampo::throw_invalid_argument(command, option, text, what);
      }
  }
  return out;
}

void reject_options(const std::string& command, const boost::program_options::variables_map& vm,
                    std::initializer_list<const char*> options, const std::string& why) {
  for (const char* name : options) {
    const auto it = vm.find(name);
    if (it == vm.end() || it->second.defaulted()) continue;
    std::string value;
    if (const auto* s = boost::any_cast<std::string>(&it->second.value())) value = *s;
    else if (const auto* b = boost::any_cast<bool>(&it->second.value())) value = *b ? "on" : "off";
    else if (const auto* v = boost::any_cast<std::vector<std::string>>(&it->second.value()))
      for (const auto& x : *v) value += (value.empty() ? "" : " ") + x;
    sampo::throw_invalid_argument(command, std::string("--") + name, value, why);
  }
}

int run_action(const std::string& command, const std::string& usage,
               const std::vector<std::string>& args, const GlobalOptions& global,
               const std::vector<Action>& actions) {
  if (args.empty()) {
    std::cerr << usage;
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return kExitOk;
  }
  const std::string& name = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  std::vector<std::string> all;
  for (const Action& a : actions)
    for (const std::string& n : a.names) {
      if (n == name) return a.run(name, rest, global);
      all.push_back(n);
    }
  std::string list;
  for (std::size_t i = 0; i < all.size(); ++i)
    list.append(i == 0 ? "" : i + 1 == all.size() ? " or " : ", ").append(all[i]);
  std::string what("is not ");
  what.append(list);
  sampo::throw_invalid_argument(command, "action", name, what);
}

int finish(const std::string& command, const sampo::Run& run) {
  if (run.converged()) return kExitOk;
  std::cerr << command << ": warning: finished without convergence: "
            << sampo::to_string(run.termination)
            << (run.message.empty() ? std::string() : " (" + run.message + ")") << "\n";
  return kExitNotConverged;
}

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

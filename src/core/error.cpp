#include "sampo/core/error.hpp"

#include <charconv>
#include <cmath>

namespace sampo {

std::string format_value(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "?";
  return std::string(buf, end);
}

std::string argument_message(std::string_view function, std::string_view argument,
                             std::string_view value, std::string_view what) {
  std::string m;
  m.reserve(function.size() + argument.size() + value.size() + what.size() + 24);
  m.append(function).append(": argument '").append(argument).append("'");
  if (!value.empty()) m.append(" = ").append(value);
  if (!what.empty()) m.append(": ").append(what);
  return m;
}

void throw_invalid_argument(std::string_view function, std::string_view argument,
                            std::string_view value, std::string_view what) {
  throw invalid_argument(argument_message(function, argument, value, what));
}

void throw_io_error(std::string_view function, std::string_view path, std::string_view what) {
  std::string m(function);
  m.append(": '").append(path).append("': ").append(what);
  throw io_error(m);
}

void throw_numerical_error(std::string_view function, std::string_view what) {
  std::string m(function);
  m.append(": ").append(what);
  throw numerical_error(m);
}

}  // namespace sampo

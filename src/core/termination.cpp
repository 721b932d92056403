#include "sampo/core/termination.hpp"

#include <array>
#include <cstdio>
#include <utility>

#include "sampo/core/error.hpp"

namespace sampo {
namespace {
constexpr std::array<std::pair<Termination, std::string_view>, 6> kNames{{
    {Termination::converged, "converged"},
    {Termination::max_iterations, "max_iterations"},
    {Termination::max_evaluations, "max_evaluations"},
    {Termination::numerical_failure, "numerical_failure"},
    {Termination::user_stopped, "user_stopped"},
    {Termination::discontinuity_suspected, "discontinuity_suspected"},
}};
}  // namespace

std::string_view to_string(Termination t) noexcept {
  for (const auto& [value, name] : kNames)
    if (value == t) return name;
  return "unknown";
}

Termination termination_from_string(std::string_view name) {
  for (const auto& [value, n] : kNames)
    if (n == name) return value;
  throw_invalid_argument("sampo::termination_from_string", "name", name,
                         "is not a termination (converged, max_iterations, max_evaluations, "
                         "numerical_failure, user_stopped, discontinuity_suspected)");
}

std::string Run::brief_report() const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s after %zu iterations, %zu evaluations, %.3g s",
                std::string(to_string(termination)).c_str(), iterations, evaluations, seconds);
  std::string s(buf);
  if (!message.empty()) s.append(": ").append(message);
  return s;
}

}  // namespace sampo

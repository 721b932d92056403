#include "sampo/riemann/metric.hpp"

#include "sampo/core/error.hpp"

namespace sampo::riemann {

std::string_view to_string(Metric m) noexcept {
  switch (m) {
    case Metric::riemann:
      return "riemann";
    case Metric::log_euclid:
      return "logeuclid";
    case Metric::euclid:
      return "euclid";
  }
  return "unknown";
}

Metric metric_from_string(std::string_view name) {
  if (name == "riemann") return Metric::riemann;
  if (name == "logeuclid" || name == "log_euclid") return Metric::log_euclid;
  if (name == "euclid") return Metric::euclid;
  throw_invalid_argument("sampo::riemann::metric_from_string", "name", name,
                         "is not a metric (riemann, logeuclid, euclid)");
}

}  // namespace sampo::riemann

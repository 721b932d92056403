#include "sampo/knots/scale.hpp"

#include <cmath>
#include <string>

#include "sampo/core/error.hpp"

namespace sampo::knots {

std::string_view to_string(Scale scale) noexcept {
  switch (scale) {
    case Scale::linear: return "linear";
    case Scale::log: return "log";
    case Scale::asinh: return "asinh";
  }
  return "unknown";
}

Scale scale_from_string(std::string_view name) {
  for (Scale s : {Scale::linear, Scale::log, Scale::asinh})
    if (to_string(s) == name) return s;
  throw_invalid_argument("sampo::knots::scale_from_string", "scale", name,
                         "is not a scale (linear, log, asinh)");
}

double to_scaled(Scale scale, double x) noexcept {
  switch (scale) {
    case Scale::linear: return x;
    case Scale::log: return std::log(x);
    case Scale::asinh: return std::asinh(x);
  }
  return x;
}

double from_scaled(Scale scale, double t) noexcept {
  switch (scale) {
    case Scale::linear: return t;
    case Scale::log: return std::exp(t);
    case Scale::asinh: return std::sinh(t);
  }
  return t;
}

double jacobian(Scale scale, double t) noexcept {
  switch (scale) {
    case Scale::linear: return 1.0;
    case Scale::log: return std::exp(t);
    case Scale::asinh: return std::cosh(t);
  }
  return 1.0;
}

}  // namespace sampo::knots

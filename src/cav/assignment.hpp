#pragma once
// Internal: parsing "key=value" assignments for the cav parameter setters.
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "sampo/cav/driver.hpp"
#include "sampo/core/error.hpp"

namespace sampo::cav {

namespace detail {

/// One "key=value" assignment given to a cav parameter setter. Every error names the setter,
/// the option and the whole assignment.
class Setting {
 public:
  Setting(std::string_view function, std::string_view option, std::string_view assignment)
      : function_(function), option_(option), assignment_(assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string_view::npos || eq == 0)
      throw_invalid_argument(function, option, assignment, "expected key=value");
    key_ = assignment.substr(0, eq);
    value_ = assignment.substr(eq + 1);
  }

  std::string_view key() const noexcept { return key_; }

  /// The value as a finite number within [lo, hi] ((lo, hi] when lo_open).
  double operator()(double lo, double hi, bool lo_open) const {
    double x = 0.0;
    const char* first = value_.data();
    const char* last = value_.data() + value_.size();
    if (!value_.empty() && *first == '+') ++first;
    const auto [end, ec] = std::from_chars(first, last, x);
    if (value_.empty() || ec != std::errc() || end != last || !std::isfinite(x))
      throw_invalid_argument(function_, option_, assignment_, "the value is not a finite number");
    if (x < lo || x > hi || (lo_open && x == lo)) {
      std::string what("the value must be in ");
      what.append(lo_open ? "(" : "[").append(format_value(lo)).append(", ");
      what.append(format_value(hi)).append("]");
      throw_invalid_argument(function_, option_, assignment_, what);
    }
    return x;
  }

  /// The value as a switch: 1 or true, 0 or false.
  bool flag() const {
    if (value_ == "1" || value_ == "true") return true;
    if (value_ == "0" || value_ == "false") return false;
    throw_invalid_argument(function_, option_, assignment_, "the value must be 0, 1, true or false");
  }

  /// Refuses the key, listing the setter's keys.
  [[noreturn]] void unknown_key(const std::vector<std::string>& keys) const {
    std::string what("unknown key; known keys: ");
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i) what.append(", ");
      what.append(keys[i]);
    }
    throw_invalid_argument(function_, option_, assignment_, what);
  }

 private:
  std::string_view function_, option_, assignment_, key_, value_;
};

/// Sets one of the IDM keys shared by the driver and surrogate setters (a_max, b, s0, T,
/// v0, delta, max_braking); num(lo, hi, lo_open) parses the value within its range.
/// Returns false when key is not one of them.
template <class Num>
bool set_idm_key(IdmParameters& idm, double& max_braking, std::string_view key, Num&& num) {
  if (key == "a_max") idm.max_acceleration = num(0.0, 10.0, true);
  else if (key == "b") idm.comfortable_deceleration = num(0.0, 10.0, true);
  else if (key == "s0") idm.min_gap = num(0.0, 20.0, false);
  else if (key == "T") idm.time_headway = num(0.0, 5.0, false);
  else if (key == "v0") idm.desired_speed = num(0.0, 60.0, true);
  else if (key == "delta") idm.exponent = num(0.0, 20.0, true);
  else if (key == "max_braking") max_braking = num(0.0, 10.0, true);
  else return false;
  return true;
}

}  // namespace detail

}  // namespace sampo::cav

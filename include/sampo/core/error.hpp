#pragma once
/// @file
/// sampo's exception types and the one place their messages are formatted.
///
/// Three tiers (ARCHITECTURE.md): bad user input throws `sampo::invalid_argument` or
/// `sampo::io_error`; a computation that cannot proceed throws `sampo::numerical_error`;
/// internal invariants use `SAMPO_ASSERT` (debug only); non-convergence is reported in a
/// Result, never thrown.

#include <stdexcept>
#include <string>
#include <string_view>

namespace sampo {

/// Invalid user input: NaN, wrong shape, non-SPD, empty data, out-of-range option.
/// The message names the function, the argument and the offending value.
class invalid_argument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A matrix that must be symmetric positive definite and is not, by sampo's one SPD rule
/// (sampo::spd_spectrum in sampo/core/check.hpp). Derived from sampo::invalid_argument, so
/// code that handles bad input handles it too; catch it by itself only where a non-SPD
/// matrix is an expected outcome (a grid point to skip), never to hide other bad input.
class not_spd_error : public invalid_argument {
 public:
  using invalid_argument::invalid_argument;
};

/// A file that cannot be opened, read, parsed or written; the message names the file.
class io_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A computation that cannot proceed on the given numbers (e.g. an SPD function of a matrix
/// whose eigenvalues underflow). Convergence failures are *not* errors: see Termination.
class numerical_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Formats a double for error messages: shortest round-trip form ("0.1", "nan", "-inf").
std::string format_value(double value);

/// Builds "function: argument 'name' = value: what" (value omitted when empty).
std::string argument_message(std::string_view function, std::string_view argument,
                             std::string_view value, std::string_view what);

/// Throws sampo::invalid_argument with argument_message(function, argument, value, what).
[[noreturn]] void throw_invalid_argument(std::string_view function, std::string_view argument,
                                         std::string_view value, std::string_view what);

/// Throws sampo::io_error with "function: 'path': what".
[[noreturn]] void throw_io_error(std::string_view function, std::string_view path,
                                 std::string_view what);

/// Throws sampo::numerical_error with "function: what".
[[noreturn]] void throw_numerical_error(std::string_view function, std::string_view what);

}  // namespace sampo

/// Internal-invariant check: active unless NDEBUG or SAMPO_NO_DEBUG is defined; a user may
/// define SAMPO_ASSERT before including sampo to route it elsewhere.
#ifndef SAMPO_ASSERT
#if defined(NDEBUG) || defined(SAMPO_NO_DEBUG)
#define SAMPO_ASSERT(cond) ((void)0)
#else
#include <cassert>
#define SAMPO_ASSERT(cond) assert(cond)
#endif
#endif

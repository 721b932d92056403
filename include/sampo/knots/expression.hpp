#pragma once
/// @file
/// A formula f(x) in muParser syntax ("sin(x)*exp(-x)", "x^-2.5", "x < 1 ? x : 2 - x"), parsed
/// once and evaluated from any number of threads: the function to hand to sampo::knots::fit
/// when f is a formula rather than code (the `sampo knots --f` command, `sampo.knots.fit` with
/// a string). muParser stays inside the library: this header does not include it.

#include <cstddef>
#include <memory>
#include <string>

#include "sampo/core/error.hpp"

namespace sampo::knots {

/// A formula that does not parse, or fails while being evaluated. The message is
/// `sampo::knots::Expression: argument 'expression' = '<text>': <parser message>`, where the
/// parser message ends with the position ("Missing parenthesis (at position 6)"); the parts
/// are kept for callers that word the error themselves (the command line names its option).
class ExpressionError : public invalid_argument {
 public:
  /// The text, muParser's message and its position (kNoPosition: none given).
  ExpressionError(std::string text, std::string parser_message, std::size_t position);

  /// No position: the whole text is at fault (an empty formula).
  static constexpr std::size_t kNoPosition = static_cast<std::size_t>(-1);

  /// The formula as given.
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  /// muParser's message, with " (at position P)" appended when it does not say where.
  [[nodiscard]] const std::string& detail() const noexcept { return detail_; }
  /// muParser's position of the fault: the 0-based offset of the offending token in text(),
  /// text().size() + 1 when the text ends too early; kNoPosition when there is none.
  [[nodiscard]] std::size_t position() const noexcept { return position_; }

 private:
  std::string text_, detail_;
  std::size_t position_;
};

/// f(x) given as a muParser formula in the one variable `x` (muParser's functions sin, cos,
/// tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, log2, log10, log = ln, ln,
/// exp, sqrt, sign, rint, abs, min, max, sum, avg; operators + - * / ^, comparisons, && ||,
/// the ternary ?:, constants _pi and _e, both the nearest doubles: muParser's own _pi is
/// 3.141592653589 when GCC builds it, and sampo replaces it). Parsed and checked at construction;
/// evaluation gives the same bits as muParser in any thread.
///
/// Thread safety: operator() may be called concurrently from any number of threads (a muParser
/// parser binds its variable by address and is not re-entrant, so each concurrent call takes
/// its own parser from a pool that grows to the number of simultaneous callers). Copies share
/// the pool and are cheap.
class Expression {
 public:
  /// Parses @p text.
  /// @throw ExpressionError (a sampo::invalid_argument) when it does not parse, uses a
  ///        variable other than x, or is empty; the message names the position.
  explicit Expression(std::string text);

  /// f(x). A domain error gives NaN or Inf as in C (sqrt(-1), 1/0): the caller decides
  /// (knots::fit refuses a non-finite value, naming x).
  /// @throw ExpressionError if muParser fails while evaluating (not seen after a successful
  ///        parse, kept as a guarantee).
  double operator()(double x) const;

  /// The formula as given.
  [[nodiscard]] const std::string& text() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sampo::knots

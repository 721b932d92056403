#include "sampo/core/error.hpp"

#include <cmath>
#include <limits>

#include "sampo_test.hpp"

using namespace sampo;

TEST_CASE("format_value gives the shortest round-trip form", "[core][error]") {
  CHECK(format_value(0.1) == "0.1");
  CHECK(format_value(-2.5e-300) == "-2.5e-300");
  CHECK(format_value(std::nan("")) == "nan");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-inf");
  // Round trip: the printed value parses back to the same double.
  const double x = 1.0 / 3.0;
  CHECK(std::stod(format_value(x)) == x);
}

TEST_CASE("argument_message names function, argument and value", "[core][error]") {
  CHECK(argument_message("f", "x", "3", "must be even") == "f: argument 'x' = 3: must be even");
  CHECK(argument_message("f", "A", "", "is empty") == "f: argument 'A': is empty");
  CHECK(argument_message("f", "A", "", "") == "f: argument 'A'");
}

TEST_CASE("throw helpers throw the documented types", "[core][error]") {
  SAMPO_REQUIRE_THROWS_WITH(throw_invalid_argument("g", "n", "-1", "must be positive"),
                            sampo::invalid_argument, "g: argument 'n' = -1: must be positive");
  SAMPO_REQUIRE_THROWS_WITH(throw_io_error("read", "/no/such", "cannot open"), sampo::io_error,
                            "read: '/no/such': cannot open");
  SAMPO_REQUIRE_THROWS_WITH(throw_numerical_error("h", "underflow"), sampo::numerical_error,
                            "h: underflow");
  // sampo's exceptions are catchable as the standard ones.
  CHECK_THROWS_AS(throw_invalid_argument("g", "n", "", ""), std::invalid_argument);
  CHECK_THROWS_AS(throw_io_error("g", "p", ""), std::runtime_error);
  CHECK_THROWS_AS(throw_numerical_error("g", ""), std::runtime_error);
}

#include "sampo/knots/expression.hpp"

#include <cmath>
#include <cstddef>
#include <numbers>
#include <string>
#include <vector>

#include "sampo/knots/fit.hpp"
#include "sampo/parallel/map_reduce.hpp"
#include "sampo_test.hpp"
#include "thread_count.hpp"

using namespace sampo::knots;

TEST_CASE("an expression evaluates muParser formulas in x", "[knots][expression]") {
  const Expression f("sin(x)*exp(-x)");
  CHECK(f.text() == "sin(x)*exp(-x)");
  for (double x : {-2.0, 0.0, 0.5, 3.0}) {
    // muParser calls the same libm functions in the same order as this expression: the bits
    // agree (one product of two correctly-used libm results).
    CHECK(f(x) == std::sin(x) * std::exp(-x));
  }
  CHECK(Expression("x^2 + 1")(3.0) == 10.0);           // exact in binary floating point
  CHECK(Expression("x < 1 ? x : 2 - x")(1.5) == 0.5);  // the ternary operator, exact
  // The double nearest pi: muParser's own _pi is 3.141592653589 when built by GCC (Debian's
  // is), 8e-13 off; Expression redefines it.
  CHECK(Expression("_pi")(0.0) == std::numbers::pi);
  CHECK(Expression("_e")(0.0) == std::numbers::e);
  // A domain error is a value, as in C: fit refuses it naming x, the expression does not.
  CHECK(std::isnan(Expression("sqrt(x)")(-1.0)));
  CHECK(std::isinf(Expression("1/x")(0.0)));
  // Copies share the parsed formula and its pool.
  const Expression g = f;
  CHECK(g(0.5) == f(0.5));
  CHECK(g.text() == f.text());
}

TEST_CASE("a formula that does not parse names the argument, the text and the position",
          "[knots][expression]") {
  SAMPO_REQUIRE_THROWS_WITH(Expression("sin(x"), sampo::invalid_argument,
                            "sampo::knots::Expression: argument 'expression' = 'sin(x'",
                            "Missing parenthesis (at position 6)");
  SAMPO_REQUIRE_THROWS_WITH(Expression("sin(y)"), sampo::invalid_argument, "= 'sin(y)'",
                            "Unexpected token \"y\" found at position 4");
  SAMPO_REQUIRE_THROWS_WITH(Expression("x+"), sampo::invalid_argument, "= 'x+'", "position 3");
  // An empty formula has no position: none is printed.
  try {
    (void)Expression("");
    FAIL("an empty formula was accepted");
  } catch (const ExpressionError& e) {
    CHECK(e.position() == ExpressionError::kNoPosition);
    CHECK(std::string(e.what()).find("position") == std::string::npos);
    CHECK(e.text().empty());
  }
  // The parts, for callers that word the error themselves (the command line's --f).
  try {
    (void)Expression("2*(x");
    FAIL("'2*(x' was accepted");
  } catch (const ExpressionError& e) {
    CHECK(e.text() == "2*(x");
    CHECK(e.position() == 5);  // muParser's convention at the end of the text: size() + 1
    CHECK(e.detail() == "Missing parenthesis (at position 5)");
  }
}

TEST_CASE("an expression is safe to evaluate from many threads at once", "[knots][expression]") {
  const Expression f("exp(-x^2)*cos(40*x)");
  constexpr std::size_t kPoints = 20000;
  std::vector<double> serial(kPoints), parallel(kPoints);
  for (std::size_t i = 0; i < kPoints; ++i) serial[i] = f(-2.0 + 4.0 * i / (kPoints - 1.0));
  // Every thread evaluates concurrently (one point per block, handed out dynamically); a
  // shared parser would mix up x between threads and give wrong values.
  sampo::parallel::MapReduceOptions loop;
  loop.block_size = 1;
  loop.threads = 4;
  loop.use_mpi = false;
  sampo::parallel::parallel_for(
      kPoints, [&](std::size_t i) { parallel[i] = f(-2.0 + 4.0 * i / (kPoints - 1.0)); }, loop);
  CHECK(parallel == serial);
}

TEST_CASE("knots::fit of an expression gives the same knots with 1 and 2 threads",
          "[knots][expression]") {
  const Expression f("sin(x)*exp(-x)");
  FitOptions one, two;
  one.rtol = two.rtol = 1e-10;
  one.atol = two.atol = 1e-3;
  two.threads = 2;
  const FitResult r1 = fit(f, 0.0, 10.0, one);
  const FitResult r2 = fit(f, 0.0, 10.0, two);
  CHECK(r1.run.converged());
  CHECK(sampo::test::same_entries(r1.x, r2.x));
  CHECK(sampo::test::same_entries(r1.y, r2.y));
  // The knots are the formula's values: the same as the C++ function's, bit for bit.
  for (Eigen::Index i = 0; i < r1.x.size(); ++i)
    CHECK(r1.y[i] == std::sin(r1.x[i]) * std::exp(-r1.x[i]));
}

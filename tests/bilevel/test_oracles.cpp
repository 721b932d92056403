// Oracles: counting by type and samples, the checks of returned values, to_string, brief().
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <sampo/bilevel/oracles.hpp>
#include <sampo/bilevel/problems.hpp>
#include <sampo/core/error.hpp>

#include "sampo_test.hpp"

using namespace sampo::bilevel;
using Catch::Matchers::Contains;
using Vec = Eigen::VectorXd;

namespace {
/// A finite-sum problem (n = 10 inner, 4 outer samples) whose ∇_y g can be made to return NaN
/// or a vector of the wrong size.
class Toy : public Problem {
 public:
  enum class Fault { none, nan, size };
  Fault fault = Fault::none;
  std::string name() const override { return "toy"; }
  Eigen::Index dim_x() const override { return 2; }
  Eigen::Index dim_y() const override { return 3; }
  Eigen::Index inner_samples() const override { return 10; }
  Eigen::Index outer_samples() const override { return 4; }
  double f(const Vec& x, const Vec& y, Batch) const override { return x.sum() + y.sum(); }
  double g(const Vec&, const Vec& y, Batch) const override { return y.squaredNorm(); }
  void grad_x_f(const Vec&, const Vec&, Batch, Vec& out) const override { out = Vec::Ones(2); }
  void grad_y_f(const Vec&, const Vec&, Batch, Vec& out) const override { out = Vec::Ones(3); }
  void grad_y_g(const Vec&, const Vec& y, Batch, Vec& out) const override {
    out = 2 * y;
    if (fault == Fault::nan) out[2] = std::numeric_limits<double>::quiet_NaN();
    if (fault == Fault::size) out = Vec::Zero(4);
  }
  void hvp_yy_g(const Vec&, const Vec&, const Vec& v, Batch, Vec& out) const override { out = 2 * v; }
  void jvp_xy_g(const Vec&, const Vec&, const Vec&, Batch, Vec& out) const override { out = Vec::Zero(2); }
};
}  // namespace

TEST_CASE("Oracles count calls and samples by type", "[oracles]") {
  Toy p;
  Oracles o(p);
  const Vec x = Vec::Zero(2), y = Vec::Ones(3);
  Vec out;
  const std::vector<Eigen::Index> batch{1, 1, 7};
  o.grad_y_g(x, y, batch, out);  // 3 samples (repetitions count)
  o.grad_y_g(x, y, {}, out);     // the full sum: 10 inner samples
  o.grad_x_f(x, y, {}, out);     // 4 outer samples
  o.hvp_yy_g(x, y, y, batch, out);
  CHECK(o.f(x, y) == Approx(3.0));  // exact: a sum of three ones
  const OracleCounts& c = o.counts();
  CHECK(c.calls_of(Oracle::grad_y_g) == 2);
  CHECK(c.samples_of(Oracle::grad_y_g) == 13);
  CHECK(c.samples_of(Oracle::grad_x_f) == 4);
  CHECK(c.samples_of(Oracle::hvp_yy_g) == 3);
  CHECK(c.calls_of(Oracle::f) == 1);
  CHECK(c.total_calls() == 5);
  CHECK(c.total_samples() == 13 + 4 + 3 + 4);
  CHECK(c.brief() == "f 1, grad_x_f 1, grad_y_g 2, hvp_yy_g 1");
  CHECK(OracleCounts{}.brief() == "no oracle calls");
  CHECK(to_string(Oracle::jvp_xy_g) == "jvp_xy_g");
  CHECK(to_string(Oracle::grad_x_g) == "grad_x_g");
}

TEST_CASE("Oracles turn a bad value into non_finite_oracle naming oracle, entry and iteration", "[oracles]") {
  Toy p;
  Oracles o(p);
  o.set_iteration(12);
  Vec out;
  p.fault = Toy::Fault::nan;
  try {
    o.grad_y_g(Vec::Zero(2), Vec::Ones(3), {}, out);
    FAIL("no exception");
  } catch (const non_finite_oracle& e) {
    CHECK(e.oracle() == Oracle::grad_y_g);
    CHECK(e.iteration() == 12);
    CHECK_THAT(std::string(e.what()), Contains("grad_y_g") && Contains("'toy'") &&
                                          Contains("nan") && Contains("entry 2") && Contains("iteration 12"));
  }
  p.fault = Toy::Fault::size;
  CHECK_THROWS_WITH(o.grad_y_g(Vec::Zero(2), Vec::Ones(3), {}, out),
                    Contains("size 4") && Contains("expected 3"));
  // The default grad_x_g of a problem that does not provide it names the problem.
  CHECK_THROWS_AS(o.grad_x_g(Vec::Zero(2), Vec::Ones(3), {}, out), sampo::invalid_argument);
}

TEST_CASE("Oracles refuse a problem with non-positive dimensions", "[oracles]") {
  class Empty : public Toy {
   public:
    Eigen::Index dim_y() const override { return 0; }
  } p;
  CHECK_THROWS_WITH(Oracles(p), Contains("dim_y()") && Contains("0"));
}

#include "sampo/core/error.hpp"
#include "sampo/riemann/metric.hpp"
#include "sampo_test.hpp"

using namespace sampo::riemann;

TEST_CASE("metric names round-trip", "[riemann][metric]") {
  for (Metric m : {Metric::riemann, Metric::log_euclid, Metric::euclid})
    CHECK(metric_from_string(to_string(m)) == m);
  CHECK(metric_from_string("log_euclid") == Metric::log_euclid);
  SAMPO_REQUIRE_THROWS_WITH(metric_from_string("wasserstein"), sampo::invalid_argument,
                            "metric_from_string", "= wasserstein", "riemann, logeuclid, euclid");
}

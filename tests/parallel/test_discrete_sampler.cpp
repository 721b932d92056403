#include "sampo/parallel/discrete_sampler.hpp"

#include <Eigen/Dense>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using sampo::parallel::DiscreteSampler;
using sampo::parallel::RandomStream;

TEST_CASE("DiscreteSampler draws what RandomStream::discrete draws", "[parallel][discrete]") {
  const std::vector<double> w{0.5, 0, 0, 2, 1e-3, 7, 0};
  const DiscreteSampler sampler(w);
  CHECK(sampler.size() == 7);
  RandomStream a(99, 1, 0), b(99, 1, 0);
  for (int k = 0; k < 10'000; ++k) REQUIRE(sampler.sample(a) == b.discrete(w));
  CHECK(a.draws() == b.draws());
}

TEST_CASE("DiscreteSampler probabilities and frequencies", "[parallel][discrete]") {
  Eigen::VectorXd w(4);
  w << 1, 2, 3, 4;  // probabilities 0.1 .. 0.4
  const DiscreteSampler sampler(w);
  CHECK(sampler.total() == 10);
  // Each probability is (c_k - c_{k-1}) / total of exactly representable sums: exact up to
  // one rounding of the quotient.
  for (int k = 0; k < 4; ++k)
    CHECK(sampler.probability(static_cast<std::size_t>(k)) ==
          Approx((k + 1) / 10.0).epsilon(std::numeric_limits<double>::epsilon()));
  SAMPO_REQUIRE_THROWS_WITH(sampler.probability(4), sampo::invalid_argument,
                            "sampo::parallel::DiscreteSampler::probability", "'k' = 4");

  // Fixed seed; chi-square with 3 degrees of freedom: 30.66 is its 1 - 1e-6 quantile.
  RandomStream s(2024, 0, 0);
  const int n = 200'000;
  std::array<int, 4> counts{};
  for (int k = 0; k < n; ++k) ++counts[sampler.sample(s)];
  double chi2 = 0;
  for (int k = 0; k < 4; ++k) {
    const double expected = n * (k + 1) / 10.0;
    chi2 += (counts[static_cast<std::size_t>(k)] - expected) *
            (counts[static_cast<std::size_t>(k)] - expected) / expected;
  }
  CHECK(chi2 < 30.66);
}

TEST_CASE("DiscreteSampler rejects bad weights", "[parallel][discrete]") {
  constexpr const char* fn = "sampo::parallel::DiscreteSampler";
  SAMPO_REQUIRE_THROWS_WITH(DiscreteSampler(std::vector<double>{}), sampo::invalid_argument, fn,
                            "is empty");
  SAMPO_REQUIRE_THROWS_WITH(DiscreteSampler(std::vector<double>{1, 2, -3}),
                            sampo::invalid_argument, fn, "entry 2 is -3");
  SAMPO_REQUIRE_THROWS_WITH(
      DiscreteSampler(std::vector<double>{std::numeric_limits<double>::infinity()}),
      sampo::invalid_argument, "entry 0 is inf");
  SAMPO_REQUIRE_THROWS_WITH(DiscreteSampler(Eigen::VectorXd::Zero(3)), sampo::invalid_argument,
                            "all weights are zero");
}

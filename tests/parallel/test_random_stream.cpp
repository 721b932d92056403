#include "sampo/parallel/random_stream.hpp"

#include <Random123/philox.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo_test.hpp"
#include "sampo/testing/fixtures.hpp"

using sampo::parallel::RandomStream;
namespace detail = sampo::parallel::detail;

// Statistical checks below use a FIXED seed, so each is deterministic: it passes or fails the
// same way on every run. The bounds are 5 standard errors of the estimated quantity under the
// exact distribution; a correct generator lands outside one for about 6e-7 of all seeds, while
// a bias of 5 standard errors (e.g. 1.4e-3 in the mean of 10^6 uniforms) is caught.
constexpr double kSigmas = 5.0;
constexpr std::uint64_t kSeed = 20240611;

TEST_CASE("Philox4x64-10 reproduces the Random123 known-answer vectors", "[parallel][random]") {
  // Random123's kat_vectors file, lines "philox4x64 10 <ctr x4> <key x2> <output x4>".
  struct Kat {
    std::array<std::uint64_t, 4> ctr;
    std::array<std::uint64_t, 2> key;
    std::array<std::uint64_t, 4> out;
  };
  const std::uint64_t f = ~std::uint64_t{0};
  const Kat kats[] = {
      {{0, 0, 0, 0},
       {0, 0},
       {0x16554d9eca36314cULL, 0xdb20fe9d672d0fdcULL, 0xd7e772cee186176bULL, 0x7e68b68aec7ba23bULL}},
      {{f, f, f, f},
       {f, f},
       {0x87b092c3013fe90bULL, 0x438c3c67be8d0224ULL, 0x9cc7d7c69cd777b6ULL, 0xa09caebf594f0ba0ULL}},
      {{0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL, 0x082efa98ec4e6c89ULL},
       {0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL},
       {0xa528f45403e61d95ULL, 0x38c72dbd566e9788ULL, 0xa5a1610e72fd18b5ULL, 0x57bd43b5e52b7fe6ULL}},
  };
  for (const auto& k : kats) CHECK(detail::philox4x64_10(k.ctr, k.key) == k.out);

  // The stream keyed (seed 0, stream 0) at index 0 starts with the all-zero vector's output.
  RandomStream zero(0, 0, 0);
  for (int w = 0; w < 4; ++w) CHECK(zero.next_u64() == kats[0].out[static_cast<std::size_t>(w)]);

  // In general draw k of (seed, stream, index) is word k % 4 of Philox at counter
  // (index, k / 4, 0, 0) under key (seed, stream).
  const std::uint64_t seed = 0x452821e638d01377ULL, stream = 0xbe5466cf34e90c6cULL, index = 77;
  RandomStream s(seed, stream, index);
  for (std::uint64_t k = 0; k < 12; ++k) {
    const auto block = detail::philox4x64_10({index, k / 4, 0, 0}, {seed, stream});
    CHECK(s.next_u64() == block[k % 4]);
  }
}

TEST_CASE("sampo's Philox4x64-10 equals Random123's bit for bit", "[parallel][random]") {
  // The known-answer vectors above cover three points; here 100000 counters and keys drawn
  // from a generator that is not Philox (splitmix64), including words with every bit pattern.
  std::uint64_t state = 0x9e3779b97f4a7c15ULL ^ sampo::testing::fixture_seed();
  const auto splitmix = [&state] {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  r123::Philox4x64 reference;
  for (int t = 0; t < 100000; ++t) {
    const std::array<std::uint64_t, 4> c{splitmix(), splitmix(), splitmix(), splitmix()};
    const std::array<std::uint64_t, 2> k{splitmix(), splitmix()};
    const r123::Philox4x64::ctr_type rc = {{c[0], c[1], c[2], c[3]}};
    const r123::Philox4x64::key_type rk = {{k[0], k[1]}};
    const auto r = reference(rc, rk);
    const std::array<std::uint64_t, 4> expected{r[0], r[1], r[2], r[3]};
    REQUIRE(detail::philox4x64_10(c, k) == expected);
  }
}

TEST_CASE("draws are a pure function of (seed, stream, index, k)", "[parallel][random]") {
  RandomStream a(kSeed, 3, 12345), b(kSeed, 3, 12345);
  CHECK(a.seed() == kSeed);
  CHECK(a.stream() == 3);
  CHECK(a.index() == 12345);
  for (int k = 0; k < 1000; ++k) REQUIRE(a.next_u64() == b.next_u64());
  CHECK(a.draws() == 1000);

  // Changing any key component gives a different sequence: no 64-bit draw coincides
  // (a coincidence among 1000 x 1000 pairs has probability ~5e-14).
  auto first_draws = [](RandomStream s) {
    std::vector<std::uint64_t> v(1000);
    for (auto& x : v) x = s.next_u64();
    return v;
  };
  const auto base = first_draws(RandomStream(kSeed, 3, 12345));
  const std::set<std::uint64_t> base_set(base.begin(), base.end());
  for (const RandomStream& other :
       {RandomStream(kSeed + 1, 3, 12345), RandomStream(kSeed, 4, 12345),
        RandomStream(kSeed, 3, 12346), RandomStream(3, kSeed, 12345)}) {
    const auto v = first_draws(other);
    CHECK(std::none_of(v.begin(), v.end(), [&](std::uint64_t x) { return base_set.count(x) > 0; }));
  }

  // Mixed draws replay identically: the same calls on a fresh stream give the same values.
  auto mixed = [](RandomStream s) {
    std::vector<double> v;
    for (int k = 0; k < 50; ++k) {
      v.push_back(s.uniform());
      v.push_back(s.normal());
      v.push_back(static_cast<double>(s.uniform_int(10)));
      v.push_back(s.normal());
      v.push_back(s.normal());
    }
    return v;
  };
  CHECK(mixed(RandomStream(kSeed, 1, 2)) == mixed(RandomStream(kSeed, 1, 2)));
}

TEST_CASE("uniform() lies in (0, 1) with the moments of U(0, 1)", "[parallel][random]") {
  RandomStream s(kSeed, 0, 0);
  const int n = 1'000'000;
  double lo = 1, hi = 0, sum = 0, sum_sq = 0;
  for (int k = 0; k < n; ++k) {
    const double u = s.uniform();
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
    sum_sq += (u - 0.5) * (u - 0.5);
  }
  CHECK(lo > 0.0);
  CHECK(hi < 1.0);
  CHECK(lo < 1e-5);      // P(min of 10^6 > 1e-5) = (1 - 1e-5)^(10^6) = e^-10
  CHECK(hi > 1 - 1e-5);  // same bound for the maximum
  // mean 1/2 with variance 1/12; (u - 1/2)^2 has mean 1/12 and variance 1/80 - 1/144 = 1/180.
  CHECK(std::abs(sum / n - 0.5) < kSigmas * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(sum_sq / n - 1.0 / 12) < kSigmas * std::sqrt(1.0 / 180 / n));
  // Exactly 53 bits: u * 2^53 is an integer.
  RandomStream t(kSeed, 0, 1);
  for (int k = 0; k < 100; ++k) {
    const double scaled = t.uniform() * 0x1p53;
    CHECK(scaled == std::floor(scaled));
  }
}

TEST_CASE("uniform(a, b) is an affine map of uniform() and checks its bounds", "[parallel][random]") {
  RandomStream s(kSeed, 5, 0), ref(kSeed, 5, 0);
  for (int k = 0; k < 100; ++k) {
    const double x = s.uniform(-2.0, 6.0);
    CHECK(x == -2.0 + 8.0 * ref.uniform());  // the documented formula, bit for bit
    CHECK((x > -2.0 && x < 6.0));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  SAMPO_REQUIRE_THROWS_WITH(s.uniform(1.0, 1.0), sampo::invalid_argument,
                            "sampo::parallel::RandomStream::uniform", "'b' = 1", "greater than a = 1");
  SAMPO_REQUIRE_THROWS_WITH(s.uniform(2.0, 1.0), sampo::invalid_argument, "'b' = 1");
  SAMPO_REQUIRE_THROWS_WITH(s.uniform(nan, 1.0), sampo::invalid_argument, "'a' = nan");
  SAMPO_REQUIRE_THROWS_WITH(s.uniform(0.0, inf), sampo::invalid_argument, "'b' = inf");
  SAMPO_REQUIRE_THROWS_WITH(s.uniform(-1e308, 1e308), sampo::invalid_argument, "overflows");
}

TEST_CASE("normal() has the moments and tails of N(0, 1)", "[parallel][random]") {
  RandomStream s(kSeed, 1, 0);
  const int n = 1'000'000;
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0, worst = 0;
  int tail = 0;
  for (int k = 0; k < n; ++k) {
    const double z = s.normal();
    m1 += z;
    m2 += z * z;
    m3 += z * z * z;
    m4 += z * z * z * z;
    tail += std::abs(z) > 2.0;
    worst = std::max(worst, std::abs(z));
  }
  // Moments of N(0,1): E z = 0 (var 1), E z^2 = 1 (var 2), E z^3 = 0 (var 15),
  // E z^4 = 3 (var 105 - 9 = 96); P(|z| > 2) = erfc(sqrt 2) with binomial variance.
  CHECK(std::abs(m1 / n) < kSigmas * std::sqrt(1.0 / n));
  CHECK(std::abs(m2 / n - 1) < kSigmas * std::sqrt(2.0 / n));
  CHECK(std::abs(m3 / n) < kSigmas * std::sqrt(15.0 / n));
  CHECK(std::abs(m4 / n - 3) < kSigmas * std::sqrt(96.0 / n));
  const double p = std::erfc(std::sqrt(2.0));
  CHECK(std::abs(static_cast<double>(tail) / n - p) < kSigmas * std::sqrt(p * (1 - p) / n));
  CHECK(worst < 8.58);  // sqrt(-2 ln 2^-53): the largest |z| Box–Muller can produce
  CHECK(worst > 4.0);   // P(max |z| of 10^6 < 4) = (1 - 6.3e-5)^(10^6) ~ e^-63

  // normal() uses two uniforms per pair; every other call is free.
  RandomStream c(kSeed, 1, 1);
  c.normal();
  CHECK(c.draws() == 2);
  c.normal();
  CHECK(c.draws() == 2);
  c.normal();
  CHECK(c.draws() == 4);

  // The pair is (r cos 2πu2, r sin 2πu2), r = sqrt(-2 ln u1), from the stream's uniforms.
  RandomStream d(kSeed, 9, 9), u(kSeed, 9, 9);
  const double u1 = u.uniform(), u2 = u.uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  CHECK(d.normal() == r * std::cos(2.0 * std::numbers::pi * u2));
  CHECK(d.normal() == r * std::sin(2.0 * std::numbers::pi * u2));
}

TEST_CASE("normal(mean, sd) scales normal() and checks its arguments", "[parallel][random]") {
  RandomStream s(kSeed, 2, 0), ref(kSeed, 2, 0);
  for (int k = 0; k < 20; ++k) CHECK(s.normal(3.0, 0.5) == 3.0 + 0.5 * ref.normal());
  CHECK(s.normal(7.0, 0.0) == 7.0);
  SAMPO_REQUIRE_THROWS_WITH(s.normal(0.0, -1.0), sampo::invalid_argument,
                            "sampo::parallel::RandomStream::normal", "'sd' = -1");
  SAMPO_REQUIRE_THROWS_WITH(s.normal(std::numeric_limits<double>::infinity(), 1.0),
                            sampo::invalid_argument, "'mean' = inf");
}

TEST_CASE("uniform_int is exactly unbiased, also for n that is not a power of two",
          "[parallel][random]") {
  RandomStream s(kSeed, 4, 0);
  SAMPO_REQUIRE_THROWS_WITH(s.uniform_int(0), sampo::invalid_argument,
                            "sampo::parallel::RandomStream::uniform_int", "'n' = 0");
  for (int k = 0; k < 10; ++k) CHECK(s.uniform_int(1) == 0);

  // Chi-square over 7 categories (6 degrees of freedom); 38.26 is its 1 - 1e-6 quantile.
  const int n = 700'000;
  std::array<int, 7> counts{};
  for (int k = 0; k < n; ++k) ++counts[s.uniform_int(7)];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  CHECK(chi2 < 38.26);

  // n ~ (2/3)·2^64: plain x mod n would put values below 2^64 - n ~ n/2 twice as often,
  // so P(result < n/2) would be 2/3 instead of 1/2. Rejection makes it exactly 1/2.
  const std::uint64_t big = 0xAAAAAAAAAAAAAAABULL;
  const int m = 200'000;
  int below = 0;
  for (int k = 0; k < m; ++k) below += s.uniform_int(big) < big / 2;
  CHECK(std::abs(static_cast<double>(below) / m - 0.5) < kSigmas * std::sqrt(0.25 / m));

  // Powers of two never reject: one draw per call, the low bits of the draw.
  RandomStream p(kSeed, 4, 1), raw(kSeed, 4, 1);
  for (int k = 0; k < 100; ++k) CHECK(p.uniform_int(8) == raw.next_u64() % 8);
  CHECK(p.draws() == 100);
}

TEST_CASE("bernoulli(p) is uniform() < p", "[parallel][random]") {
  RandomStream s(kSeed, 6, 0), ref(kSeed, 6, 0);
  for (int k = 0; k < 100; ++k) CHECK(s.bernoulli(0.3) == (ref.uniform() < 0.3));
  for (int k = 0; k < 100; ++k) CHECK_FALSE(s.bernoulli(0.0));
  for (int k = 0; k < 100; ++k) CHECK(s.bernoulli(1.0));
  SAMPO_REQUIRE_THROWS_WITH(s.bernoulli(1.5), sampo::invalid_argument,
                            "sampo::parallel::RandomStream::bernoulli", "'p' = 1.5");
  SAMPO_REQUIRE_THROWS_WITH(s.bernoulli(std::nan("")), sampo::invalid_argument, "'p' = nan");
}

TEST_CASE("discrete follows the weights and rejects bad ones", "[parallel][random]") {
  const std::vector<double> w{1, 0, 2, 3, 4, 5};  // sum 15; category 1 has weight zero
  RandomStream s(kSeed, 7, 0);
  const int n = 300'000;
  std::array<int, 6> counts{};
  for (int k = 0; k < n; ++k) ++counts[s.discrete(w)];
  CHECK(counts[1] == 0);
  // Chi-square over the 5 positive categories (4 degrees of freedom); 33.38 is its
  // 1 - 1e-6 quantile.
  double chi2 = 0;
  for (std::size_t k = 0; k < w.size(); ++k) {
    if (w[k] == 0) continue;
    const double expected = n * w[k] / 15.0;
    chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
  }
  CHECK(chi2 < 33.38);

  // The Eigen overload is the same function; a single positive weight is always chosen.
  Eigen::VectorXd we = Eigen::Map<const Eigen::VectorXd>(w.data(), 6);
  RandomStream a(kSeed, 7, 1), b(kSeed, 7, 1);
  for (int k = 0; k < 100; ++k) CHECK(a.discrete(w) == b.discrete(we));
  for (int k = 0; k < 10; ++k) CHECK(a.discrete(std::vector<double>{0, 0, 2.5, 0}) == 2);

  const double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr const char* fn = "sampo::parallel::RandomStream::discrete";
  SAMPO_REQUIRE_THROWS_WITH(s.discrete(std::vector<double>{}), sampo::invalid_argument, fn,
                            "'weights': is empty");
  SAMPO_REQUIRE_THROWS_WITH(s.discrete(std::vector<double>{1, -0.5}), sampo::invalid_argument,
                            fn, "entry 1 is -0.5");
  SAMPO_REQUIRE_THROWS_WITH(s.discrete(std::vector<double>{nan, 1}), sampo::invalid_argument,
                            "entry 0 is nan");
  SAMPO_REQUIRE_THROWS_WITH(s.discrete(std::vector<double>{0, 0}), sampo::invalid_argument,
                            "all weights are zero");
  SAMPO_REQUIRE_THROWS_WITH(s.discrete(std::vector<double>{1e308, 1e308}),
                            sampo::invalid_argument, "sum to infinity");
}

TEST_CASE("fill helpers draw in column order", "[parallel][random]") {
  RandomStream s(kSeed, 8, 0), ref(kSeed, 8, 0);
  const Eigen::VectorXd u = s.uniform_vector(5);
  for (int i = 0; i < 5; ++i) CHECK(u(i) == ref.uniform());
  const Eigen::VectorXd z = s.normal_vector(3);
  for (int i = 0; i < 3; ++i) CHECK(z(i) == ref.normal());
  const Eigen::MatrixXd m = s.normal_matrix(2, 3);
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 2; ++i) CHECK(m(i, j) == ref.normal());
  Eigen::MatrixXd big = Eigen::MatrixXd::Zero(4, 4);
  s.fill_normal(big.block(1, 1, 2, 2));
  CHECK(big.row(0).isZero(0));
  CHECK(big.col(3).isZero(0));
  for (int j = 1; j < 3; ++j)
    for (int i = 1; i < 3; ++i) CHECK(big(i, j) == ref.normal());
  Eigen::VectorXd v(4);
  s.fill_uniform(v);
  for (int i = 0; i < 4; ++i) CHECK(v(i) == ref.uniform());
  CHECK(s.normal_vector(0).size() == 0);
  SAMPO_REQUIRE_THROWS_WITH(s.normal_vector(-1), sampo::invalid_argument, "'n' = -1");
  SAMPO_REQUIRE_THROWS_WITH(s.uniform_vector(-2), sampo::invalid_argument, "'n' = -2");
  SAMPO_REQUIRE_THROWS_WITH(s.normal_matrix(2, -3), sampo::invalid_argument, "'cols' = -3");
}

TEST_CASE("RandomStream is a UniformRandomBitGenerator", "[parallel][random]") {
  static_assert(std::uniform_random_bit_generator<RandomStream>);
  STATIC_REQUIRE(RandomStream::min() == 0);
  STATIC_REQUIRE(RandomStream::max() == std::numeric_limits<std::uint64_t>::max());
  RandomStream g(kSeed, 10, 0), raw(kSeed, 10, 0);
  CHECK(g() == raw.next_u64());
  std::vector<int> a(50), b(50);
  std::iota(a.begin(), a.end(), 0);
  std::iota(b.begin(), b.end(), 0);
  std::shuffle(a.begin(), a.end(), RandomStream(kSeed, 10, 1));
  std::shuffle(b.begin(), b.end(), RandomStream(kSeed, 10, 1));
  CHECK(a == b);  // same keys, same permutation (within one standard library)
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> identity(50);
  std::iota(identity.begin(), identity.end(), 0);
  CHECK(sorted == identity);
  CHECK(a != identity);  // a shuffle of 50 elements is the identity with probability 1/50!
}

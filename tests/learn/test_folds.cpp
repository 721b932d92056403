#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/learn/folds.hpp"
#include "sampo/learn/labels.hpp"
#include "sampo_test.hpp"

using namespace sampo::learn;
using sampo::invalid_argument;

TEST_CASE("stratified folds are balanced and seeded", "[learn][folds]") {
  // Properties only (the shuffle itself is whatever the seeded stream gives): every trial in
  // exactly one fold, the counts of each class in two folds differ by at most 1, the same
  // seed gives the same folds, another seed other folds.
  std::vector<int> two;
  for (int i = 0; i < 23; ++i) two.push_back(i < 13 ? 1 : 2);
  std::vector<int> three;  // interleaved, unsorted labels of unequal class sizes
  for (int i = 0; i < 31; ++i) three.push_back(i % 3 == 0 ? 7 : (i % 2 == 0 ? -4 : 5));
  for (const std::vector<int>& y : {two, three})
    for (int k : {2, 3, 5})
      for (std::uint64_t seed : {0u, 1u, 42u, 12345u}) {
        INFO("classes " << (y == two ? 2 : 3) << ", folds " << k << ", seed " << seed);
        const std::vector<int> f = stratified_folds(y, k, seed);
        REQUIRE(f.size() == y.size());
        CHECK(std::all_of(f.begin(), f.end(), [k](int v) { return v >= 0 && v < k; }));
        for (int c : {1, 2, 7, -4, 5}) {
          std::vector<int> count(static_cast<std::size_t>(k), 0);
          for (std::size_t i = 0; i < y.size(); ++i)
            if (y[i] == c) ++count[static_cast<std::size_t>(f[i])];
          CHECK(*std::max_element(count.begin(), count.end()) -
                    *std::min_element(count.begin(), count.end()) <=
                1);
        }
        CHECK(f == stratified_folds(y, k, seed));
        // Independent shuffles give the same folds with probability 1 / (number of distinct
        // fold assignments), at most 1 / (C(13, 6) C(10, 5)) = 2.3e-6 here (two classes, 2 folds).
        CHECK(f != stratified_folds(y, k, seed + 1));
      }
  // A shuffle, not a fixed order: with 4 classes of 5 trials in 5 folds, a uniform shuffle
  // puts each trial in each fold with probability 1/5. Over 500 seeds a count is
  // Binomial(500, 1/5): mean 100, sd 8.9; 5 sd is 45 (an unshuffled deal gives 0 or 500).
  std::vector<int> even;
  for (int i = 0; i < 20; ++i) even.push_back(i / 5);
  std::vector<std::vector<int>> hits(20, std::vector<int>(5, 0));
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    const std::vector<int> f = stratified_folds(even, 5, seed);
    for (std::size_t i = 0; i < 20; ++i) ++hits[i][static_cast<std::size_t>(f[i])];
  }
  for (std::size_t i = 0; i < 20; ++i)
    for (int h : hits[i]) {
      INFO("trial " << i);
      CHECK(std::abs(h - 100) <= 45);
    }
  SAMPO_REQUIRE_THROWS_WITH(stratified_folds({1, 1, 2, 2, 2}, 3, 1), invalid_argument,
                            "class has 2 trials");
  SAMPO_REQUIRE_THROWS_WITH(stratified_folds(two, 1, 1), invalid_argument, "'folds' = 1");
}

TEST_CASE("k-fold folds are balanced, seeded and shuffled", "[learn][folds]") {
  // Every item in exactly one fold, fold sizes differ by at most 1, the same seed gives the
  // same folds, another seed other folds.
  for (std::size_t n : {2u, 7u, 10u, 23u})
    for (int k : {2, 3, 5})
      for (std::uint64_t seed : {0u, 1u, 42u}) {
        if (n < static_cast<std::size_t>(k)) continue;
        INFO("n " << n << ", folds " << k << ", seed " << seed);
        const std::vector<int> f = kfold(n, k, seed);
        REQUIRE(f.size() == n);
        std::vector<int> count(static_cast<std::size_t>(k), 0);
        for (int v : f) {
          REQUIRE(v >= 0);
          REQUIRE(v < k);
          ++count[static_cast<std::size_t>(v)];
        }
        CHECK(*std::max_element(count.begin(), count.end()) -
                  *std::min_element(count.begin(), count.end()) <=
              1);
        CHECK(f == kfold(n, k, seed));
      }
  // 23 items in 5 folds: 23! / (5!^2 4!^3) ~ 1e13 distinct assignments, so two independent
  // shuffles agree with probability ~1e-13.
  CHECK(kfold(23, 5, 7) != kfold(23, 5, 8));
  // A shuffle, not a fixed order: over 500 seeds the fold of an item is Binomial(500, 1/5)
  // per fold (n = 20, 5 folds): mean 100, sd 8.9; 5 sd is 45 (an unshuffled deal gives 0 or 500).
  std::vector<std::vector<int>> hits(20, std::vector<int>(5, 0));
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    const std::vector<int> f = kfold(20, 5, seed);
    for (std::size_t i = 0; i < 20; ++i) ++hits[i][static_cast<std::size_t>(f[i])];
  }
  for (std::size_t i = 0; i < 20; ++i)
    for (int h : hits[i]) {
      INFO("item " << i);
      CHECK(std::abs(h - 100) <= 45);
    }
  SAMPO_REQUIRE_THROWS_WITH(kfold(10, 1, 0), invalid_argument, "sampo::learn::kfold",
                            "'folds' = 1");
  SAMPO_REQUIRE_THROWS_WITH(kfold(3, 4, 0), invalid_argument, "'n' = 3", "fewer than 4 folds");
}

TEST_CASE("stratified folds keep their numbers", "[learn][folds]") {
  // The folds of riemann's former stratified_folds on the same labels and seed, and kfold's
  // (exact integers: the shuffle is part of the reproducibility promise, the CLI's
  // cross-validation scores depend on it).
  const std::vector<int> y{1, 1, 1, 2, 2, 2, 1, 2, 1, 2};
  CHECK(stratified_folds(y, 2, 42) == std::vector<int>{1, 0, 0, 1, 1, 1, 1, 0, 0, 0});
  CHECK(kfold(7, 3, 5) == std::vector<int>{1, 1, 0, 2, 0, 2, 0});
}

TEST_CASE("class_list sorts and checks the labels", "[learn][labels]") {
  CHECK(class_list("f", 5, {3, -1, 3, 7, -1}) == std::vector<int>{-1, 3, 7});
  SAMPO_REQUIRE_THROWS_WITH(class_list("f", 3, {1, 2}, "rows"), invalid_argument, "f:", "'labels'",
                            "2 entries for 3 rows");
  SAMPO_REQUIRE_THROWS_WITH(class_list("f", 2, {4, 4}), invalid_argument, "'labels' = 4",
                            "single class");
  SAMPO_REQUIRE_THROWS_WITH(class_list("f", 0, {}), invalid_argument, "'labels'");
}

#pragma once
/// @file
/// Counter-based random streams (Random123 Philox4x64-10).
///
/// Keying scheme. A stream is the Philox4x64-10 bijection under the 128-bit key
/// (seed, stream), applied to the 256-bit counter (index, block, 0, 0); block j yields the
/// 64-bit draws 4j, 4j+1, 4j+2, 4j+3. So the k-th 64-bit draw of sample @p index of stream
/// @p stream under master seed @p seed is a pure function of (seed, stream, index, k): it does
/// not depend on which thread or MPI rank evaluates the sample, nor on the samples drawn before.
/// Give every independent random *component* of an algorithm its own `stream` number and
/// every sample (replicate, path, row) its own `index`.
///
/// Every distribution below is computed by sampo from the 64-bit draws with a fixed algorithm
/// (never std::*_distribution, whose algorithms differ between standard libraries), so the
/// numbers are the same with libstdc++, libc++ and MSVC, up to the last-bit accuracy of the
/// C library's log / sin / cos used by normal().
///
/// Thread-safety: a RandomStream is a small value (88 bytes); do not share one object
/// between threads, construct one per sample instead (construction is a few integer moves).
///
/// The Philox4x64-10 bijection is sampo's own inline implementation of the published algorithm
/// (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011), so a
/// program that uses sampo does not need the Random123 headers installed; the tests check it
/// bit for bit against Random123's r123::Philox4x64 (its known-answer vectors and random
/// counters and keys). Kept inline: out of line, a 64-bit draw took 2.3x as long (bench_parallel
/// BM_next_u64, 8.0 vs 3.5 ns), since the compiler can no longer hoist the key schedule.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "sampo/core/eigen.hpp"

namespace sampo::parallel {

namespace detail {
/// One Philox4x64-10 block: the four 64-bit outputs for counter (c0, c1, c2, c3) and
/// key (k0, k1), in Random123's word order: ten rounds of two 64 x 64 -> 128-bit products,
/// the key bumped by the Weyl constants between rounds.
[[nodiscard]] inline std::array<std::uint64_t, 4> philox4x64_10(
    const std::array<std::uint64_t, 4>& counter, const std::array<std::uint64_t, 2>& key) noexcept {
  __extension__ using u128 = unsigned __int128;  // GCC and Clang; -Wpedantic-clean
  constexpr std::uint64_t kM0 = 0xD2E7470EE14C6C93ULL, kM1 = 0xCA5A826395121157ULL;
  constexpr std::uint64_t kW0 = 0x9E3779B97F4A7C15ULL, kW1 = 0xBB67AE8584CAA73BULL;
  std::uint64_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
  std::uint64_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += kW0;
      k1 += kW1;
    }
    const u128 p0 = static_cast<u128>(kM0) * c0;
    const u128 p1 = static_cast<u128>(kM1) * c2;
    const auto hi0 = static_cast<std::uint64_t>(p0 >> 64), lo0 = static_cast<std::uint64_t>(p0);
    const auto hi1 = static_cast<std::uint64_t>(p1 >> 64), lo1 = static_cast<std::uint64_t>(p1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  return {c0, c1, c2, c3};
}
}  // namespace detail

/// A reproducible random stream: the draws of one sample of one stream under one seed.
///
/// Models std::uniform_random_bit_generator (min(), max(), operator()), so it also works with
/// std::shuffle and the <random> distributions when a user wants them (their output is then
/// standard-library dependent; the member distributions here are not).
class RandomStream {
 public:
  /// The type of operator()'s result (UniformRandomBitGenerator).
  using result_type = std::uint64_t;

  /// The stream of sample @p index of stream @p stream under master seed @p seed,
  /// positioned at its first draw (k = 0).
  RandomStream(std::uint64_t seed, std::uint64_t stream, std::uint64_t index = 0) noexcept
      : key_{seed, stream}, index_(index) {}

  /// Smallest value operator() returns: 0.
  static constexpr result_type min() noexcept { return 0; }
  /// Largest value operator() returns: 2^64 - 1.
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
  /// Same as next_u64() (UniformRandomBitGenerator).
  result_type operator()() noexcept { return next_u64(); }

  /// The next 64-bit draw, uniform on [0, 2^64); advances draws() by one.
  std::uint64_t next_u64() noexcept {
    if (lane_ == 4) refill();
    ++draws_;
    return buffer_[lane_++];
  }

  /// Uniform on the open interval (0, 1) with 53 random bits: k·2^-53 for the top 53 bits k
  /// of a 64-bit draw, redrawn when k = 0 (probability 2^-53). Never 0, never 1; the largest
  /// value is 1 - 2^-53.
  double uniform() noexcept {
    for (;;) {
      const std::uint64_t k = next_u64() >> 11;
      if (k != 0) return static_cast<double>(k) * 0x1p-53;
    }
  }

  /// a + (b - a)·uniform(). Rounding may return a or b itself when b - a is tiny against |a|
  /// or |b| (e.g. uniform(1, 2) returns 2 with probability 2^-53).
  /// @throw sampo::invalid_argument unless a and b are finite, a < b and b - a is finite.
  double uniform(double a, double b);

  /// Standard normal N(0, 1) by the Box–Muller transform of two uniform() values
  /// (r = sqrt(-2 ln u1), z0 = r cos 2πu2, z1 = r sin 2πu2). A call returns z0 and keeps
  /// z1 for the next call, so normal() uses two 64-bit draws every other call. |z| < 8.58.
  double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    return normal_pair();
  }

  /// mean + sd·normal().
  /// @throw sampo::invalid_argument unless mean is finite and sd is finite and >= 0.
  double normal(double mean, double sd);

  /// Uniform integer in [0, n), exactly unbiased: a 64-bit draw x is rejected while
  /// x < 2^64 mod n (fewer than one draw in two rejected, none when n is a power of two),
  /// then x mod n is returned.
  /// @throw sampo::invalid_argument if n == 0.
  std::uint64_t uniform_int(std::uint64_t n);

  /// True with probability p: uniform() < p (one uniform draw even when p is 0 or 1).
  /// @throw sampo::invalid_argument unless 0 <= p <= 1.
  bool bernoulli(double p);

  /// Index k with probability weights[k] / sum(weights), by inversion: the smallest k whose
  /// left-to-right partial sum w0 + ... + wk exceeds uniform()·sum. Zero weights are never
  /// chosen. O(size) per call; for many draws from the same weights use DiscreteSampler,
  /// which returns the same index for the same stream state.
  /// @throw sampo::invalid_argument if weights is empty, has a negative or non-finite entry,
  ///        is all zero, or sums to infinity.
  std::size_t discrete(std::span<const double> weights);
  /// @copydoc discrete(std::span<const double>)
  std::size_t discrete(const Eigen::Ref<const Eigen::VectorXd>& weights);

  /// @p n uniform() values, in draw order. @throw sampo::invalid_argument if n < 0.
  Eigen::VectorXd uniform_vector(Eigen::Index n);
  /// @p n normal() values, in draw order. @throw sampo::invalid_argument if n < 0.
  Eigen::VectorXd normal_vector(Eigen::Index n);
  /// A rows x cols matrix of normal() values filled column by column.
  /// @throw sampo::invalid_argument if rows < 0 or cols < 0.
  Eigen::MatrixXd normal_matrix(Eigen::Index rows, Eigen::Index cols);
  /// Overwrites @p out (a matrix, vector or block) with uniform() values, column by column.
  void fill_uniform(Eigen::Ref<Eigen::MatrixXd> out) noexcept;
  /// Overwrites @p out (a matrix, vector or block) with normal() values, column by column.
  void fill_normal(Eigen::Ref<Eigen::MatrixXd> out) noexcept;

  /// The master seed this stream was constructed with.
  [[nodiscard]] std::uint64_t seed() const noexcept { return key_[0]; }
  /// The stream number.
  [[nodiscard]] std::uint64_t stream() const noexcept { return key_[1]; }
  /// The sample index.
  [[nodiscard]] std::uint64_t index() const noexcept { return index_; }
  /// The number of 64-bit draws consumed so far (k of the next draw).
  [[nodiscard]] std::uint64_t draws() const noexcept { return draws_; }

 private:
  void refill() noexcept {
    buffer_ = detail::philox4x64_10({index_, block_, 0, 0}, key_);
    ++block_;
    lane_ = 0;
  }
  double normal_pair() noexcept;

  std::array<std::uint64_t, 2> key_;
  std::uint64_t index_;
  std::uint64_t block_ = 0;  // next Philox block (counter word 1)
  std::uint64_t draws_ = 0;
  std::array<std::uint64_t, 4> buffer_{};
  unsigned lane_ = 4;  // next unread word of buffer_; 4 = empty
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace sampo::parallel

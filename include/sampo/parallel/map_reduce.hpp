#pragma once
/// @file
/// The reproducible batch runner: map_reduce, map_reduce_partial and parallel_for over an
/// index range, on OpenMP threads and (map_reduce) MPI ranks.
///
/// Determinism. [0, n) is cut into fixed blocks of MapReduceOptions::block_size consecutive indices
/// (block b = [b·B, min(n, (b+1)·B)) ), a partition that depends on n and B only. Each block's
/// partial is fn(lo) ⊕ fn(lo+1) ⊕ ... in index order, and the result is
/// ((p0 ⊕ p1) ⊕ p2) ⊕ ... in block order. Threads and ranks only decide *where* a block is
/// computed, never how values are combined, so with fn a pure function of its index (e.g.
/// drawing from RandomStream(seed, stream, i)) the result is bit-identical for any number of
/// threads and MPI ranks.
///
/// Memory: one partial per block is kept until the end (n / block_size values); raise
/// block_size when partials are large.

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/parallel/byte_codec.hpp"
#include "sampo/parallel/cancellation.hpp"
#include "sampo/parallel/progress.hpp"

namespace sampo::parallel {

/// How a batch run (map_reduce, map_reduce_partial, parallel_for) is cut into blocks and
/// scheduled. None of these fields changes the result of map_reduce except block_size (which
/// fixes the summation order). map_reduce_partial returns the matching MapReduceResult.
struct MapReduceOptions {
  /// Indices per block (>= 1). Fixes the reduction order, so the result depends on it;
  /// it is also the granularity of scheduling, progress and cancellation.
  std::size_t block_size = 256;
  /// OpenMP threads of this process (>= 0); 0 = omp_get_max_threads() (OMP_NUM_THREADS).
  int threads = 0;
  /// Advanced by the number of indices of each finished block (under MPI, rank 0's blocks
  /// count times the number of ranks, an estimate of global progress). Not owned.
  Progress* progress = nullptr;
  /// Polled before each block starts; see map_reduce for what a cancelled run returns.
  const CancellationFlag* cancel = nullptr;
  /// map_reduce only: distribute blocks over MPI ranks when mpi_active(). Then map_reduce is
  /// a *collective* call: every rank must call it with the same n and block_size. Set false
  /// to keep a run local to this process (e.g. when ranks do different work).
  bool use_mpi = true;

  /// @throw sampo::invalid_argument naming the field if block_size == 0 or threads < 0.
  void validate() const;
};

/// The former name of MapReduceOptions, deprecated: kept through the 0.1 series, removed in 0.2.
using Options [[deprecated("renamed sampo::parallel::MapReduceOptions")]] = MapReduceOptions;

/// What map_reduce_partial returns.
template <class T>
struct MapReduceResult {
  /// The reduction over indices [0, count); empty only when no block completed.
  std::optional<T> value;
  /// Number of indices reduced: n, or the completed prefix blocks·block_size (capped at n)
  /// when cancelled.
  std::size_t count = 0;
  /// Number of blocks reduced (a prefix 0, 1, ..., blocks - 1 of the block order).
  std::size_t blocks = 0;
  /// termination = converged (all n indices) or user_stopped (cancelled); iterations =
  /// blocks, evaluations = count, seconds = wall time of the call; message in words.
  sampo::Run run;

  /// True when the run was cancelled before every block had been reduced.
  [[nodiscard]] bool cancelled() const noexcept {
    return run.termination == Termination::user_stopped;
  }
};

namespace detail {

/// The block layout of one run, identical on every rank for the same (n, block_size).
struct BlockPlan {
  std::size_t n = 0;
  std::size_t block_size = 1;
  std::size_t blocks = 0;        ///< ceil(n / block_size), all ranks together
  std::size_t local_blocks = 0;  ///< blocks owned by this rank: rank, rank + ranks, ...
  int rank = 0;
  int ranks = 1;
  int threads = 1;
  bool distributed = false;  ///< blocks spread over MPI ranks (collective run)

  [[nodiscard]] std::size_t global_block(std::size_t local) const noexcept {
    return static_cast<std::size_t>(rank) + local * static_cast<std::size_t>(ranks);
  }
  [[nodiscard]] std::size_t begin(std::size_t block) const noexcept { return block * block_size; }
  [[nodiscard]] std::size_t end(std::size_t block) const noexcept {
    return std::min(n, (block + 1) * block_size);
  }
};

/// Validates @p options (for @p function) and lays out the blocks; distributed when
/// @p allow_mpi, options.use_mpi, mpi_active() and not inside an OpenMP parallel region
/// (where the run is also single-threaded, to avoid nested oversubscription).
BlockPlan make_plan(const char* function, std::size_t n, const MapReduceOptions& options, bool allow_mpi);

/// A type-erased "compute local block j" callback (may throw).
struct BlockBody {
  void* context;
  void (*call)(void* context, std::size_t local_block);
};

/// What this process did.
struct LocalOutcome {
  std::size_t first_incomplete = 0;  ///< smallest global block not completed here
  std::size_t failed_block = SIZE_MAX;  ///< smallest global block whose body threw
  std::exception_ptr error;           ///< that block's exception
};

/// Runs the local blocks on plan.threads OpenMP threads (dynamic schedule, one block at a
/// time). A block is skipped when the cancel flag is up or a lower block has already thrown
/// (so the exception kept is always the one of the lowest failing block).
LocalOutcome run_blocks(const BlockPlan& plan, const MapReduceOptions& options, BlockBody body);

/// Agrees on the outcome (collectively when plan.distributed): rethrows the exception of the
/// lowest failing block on the rank that ran it (remote_error elsewhere); throws
/// cancelled_error when a block is missing and !allow_partial; returns the number of
/// leading blocks completed everywhere. @throw sampo::invalid_argument if ranks disagree on
/// n or block_size.
std::size_t settle(const char* function, const BlockPlan& plan, const LocalOutcome& outcome,
                   bool allow_partial);

/// Collective: the concatenation, in rank order, of every rank's @p mine; @p sizes receives
/// each rank's byte count. Single process: a copy of @p mine.
std::vector<std::byte> allgather_bytes(const std::vector<std::byte>& mine,
                                       std::vector<std::size_t>& sizes);

/// Fills the descriptive fields of a MapReduceResult's Run.
void describe_run(sampo::Run& run, const BlockPlan& plan, std::size_t prefix, double seconds);

template <class F>
BlockBody make_block_body(F& f) noexcept {
  return {&f, [](void* context, std::size_t local) { (*static_cast<F*>(context))(local); }};
}

template <class Fn>
using map_result_t = std::decay_t<std::invoke_result_t<Fn&, std::size_t>>;

template <class T, class Fn, class Reduce>
MapReduceResult<T> map_reduce_impl(const char* function, std::size_t n, Fn& fn, Reduce& reduce,
                                   const MapReduceOptions& options, bool allow_partial) {
  static_assert(std::is_invocable_r_v<T, Reduce&, T&&, T&&>,
                "sampo::parallel::map_reduce: reduce must be callable as reduce(T, T) -> T, "
                "where T is the (decayed) return type of fn(std::size_t)");
  static_assert(std::is_move_constructible_v<T>,
                "sampo::parallel::map_reduce: the partial type T must be move-constructible");
  static_assert(byte_encodable<T>,
                "sampo::parallel::map_reduce: the partial type T (fn's return type) cannot be "
                "sent between MPI ranks. Return a trivially copyable type, an Eigen matrix or "
                "array, or a std::vector / std::pair / std::tuple of these; or specialize "
                "sampo::parallel::ByteCodec<T> (see sampo/parallel/byte_codec.hpp)");
  sampo::Stopwatch watch;
  if (n == 0)
    throw_invalid_argument(function, "n", "0", "must be >= 1 (a reduction needs an element)");
  const BlockPlan plan = make_plan(function, n, options, true);

  std::vector<std::optional<T>> partial(plan.local_blocks);
  auto body = [&](std::size_t local) {
    const std::size_t b = plan.global_block(local);
    const std::size_t hi = plan.end(b);
    std::size_t i = plan.begin(b);
    T acc(fn(i));
    for (++i; i < hi; ++i) acc = static_cast<T>(reduce(std::move(acc), fn(i)));
    partial[local].emplace(std::move(acc));
  };
  const LocalOutcome outcome = run_blocks(plan, options, make_block_body(body));
  const std::size_t prefix = settle(function, plan, outcome, allow_partial);

  MapReduceResult<T> result;
  auto fold = [&](T&& p) {
    if (!result.value)
      result.value.emplace(std::move(p));
    else
      *result.value = static_cast<T>(reduce(std::move(*result.value), std::move(p)));
  };
  if (!plan.distributed) {
    for (std::size_t b = 0; b < prefix; ++b) fold(std::move(*partial[b]));
  } else {
    std::vector<std::byte> mine;
    for (std::size_t j = 0; j < plan.local_blocks && plan.global_block(j) < prefix; ++j)
      ByteCodec<T>::encode(*partial[j], mine);
    partial.clear();
    std::vector<std::size_t> sizes;
    const std::vector<std::byte> all = allgather_bytes(mine, sizes);
    std::vector<const std::byte*> cursor(sizes.size()), stop(sizes.size());
    const std::byte* p = all.data();
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      cursor[r] = p;
      stop[r] = p += sizes[r];
    }
    // Rank r's buffer holds blocks r, r + ranks, ... in increasing order: decode in block order.
    for (std::size_t b = 0; b < prefix; ++b) {
      const std::size_t r = b % sizes.size();
      fold(static_cast<T>(ByteCodec<T>::decode(cursor[r], stop[r])));
    }
  }
  result.blocks = prefix;
  result.count = prefix == 0 ? 0 : plan.end(prefix - 1);
  describe_run(result.run, plan, prefix, watch.seconds());
  return result;
}

}  // namespace detail

/// Reduces fn(0) ⊕ fn(1) ⊕ ... ⊕ fn(n-1) with ⊕ = @p reduce, in the fixed block order
/// described in the file comment, on OpenMP threads and — when mpi_active() and
/// options.use_mpi — MPI ranks (then a collective call; every rank gets the result).
///
/// @param n       number of indices (>= 1)
/// @param fn      fn(std::size_t i) -> T; called once per index, concurrently from several
///                threads (it must be safe to call concurrently: no shared mutable state)
/// @param reduce  reduce(T a, T b) -> T, called with a the left (lower-index) operand;
///                it may take its arguments by value, const& or && (both are rvalues)
/// @param options block size, threads, progress, cancellation, MPI use
/// @return the reduction, bit-identical for every thread and rank count
/// @throw sampo::invalid_argument if n == 0 or options are invalid;
///        cancelled_error if options.cancel was raised before every block had run
///        (use map_reduce_partial to get the completed prefix instead);
///        the exception fn or reduce threw in the lowest-index failing block (rethrown on
///        the caller's thread; other MPI ranks throw remote_error with its message).
template <class Fn, class Reduce>
detail::map_result_t<Fn> map_reduce(std::size_t n, Fn&& fn, Reduce&& reduce,
                                    const MapReduceOptions& options = {}) {
  using T = detail::map_result_t<Fn>;
  auto r = detail::map_reduce_impl<T>("sampo::parallel::map_reduce", n, fn, reduce, options,
                                      false);
  return std::move(*r.value);
}

/// map_reduce that returns, instead of throwing cancelled_error, the reduction over the
/// longest prefix of blocks 0, 1, ... that completed before the cancel flag was seen (on every
/// rank); blocks completed beyond a missing one are discarded. Equal to the uncancelled
/// map_reduce over [0, result.count), bit for bit. Errors thrown by fn are rethrown as in
/// map_reduce.
template <class Fn, class Reduce>
MapReduceResult<detail::map_result_t<Fn>> map_reduce_partial(std::size_t n, Fn&& fn,
                                                             Reduce&& reduce,
                                                             const MapReduceOptions& options = {}) {
  using T = detail::map_result_t<Fn>;
  return detail::map_reduce_impl<T>("sampo::parallel::map_reduce_partial", n, fn, reduce,
                                    options, true);
}

/// Calls fn(i) for every i in [0, n) on this process's OpenMP threads, in the fixed blocks of
/// options.block_size (never over MPI ranks: options.use_mpi is ignored). The order of calls
/// across blocks is unspecified; within a block it is increasing. n == 0 does nothing.
/// @throw sampo::invalid_argument on invalid options; cancelled_error if options.cancel was
///        raised before every block had run; the exception of the lowest failing block.
template <class Fn>
void parallel_for(std::size_t n, Fn&& fn, const MapReduceOptions& options = {}) {
  static_assert(std::is_invocable_v<Fn&, std::size_t>,
                "sampo::parallel::parallel_for: fn must be callable as fn(std::size_t)");
  constexpr const char* function = "sampo::parallel::parallel_for";
  const detail::BlockPlan plan = detail::make_plan(function, n, options, false);
  if (n == 0) return;
  auto body = [&](std::size_t local) {
    const std::size_t b = plan.global_block(local);
    for (std::size_t i = plan.begin(b), hi = plan.end(b); i < hi; ++i) fn(i);
  };
  const auto outcome = detail::run_blocks(plan, options, detail::make_block_body(body));
  detail::settle(function, plan, outcome, false);
}

}  // namespace sampo::parallel

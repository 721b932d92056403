#include "sampo/parallel/map_reduce.hpp"

#include <omp.h>

#include <array>
#include <atomic>
#include <mutex>
#include <string>

#include "mpi_collectives.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/mpi.hpp"

namespace sampo::parallel {

void MapReduceOptions::validate() const {
  constexpr const char* fn = "sampo::parallel::MapReduceOptions::validate";
  if (block_size == 0) throw_invalid_argument(fn, "block_size", "0", "must be >= 1");
  if (threads < 0)
    throw_invalid_argument(fn, "threads", std::to_string(threads),
                           "must be >= 0 (0: OpenMP default)");
}

namespace detail {

BlockPlan make_plan(const char* function, std::size_t n, const MapReduceOptions& options, bool allow_mpi) {
  try {
    options.validate();
  } catch (const sampo::invalid_argument& e) {
    throw sampo::invalid_argument(std::string(function) + ": options: " + e.what());
  }
  BlockPlan plan;
  plan.n = n;
  plan.block_size = options.block_size;
  plan.blocks = n == 0 ? 0 : (n - 1) / options.block_size + 1;
  const bool nested = omp_in_parallel() != 0;
  plan.distributed = allow_mpi && options.use_mpi && !nested && mpi_active();
  if (plan.distributed) {
    plan.rank = mpi_rank();
    plan.ranks = mpi_size();
  }
  const auto rank = static_cast<std::size_t>(plan.rank);
  const auto ranks = static_cast<std::size_t>(plan.ranks);
  plan.local_blocks = plan.blocks > rank ? (plan.blocks - rank - 1) / ranks + 1 : 0;
  int threads = nested ? 1 : (options.threads > 0 ? options.threads : omp_get_max_threads());
  if (static_cast<std::size_t>(threads) > plan.local_blocks)
    threads = static_cast<int>(std::max<std::size_t>(plan.local_blocks, 1));
  plan.threads = std::max(threads, 1);
  return plan;
}

LocalOutcome run_blocks(const BlockPlan& plan, const MapReduceOptions& options, BlockBody body) {
  const std::size_t local_blocks = plan.local_blocks;
  std::vector<unsigned char> done(local_blocks, 0);
  std::atomic<std::size_t> lowest_failed{SIZE_MAX};
  std::mutex error_mutex;
  LocalOutcome outcome;
  const std::size_t progress_scale = plan.distributed ? static_cast<std::size_t>(plan.ranks) : 1;

  auto work = [&](std::size_t j) noexcept {
    const std::size_t b = plan.global_block(j);
    if (b > lowest_failed.load(std::memory_order_relaxed)) return;
    if (options.cancel != nullptr && options.cancel->cancelled()) return;
    try {
      body.call(body.context, j);
      done[j] = 1;
      if (options.progress != nullptr)
        options.progress->advance((plan.end(b) - plan.begin(b)) * progress_scale);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (b < outcome.failed_block) {
        outcome.failed_block = b;
        outcome.error = std::current_exception();
        lowest_failed.store(b, std::memory_order_relaxed);
      }
    }
  };

  if (plan.threads <= 1) {
    for (std::size_t j = 0; j < local_blocks; ++j) work(j);
  } else {
    const auto count = static_cast<std::int64_t>(local_blocks);
#pragma omp parallel for num_threads(plan.threads) schedule(dynamic, 1)
    for (std::int64_t j = 0; j < count; ++j) work(static_cast<std::size_t>(j));
  }

  outcome.first_incomplete = plan.blocks;
  for (std::size_t j = 0; j < local_blocks; ++j)
    if (!done[j]) {
      outcome.first_incomplete = plan.global_block(j);
      break;
    }
  return outcome;
}

namespace {
std::string what_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}
}  // namespace

std::size_t settle(const char* function, const BlockPlan& plan, const LocalOutcome& outcome,
                   bool allow_partial) {
  // One MIN-reduction carries everything: max(x) is ~min(~x).
  std::array<std::uint64_t, 6> v{outcome.first_incomplete, outcome.failed_block, plan.n,
                                 ~std::uint64_t{plan.n},   plan.block_size,      ~std::uint64_t{plan.block_size}};
  if (plan.distributed) v = allreduce_min(v);
  if (v[2] != ~v[3])
    throw_invalid_argument(function, "n", std::to_string(plan.n),
                           "differs between MPI ranks (min " + std::to_string(v[2]) + ", max " +
                               std::to_string(~v[3]) +
                               "); a distributed map_reduce is collective: every rank must pass "
                               "the same n (or set MapReduceOptions::use_mpi = false)");
  if (v[4] != ~v[5])
    throw_invalid_argument(function, "options.block_size", std::to_string(plan.block_size),
                           "differs between MPI ranks; every rank must pass the same block_size");
  const std::size_t failed = v[1];
  if (failed != SIZE_MAX) {
    std::string message;
    int owner = 0;
    if (plan.distributed) {
      owner = static_cast<int>(failed % static_cast<std::size_t>(plan.ranks));
      if (plan.rank == owner) message = what_of(outcome.error);
      message = broadcast_string(message, owner);
    }
    if (outcome.failed_block == failed) std::rethrow_exception(outcome.error);
    throw remote_error(std::string(function) + ": fn threw in block " + std::to_string(failed) +
                       " (indices [" + std::to_string(plan.begin(failed)) + ", " +
                       std::to_string(plan.end(failed)) + ")) on MPI rank " +
                       std::to_string(owner) + ": " + message);
  }
  const std::size_t prefix = v[0];
  if (prefix < plan.blocks && !allow_partial)
    throw cancelled_error(std::string(function) + ": cancelled after " + std::to_string(prefix) +
                          " of " + std::to_string(plan.blocks) + " blocks had completed in order");
  return prefix;
}

std::vector<std::byte> allgather_bytes(const std::vector<std::byte>& mine,
                                       std::vector<std::size_t>& sizes) {
  return allgather_bytes_impl(mine, sizes);
}

void describe_run(sampo::Run& run, const BlockPlan& plan, std::size_t prefix, double seconds) {
  const std::size_t count = prefix == 0 ? 0 : plan.end(prefix - 1);
  run.termination = prefix == plan.blocks ? Termination::converged : Termination::user_stopped;
  run.iterations = prefix;
  run.evaluations = count;
  run.seconds = seconds;
  const std::string where = std::to_string(plan.threads) + " thread(s) x " +
                            std::to_string(plan.ranks) + " MPI rank(s)";
  if (prefix == plan.blocks)
    run.message = "reduced " + std::to_string(count) + " indices in " + std::to_string(prefix) +
                  " blocks on " + where;
  else
    run.message = "cancelled: reduced the first " + std::to_string(count) + " of " +
                  std::to_string(plan.n) + " indices (" + std::to_string(prefix) + " of " +
                  std::to_string(plan.blocks) + " blocks) on " + where;
}

}  // namespace detail
}  // namespace sampo::parallel

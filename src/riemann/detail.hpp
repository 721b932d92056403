#pragma once
// Internal helpers of the riemann module (not installed; not part of the public API).
#include <cstddef>
#include <string>
#include <utility>

#include "sampo/core/error.hpp"
#include "sampo/parallel/map_reduce.hpp"

namespace sampo::riemann::detail {

/// Options of this module's loops over matrices, trials, channels and grid points
/// (sampo::parallel::parallel_for / map_reduce): one index per block, so the items — uneven,
/// each well over a microsecond of work — go to threads dynamically, one at a time, and
/// never over MPI ranks (riemann's functions are local to a process). Each index writes its
/// own output, so results do not depend on the thread count; if several indices throw, the
/// exception rethrown is the lowest index's.
inline parallel::MapReduceOptions one_per_block() {
  parallel::MapReduceOptions options;
  options.block_size = 1;
  options.use_mpi = false;
  return options;
}

/// Returns f(); if f throws sampo::invalid_argument, rethrows it with "prefix: " before its
/// message and the same type (a sampo::not_spd_error stays one, so a caller that skips
/// non-SPD items still can).
template <class F>
decltype(auto) with_context(const std::string& prefix, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const sampo::not_spd_error& e) {
    throw sampo::not_spd_error(prefix + ": " + e.what());
  } catch (const sampo::invalid_argument& e) {
    throw sampo::invalid_argument(prefix + ": " + e.what());
  }
}

/// "what k" for error messages ("trial 3", "matrix 0").
inline std::string item(const char* what, std::size_t k) {
  return std::string(what) + " " + std::to_string(k);
}

}  // namespace sampo::riemann::detail

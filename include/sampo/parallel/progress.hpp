#pragma once
/// @file
/// The progress bar of batch runs: sampo::Progress (sampo/core/progress.hpp, where every
/// long-running algorithm finds it) under its parallel name, drawn on MPI rank 0 only.

#include "sampo/core/progress.hpp"

namespace sampo::parallel {

/// The same type as sampo::Progress; map_reduce / parallel_for advance it once per block.
using sampo::Progress;

namespace detail {
/// Makes sampo::Progress ask mpi_rank() for this process's rank (so that only rank 0 draws);
/// returns true. Called once per program through progress_rank_registered.
bool register_progress_rank() noexcept;
/// Every program that includes this header (map_reduce.hpp does) registers the rank query
/// before main().
inline const bool progress_rank_registered = register_progress_rank();
}  // namespace detail

}  // namespace sampo::parallel

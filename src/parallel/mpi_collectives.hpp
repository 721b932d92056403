#pragma once
// Private to src/parallel: the few MPI collectives map_reduce needs, on MPI_COMM_WORLD.
// Without SAMPO_HAVE_MPI (or when MPI is not active) they are the single-process identities.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sampo::parallel::detail {

/// Element-wise minimum over all ranks (MPI_Allreduce, MPI_MIN).
std::array<std::uint64_t, 6> allreduce_min(const std::array<std::uint64_t, 6>& values);

/// @p text of rank @p root, on every rank (MPI_Bcast).
std::string broadcast_string(const std::string& text, int root);

/// Every rank's bytes concatenated in rank order (MPI_Allgather of sizes + MPI_Allgatherv);
/// @p sizes receives the per-rank counts. Throws sampo::invalid_argument (on every rank) when
/// the total exceeds MPI's int count limit.
std::vector<std::byte> allgather_bytes_impl(const std::vector<std::byte>& mine,
                                            std::vector<std::size_t>& sizes);

}  // namespace sampo::parallel::detail

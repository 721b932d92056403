#include "sampo/parallel/mpi.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "mpi_collectives.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/progress.hpp"

#ifdef SAMPO_HAVE_MPI
#include <mpi.h>
#endif

namespace sampo::parallel {

namespace {
#ifdef SAMPO_HAVE_MPI
bool mpi_usable() noexcept {
  int initialized = 0;
  int finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized != 0 && finalized == 0;
}
#endif
}  // namespace

bool mpi_launcher_detected() noexcept {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MV2_COMM_WORLD_SIZE"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

MpiSession::MpiSession() {
#ifdef SAMPO_HAVE_MPI
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized == 0 && mpi_launcher_detected()) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    owns_ = true;
  }
#endif
}

MpiSession::~MpiSession() {
#ifdef SAMPO_HAVE_MPI
  if (owns_ && mpi_usable()) MPI_Finalize();
#endif
}

int mpi_rank() noexcept {
#ifdef SAMPO_HAVE_MPI
  if (mpi_usable()) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
  }
#endif
  return 0;
}

int mpi_size() noexcept {
#ifdef SAMPO_HAVE_MPI
  if (mpi_usable()) {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
  }
#endif
  return 1;
}

bool mpi_active() noexcept { return mpi_size() > 1; }

namespace detail {

std::array<std::uint64_t, 6> allreduce_min(const std::array<std::uint64_t, 6>& values) {
  std::array<std::uint64_t, 6> out = values;
#ifdef SAMPO_HAVE_MPI
  if (mpi_active())
    MPI_Allreduce(values.data(), out.data(), static_cast<int>(values.size()), MPI_UINT64_T,
                  MPI_MIN, MPI_COMM_WORLD);
#endif
  return out;
}

std::string broadcast_string(const std::string& text, int root) {
  std::string out = text;
#ifdef SAMPO_HAVE_MPI
  if (mpi_active()) {
    std::uint64_t size = text.size();
    MPI_Bcast(&size, 1, MPI_UINT64_T, root, MPI_COMM_WORLD);
    size = std::min<std::uint64_t>(size, 1u << 20);  // an error message, not data
    out.resize(size);
    MPI_Bcast(out.data(), static_cast<int>(size), MPI_CHAR, root, MPI_COMM_WORLD);
  }
#else
  (void)root;
#endif
  return out;
}

std::vector<std::byte> allgather_bytes_impl(const std::vector<std::byte>& mine,
                                            std::vector<std::size_t>& sizes) {
#ifdef SAMPO_HAVE_MPI
  if (mpi_active()) {
    const int ranks = mpi_size();
    const std::uint64_t my_size = mine.size();
    std::vector<std::uint64_t> all_sizes(static_cast<std::size_t>(ranks));
    MPI_Allgather(&my_size, 1, MPI_UINT64_T, all_sizes.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
    std::uint64_t total = 0;
    for (auto s : all_sizes) total += s;
    if (total > static_cast<std::uint64_t>(INT_MAX))  // same decision on every rank
      throw_invalid_argument("sampo::parallel::map_reduce", "options.block_size", {},
                             "the block partials of all ranks take " + std::to_string(total) +
                                 " bytes, more than MPI_Allgatherv can send (2^31 - 1); "
                                 "raise block_size to have fewer partials");
    std::vector<int> counts(static_cast<std::size_t>(ranks)), displs(static_cast<std::size_t>(ranks));
    int offset = 0;
    sizes.assign(all_sizes.begin(), all_sizes.end());
    for (int r = 0; r < ranks; ++r) {
      counts[static_cast<std::size_t>(r)] = static_cast<int>(all_sizes[static_cast<std::size_t>(r)]);
      displs[static_cast<std::size_t>(r)] = offset;
      offset += counts[static_cast<std::size_t>(r)];
    }
    std::vector<std::byte> all(total);
    MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, all.data(), counts.data(),
                   displs.data(), MPI_BYTE, MPI_COMM_WORLD);
    return all;
  }
#endif
  sizes.assign(1, mine.size());
  return mine;
}

}  // namespace detail
}  // namespace sampo::parallel

namespace sampo::parallel::detail {

bool register_progress_rank() noexcept {
  sampo::detail::set_progress_rank_query(&mpi_rank);
  return true;
}

}  // namespace sampo::parallel::detail

#pragma once
/// @file
/// MPI session and process identity. Without MPI support (SAMPO_HAVE_MPI undefined) every
/// function describes a single process: rank 0 of 1, never active.

#include <stdexcept>

namespace sampo::parallel {

/// RAII owner of MPI for a program. Construct one at the top of main(): it initializes MPI
/// (MPI_Init_thread, MPI_THREAD_FUNNELED) only if the program was started by an MPI launcher
/// (mpi_launcher_detected()) and MPI is not initialized yet, and then finalizes it in its
/// destructor. A program run without mpirun never touches MPI. Not copyable or movable.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  /// True if this object initialized MPI (and will finalize it).
  [[nodiscard]] bool owns() const noexcept { return owns_; }

 private:
  bool owns_ = false;
};

/// True when an MPI launcher's environment variables are present: OMPI_COMM_WORLD_SIZE
/// (Open MPI), PMI_SIZE (MPICH/Hydra, Intel MPI), PMIX_RANK (PMIx), MV2_COMM_WORLD_SIZE
/// (MVAPICH2).
bool mpi_launcher_detected() noexcept;

/// This process's rank in MPI_COMM_WORLD; 0 when MPI is not initialized (or finalized).
int mpi_rank() noexcept;

/// The size of MPI_COMM_WORLD; 1 when MPI is not initialized (or finalized).
int mpi_size() noexcept;

/// True when MPI is initialized, not finalized, and MPI_COMM_WORLD has more than one rank:
/// then map_reduce distributes its blocks over the ranks.
bool mpi_active() noexcept;

/// Thrown on the MPI ranks that did *not* run the failing block when fn throws inside a
/// distributed map_reduce; the message carries the original what(), the block and the rank.
/// (The rank that ran the failing block rethrows the original exception.)
class remote_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sampo::parallel

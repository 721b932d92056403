#pragma once
/// @file
/// A thread-safe progress bar on stderr: the progress hook of every long-running sampo
/// algorithm (Options::progress of parallel::map_reduce / parallel_for, knots::fit,
/// riemann::mean_riemann, linalg::qp_simplex / qp_box).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace sampo {

/// Counts finished work units and, when enabled, redraws one line on stderr at most ten
/// times a second: "label [=====>    ]  45.0%  450/1000  1.2e+03/s  ETA 0:00:04".
///
/// Disabled (counting only, never writing) unless stderr is a terminal and this process is
/// MPI rank 0; passing enabled = true forces drawing, but still only on rank 0. (The rank is
/// sampo::parallel::mpi_rank() once sampo/parallel is in the program; without it, 0.)
/// advance() is thread-safe and cheap (an atomic add, plus a clock read when enabled), so
/// workers may call it directly; map_reduce / parallel_for call it once per block, the
/// iterative algorithms once per iteration or evaluation (their Options say which).
class Progress {
 public:
  /// A bar for @p total units labelled @p label.
  /// @param enabled draw on stderr (default: terminal_default()).
  Progress(std::size_t total, std::string label, bool enabled = terminal_default());
  /// Calls finish() if it has not been called.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Records @p k more finished units (thread-safe); redraws if enabled and the last
  /// redraw is 0.1 s old.
  void advance(std::size_t k = 1) noexcept;
  /// Draws the final state and a newline, once (later calls do nothing).
  void finish() noexcept;

  /// Units recorded so far (may exceed total() if callers over-count).
  [[nodiscard]] std::size_t done() const noexcept { return done_.load(std::memory_order_relaxed); }
  /// The total given to the constructor.
  [[nodiscard]] std::size_t total() const noexcept { return total_; }
  /// Whether this bar writes to stderr.
  [[nodiscard]] bool enabled() const noexcept { return enabled_; }
  /// The line as it would be drawn now (without the leading carriage return).
  [[nodiscard]] std::string line() const;

  /// True when stderr is a terminal and this process is MPI rank 0.
  static bool terminal_default() noexcept;

 private:
  void draw(bool final) noexcept;

  std::size_t total_;
  std::string label_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<std::size_t> done_{0};
  std::atomic<std::int64_t> next_draw_ns_{0};
  std::atomic<bool> finished_{false};
  std::mutex draw_mutex_;
};

namespace detail {
/// Where Progress learns this process's MPI rank: sampo::parallel registers mpi_rank()
/// (sampo/parallel/progress.hpp); until then every process counts as rank 0. core cannot call
/// MPI itself (it sits below sampo::parallel).
using RankQuery = int (*)() noexcept;
void set_progress_rank_query(RankQuery query) noexcept;
}  // namespace detail

}  // namespace sampo

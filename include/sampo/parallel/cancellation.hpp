#pragma once
/// @file
/// Cooperative cancellation of batch runs.

#include <atomic>
#include <stdexcept>

namespace sampo::parallel {

/// A flag one thread raises (a signal handler, a GUI, a time limit) and batch runs poll.
/// map_reduce / parallel_for check it before starting each block, so a run stops within one
/// block's worth of work per thread. Thread-safe (an atomic bool); async-signal-safe to raise
/// when std::atomic<bool> is lock-free (it is on every platform sampo targets).
class CancellationFlag {
 public:
  CancellationFlag() noexcept = default;
  CancellationFlag(const CancellationFlag&) = delete;
  CancellationFlag& operator=(const CancellationFlag&) = delete;

  /// Asks every run polling this flag to stop.
  void cancel() noexcept { flag_.store(true, std::memory_order_relaxed); }
  /// True once cancel() was called (and reset() was not called since).
  [[nodiscard]] bool cancelled() const noexcept { return flag_.load(std::memory_order_relaxed); }
  /// Lowers the flag so it can be used for another run.
  void reset() noexcept { flag_.store(false, std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

/// Thrown by map_reduce and parallel_for when their CancellationFlag was raised before every
/// block had run. (map_reduce_partial returns the completed prefix instead of throwing.)
class cancelled_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sampo::parallel

#pragma once
/// @file
/// Cooperative cancellation: the flag every long-running sampo algorithm polls
/// (Options::cancel of parallel::map_reduce / parallel_for, knots::fit, riemann::mean_riemann,
/// linalg::qp_simplex / qp_box).

#include <atomic>

namespace sampo {

/// A flag one thread raises (a signal handler, a GUI, a time limit) and runs poll. Batch runs
/// (sampo::parallel) check it before each block and throw parallel::cancelled_error (or, for
/// map_reduce_partial, return the completed prefix); iterative algorithms check it before each
/// iteration and return their current iterate with Run::termination = Termination::user_stopped.
/// Thread-safe (an atomic bool); async-signal-safe to raise when std::atomic<bool> is lock-free
/// (it is on every platform sampo targets).
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

/// True when @p flag is set and raised (a null flag never is).
[[nodiscard]] inline bool cancel_requested(const CancellationFlag* flag) noexcept {
  return flag != nullptr && flag->cancelled();
}

}  // namespace sampo

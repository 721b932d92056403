#pragma once
/// @file
/// How an iterative algorithm stopped, and the fields every Result shares.
///
/// Convention (ARCHITECTURE.md, "Options in, Result out"): every algorithm takes an `Options`
/// struct whose defaults are written once, in the struct, and checked by `Options::validate()`
/// (throwing sampo::invalid_argument naming the field), and returns a `Result` that holds the
/// answer and a `Run` describing how it was obtained. Non-convergence is reported there, never
/// thrown.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace sampo {

/// Why an algorithm stopped.
enum class Termination {
  converged,                ///< the tolerance was met
  max_iterations,           ///< the iteration budget ran out first
  max_evaluations,          ///< the function/oracle-evaluation budget ran out first
  numerical_failure,        ///< a step produced a non-finite or otherwise unusable number
  user_stopped,             ///< a callback or cancellation flag asked to stop
  discontinuity_suspected,  ///< adaptive sampling closed in on a jump (knots)
};

/// "converged", "max_iterations", ... (the enumerator's name).
std::string_view to_string(Termination t) noexcept;

/// Parses the names of to_string(); throws sampo::invalid_argument otherwise.
Termination termination_from_string(std::string_view name);

/// What every Result carries about the run that produced it.
struct Run {
  Termination termination = Termination::converged;
  std::string message;          ///< one human sentence: why it stopped, where
  std::size_t iterations = 0;   ///< passes / outer iterations
  std::size_t evaluations = 0;  ///< calls of the user's function or oracle
  double seconds = 0.0;         ///< wall-clock time of the run

  /// True when termination == converged.
  [[nodiscard]] bool converged() const noexcept { return termination == Termination::converged; }
  /// "converged after 12 iterations, 345 evaluations, 0.01 s".
  [[nodiscard]] std::string brief_report() const;
};

/// Wall-clock stopwatch for Run::seconds.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  /// Seconds since construction or the last reset().
  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void reset() { start_ = std::chrono::steady_clock::now(); }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace sampo

#pragma once
/// @file
/// The bilevel problem interface: counted oracles of
///
///     min_x Φ(x) = f(x, y*(x)),   y*(x) = argmin_y g(x, y),   x ∈ ℝ^{d_x}, y ∈ ℝ^{d_y},
///
/// with g(x, ·) strongly convex. A problem supplies f, g and the derivatives the solvers use:
/// ∇_x f, ∇_y f, ∇_x g (first-order solvers only), ∇_y g, the Hessian-vector product
/// ∇²_yy g·v and the mixed product ∇²_xy g·v (a vector of ℝ^{d_x}: the gradient in x of
/// ⟨∇_y g(x, y), v⟩).
///
/// Mini-batches. f and g may be finite sums over outer_samples() and inner_samples() samples
/// (0: not a finite sum; every oracle then ignores its batch). An oracle called with a batch
/// (indices into the samples of its level, repetitions allowed) returns an *unbiased* estimate
/// of the full oracle when the indices are drawn uniformly: a problem whose f is Σ_i f_i
/// returns (n/|B|)·Σ_{i∈B} f_i, one whose f is (1/n)Σ_i f_i returns (1/|B|)·Σ_{i∈B} f_i. An
/// empty batch means the whole sum (the exact, deterministic oracle).
///
/// Closed forms. A problem that knows y*(x), ∇Φ(x), Φ(x) or Φ* says so through the optional
/// members below; solvers use them only for their trace (never for their steps), and
/// validation compares against them.
///
/// Solvers never call a Problem directly: they go through bilevel::Oracles, which counts each
/// call by type and by the samples it used, and checks every returned value for finiteness.

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sampo/core/eigen.hpp"

namespace sampo::bilevel {

/// Indices of the samples of a mini-batch (into outer_samples() for the f oracles, into
/// inner_samples() for the g oracles); empty: all samples.
using Batch = std::span<const Eigen::Index>;

/// The oracle types, for counting.
enum class Oracle {
  f,           ///< f(x, y)
  g,           ///< g(x, y)
  grad_x_f,    ///< ∇_x f(x, y)
  grad_y_f,    ///< ∇_y f(x, y)
  grad_x_g,    ///< ∇_x g(x, y)
  grad_y_g,    ///< ∇_y g(x, y)
  hvp_yy_g,    ///< ∇²_yy g(x, y)·v
  jvp_xy_g,    ///< ∇²_xy g(x, y)·v
};
/// Number of Oracle values.
inline constexpr std::size_t kOracleCount = 8;

/// "f", "g", "grad_x_f", ... (the enumerator's name).
[[nodiscard]] std::string_view to_string(Oracle oracle) noexcept;

/// Calls and samples used, by oracle type.
struct OracleCounts {
  std::array<std::size_t, kOracleCount> calls{};    ///< calls, indexed by Oracle
  std::array<std::size_t, kOracleCount> samples{};  ///< samples used (n of its level for a full call, 1 for a non-finite-sum problem)

  [[nodiscard]] std::size_t calls_of(Oracle o) const noexcept { return calls[static_cast<std::size_t>(o)]; }
  [[nodiscard]] std::size_t samples_of(Oracle o) const noexcept { return samples[static_cast<std::size_t>(o)]; }
  /// Σ calls over all types.
  [[nodiscard]] std::size_t total_calls() const noexcept;
  /// Σ samples over all types (benchopt's "oracle sample calls").
  [[nodiscard]] std::size_t total_samples() const noexcept;
  /// "grad_x_f 10, grad_y_f 10, grad_y_g 30, hvp_yy_g 100, jvp_xy_g 10" (types with calls only).
  [[nodiscard]] std::string brief() const;
};

/// A bilevel problem (see the file comment). Implement the pure virtual members; the optional
/// ones default to "not known" / "not provided".
///
/// Thread-safety: every member is const and a solver calls them from one thread; a problem
/// may parallelize inside an oracle, with a summation order that does not depend on the
/// thread count (HypercleanLogisticProblem does, over fixed blocks of samples; problems.hpp).
class Problem {
 public:
  virtual ~Problem() = default;

  /// Short identifier ("quadratic", "ridge-hpo", ...), used in messages and reports.
  [[nodiscard]] virtual std::string name() const = 0;
  [[nodiscard]] virtual Eigen::Index dim_x() const = 0;
  [[nodiscard]] virtual Eigen::Index dim_y() const = 0;
  /// Samples in the finite sum of f (0: f is not a finite sum).
  [[nodiscard]] virtual Eigen::Index outer_samples() const { return 0; }
  /// Samples in the finite sum of g (0: g is not a finite sum).
  [[nodiscard]] virtual Eigen::Index inner_samples() const { return 0; }

  [[nodiscard]] virtual double f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const = 0;
  [[nodiscard]] virtual double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const = 0;
  /// ∇_x f(x, y) into @p out (size d_x).
  virtual void grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch,
                        Eigen::VectorXd& out) const = 0;
  /// ∇_y f(x, y) into @p out (size d_y).
  virtual void grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch,
                        Eigen::VectorXd& out) const = 0;
  /// ∇_y g(x, y) into @p out (size d_y).
  virtual void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch,
                        Eigen::VectorXd& out) const = 0;
  /// ∇²_yy g(x, y)·v into @p out (size d_y).
  virtual void hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v,
                        Batch batch, Eigen::VectorXd& out) const = 0;
  /// ∇²_xy g(x, y)·v = ∇_x⟨∇_y g(x, y), v⟩ into @p out (size d_x).
  virtual void jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v,
                        Batch batch, Eigen::VectorXd& out) const = 0;
  /// ∇_x g(x, y) into @p out (size d_x). Needed by the fully first-order solver (F2SA) only;
  /// the default throws sampo::invalid_argument saying the problem does not provide it.
  virtual void grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch,
                        Eigen::VectorXd& out) const;

  /// @name Closed forms, where known (default: not known)
  /// @{
  /// y*(x).
  [[nodiscard]] virtual std::optional<Eigen::VectorXd> lower_solution(const Eigen::VectorXd& x) const;
  /// ∇Φ(x).
  [[nodiscard]] virtual std::optional<Eigen::VectorXd> hypergradient(const Eigen::VectorXd& x) const;
  /// Φ(x) = f(x, y*(x)) (full sums).
  [[nodiscard]] virtual std::optional<double> value(const Eigen::VectorXd& x) const;
  /// Φ* = min Φ (or its infimum).
  [[nodiscard]] virtual std::optional<double> optimal_value() const;
  /// A minimizer x*.
  [[nodiscard]] virtual std::optional<Eigen::VectorXd> minimizer() const;
  /// @}
};

}  // namespace sampo::bilevel

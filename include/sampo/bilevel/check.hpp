#pragma once
/// @file
/// Tools around a Problem: an oracle checker against finite differences (run it on every new
/// problem), a precise lower-level solve and an implicit-differentiation hypergradient for
/// problems without closed forms (references for traces and experiments).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sampo/bilevel/problem.hpp"
#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::bilevel {

/// Options of check_oracles.
struct OracleCheckOptions {
  /// Central-difference step, relative: h = step·max(1, ‖point‖∞). The truncation error is
  /// O(h²·f''') and the rounding error O(eps·|f|/h); 1e-5 balances them for smooth problems.
  double step = 1e-5;
  /// A check passes when |analytic − finite difference| <= tolerance·max(1, scale) + rounding,
  /// scale the largest magnitude among the compared numbers (the two errors above: about
  /// 1e-10·scale for O(1) values) and rounding = 64·eps·(|φ₊| + |φ₋|)/(2h) the rounding
  /// allowance of the difference quotient of the values φ± compared (so that a sum whose value
  /// is large against its derivative does not fail by rounding alone).
  double tolerance = 1e-6;
  std::size_t directions = 3;   ///< random directions per derivative
  std::uint64_t seed = 0;       ///< directions
  void validate() const;
};

/// One comparison of check_oracles.
struct OracleCheckRow {
  std::string oracle;    ///< "grad_x_f", "grad_y_f", "grad_x_g", "grad_y_g", "hvp_yy_g", "jvp_xy_g"
  std::size_t direction = 0;
  double analytic = 0.0;     ///< directional derivative from the oracle
  double numerical = 0.0;    ///< central difference
  double error = 0.0;        ///< |analytic − numerical| / max(1, scale)
  double rounding = 0.0;     ///< rounding allowance of the central difference (OracleCheckOptions::tolerance)
  bool passed = false;
};

/// Result of check_oracles.
struct OracleCheckResult {
  std::vector<OracleCheckRow> rows;
  bool passed = false;   ///< every row passed
  double max_error = 0.0;  ///< the largest OracleCheckRow::error
  Run run;               ///< evaluations: oracle calls made
};

/// Compares each derivative oracle (full sums) with central differences of the oracle below it
/// at (x, y), along random unit directions: ∇_x f, ∇_y f, ∇_x g (skipped when the problem does
/// not provide it), ∇_y g against f and g; ∇²_yy g·v and ∇²_xy g·v against differences of ∇_y g
/// (vᵀ∇²_xy g·u = d/dt vᵀ∇_y g(x + tu, y)). A problem whose grad_x_g throws
/// sampo::invalid_argument does not provide it: it gets no rows, and run.message says so.
/// run.termination is always converged (the check ran); `passed` is the verdict.
/// @throw sampo::invalid_argument for wrong sizes or bad options.
[[nodiscard]] OracleCheckResult check_oracles(const Problem& problem, const Eigen::VectorXd& x,
                                              const Eigen::VectorXd& y,
                                              const OracleCheckOptions& options = {});

/// Options of solve_lower_level.
struct LowerSolveOptions {
  double tolerance = 1e-10;        ///< ‖∇_y g‖ <= tolerance·max(1, ‖∇_y g(y0)‖)
  std::size_t max_iterations = 100;  ///< Newton iterations
  std::size_t cg_iterations = 200;   ///< CG iterations per Newton step
  void validate() const;
};

/// Result of solve_lower_level.
struct LowerSolveResult {
  Eigen::VectorXd y;
  double gradient_norm = 0.0;  ///< ‖∇_y g(x, y)‖ at the answer
  Run run;                     ///< iterations: Newton steps; evaluations: oracle calls
};

/// y*(x) by Newton–CG on g(x, ·) (full sums; Hessian-vector products, backtracking on g),
/// from @p y0. For a strongly convex g it converges quadratically near y*. CG stops at the
/// forcing term min(0.5, sqrt(‖∇_y g‖/max(1, ‖∇_y g(y0)‖))) or at non-positive curvature
/// (steepest descent if the first direction has it); the Armijo test (c₁ = 1e-4, halving)
/// allows 100·eps·(1 + |g|) of rounding. run.termination: converged (tolerance met),
/// max_iterations, or numerical_failure (a non-finite g or gradient, or no decrease found).
[[nodiscard]] LowerSolveResult solve_lower_level(const Problem& problem, const Eigen::VectorXd& x,
                                                 const Eigen::VectorXd& y0,
                                                 const LowerSolveOptions& options = {});

/// ∇Φ(x) by implicit differentiation at y (taken as y*(x)): ∇_x f − ∇²_xy g·v with
/// ∇²_yy g·v = ∇_y f solved by CG to relative residual @p cg_tolerance (full sums).
/// @throw sampo::invalid_argument for wrong sizes, cg_tolerance <= 0 or cg_iterations == 0.
/// @throw sampo::numerical_error when CG meets non-positive curvature (the lower level is not
///        strongly convex at y) or does not reach @p cg_tolerance within @p cg_iterations: a
///        reference value is never returned silently inaccurate.
[[nodiscard]] Eigen::VectorXd implicit_hypergradient(const Problem& problem,
                                                     const Eigen::VectorXd& x,
                                                     const Eigen::VectorXd& y,
                                                     double cg_tolerance = 1e-12,
                                                     std::size_t cg_iterations = 1000);

}  // namespace sampo::bilevel

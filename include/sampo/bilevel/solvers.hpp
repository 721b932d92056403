#pragma once
/// @file
/// Bilevel solvers on counted oracles: BO-REP and the standard baselines (docs/bilevel.md has
/// one line per update rule, with its reference).
///
/// Notation: H = ∇²_yy g, J = ∇²_xy g (J·v ∈ ℝ^{d_x}), ĝ = ∇_x f − J·z the hypergradient
/// estimate with z ≈ H⁻¹∇_y f. With batch_size > 0 every oracle is called on its own
/// mini-batch, drawn uniformly with replacement from a counter-based stream keyed by (seed,
/// iteration, purpose), so a seed reproduces a run exactly; batch_size = 0 uses full sums
/// (deterministic oracles).
///
/// Every solver takes its own Options (deriving from SolverOptions, the fields every solver
/// shares) and returns a BilevelResult: x, y, how it stopped (Run: iterations = outer
/// iterations, evaluations = oracle calls), the oracle counts by type, a trace, and the
/// lower-level curvature report. Non-convergence, a non-finite oracle value (which oracle,
/// which iteration) and a lower level found not strongly convex end the run with the reason in
/// run.termination / run.message, never an exception; bad options and mismatched dimensions
/// throw sampo::invalid_argument.
///
/// Step sizes are problem dependent: the defaults suit problems scaled so that the lower
/// level's smoothness constant is about 1 (the built-in problems); `sampo bilevel compare`
/// picks them from a grid, as the benchopt bilevel benchmark does (docs/bilevel.md).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sampo/bilevel/oracles.hpp"
#include "sampo/bilevel/problem.hpp"
#include "sampo/core/cancellation.hpp"
#include "sampo/core/eigen.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::bilevel {

/// One row of a run's trace. Closed-form columns are NaN where the problem does not know them.
struct TracePoint {
  std::size_t iteration = 0;       ///< outer iterations done
  std::size_t oracle_calls = 0;    ///< OracleCounts::total_calls() so far
  std::size_t oracle_samples = 0;  ///< OracleCounts::total_samples() so far
  double seconds = 0.0;            ///< solver time so far (trace evaluation excluded)
  double value = std::numeric_limits<double>::quiet_NaN();          ///< Φ(x)
  double gradient_norm = std::numeric_limits<double>::quiet_NaN();  ///< ‖∇Φ(x)‖
  double inner_distance = std::numeric_limits<double>::quiet_NaN(); ///< ‖y − y*(x)‖
};

/// What a callback sees after each outer iteration.
struct IterationInfo {
  std::size_t iteration;        ///< outer iterations done
  const Eigen::VectorXd& x;
  const Eigen::VectorXd& y;
  const OracleCounts& counts;
  double seconds;               ///< solver time so far
};

/// Returns false to stop the run (Termination::user_stopped).
using IterationCallback = std::function<bool(const IterationInfo&)>;

/// Lower-level strong-convexity check: a Lanczos estimate of the extreme eigenvalues of
/// H = ∇²_yy g(x, y) (full sums) at the current iterate. Its smallest Ritz value is a Rayleigh
/// quotient, so λ_min(H) <= it: when it is <= tolerance·(largest Ritz value) (or <= 0) the
/// lower level is not strongly convex there, to working accuracy, and the run stops.
struct CurvatureReport {
  bool checked = false;           ///< at least one check ran
  bool strongly_convex = true;    ///< false: a check failed (run.termination = numerical_failure)
  std::size_t checks = 0;         ///< checks run
  double min_ritz = std::numeric_limits<double>::quiet_NaN();  ///< smallest Ritz value seen (an upper bound on λ_min there)
  double max_ritz = std::numeric_limits<double>::quiet_NaN();  ///< largest Ritz value seen
  std::size_t iteration = 0;      ///< iteration of the check that gave min_ritz
  std::size_t oracle_calls = 0;   ///< HVPs the checks used (not in BilevelResult::oracle_counts)
};

/// Fields every solver shares.
struct SolverOptions {
  std::size_t max_iterations = 1000;  ///< outer iterations
  std::size_t max_oracle_calls = 0;   ///< stop once OracleCounts::total_calls() reaches it (0: no limit)
  Eigen::Index batch_size = 0;        ///< samples per stochastic oracle call (0: full sums)
  std::uint64_t seed = 0;             ///< mini-batches and random choices (Lanczos start, HIA depth)
  /// Trace every this many iterations (and at the start and end); 0: no trace.
  std::size_t trace_every = 1;
  /// Stop with converged when ‖∇Φ(x)‖ <= this, for problems with a closed-form hypergradient
  /// (evaluated at trace points only); 0: never.
  double gradient_tolerance = 0.0;
  bool check_curvature = true;        ///< run the lower-level curvature check
  /// Check every this many iterations, besides the start and the end (0: start and end only).
  std::size_t curvature_every = 0;
  std::size_t lanczos_steps = 20;     ///< Lanczos steps per check (at most d_y; each one HVP)
  double curvature_tolerance = 1e-8;  ///< relative threshold of the check
  IterationCallback callback;         ///< after each iteration; may stop the run
  const CancellationFlag* cancel = nullptr;  ///< polled before each iteration
  Progress* progress = nullptr;       ///< advanced once per iteration

  /// @throw sampo::invalid_argument naming the field.
  void validate(std::string_view function) const;
};

/// What every solver returns.
struct BilevelResult {
  std::string solver;         ///< "borep", "aid-cg", ...
  Eigen::VectorXd x;          ///< last upper-level iterate
  Eigen::VectorXd y;          ///< last lower-level iterate
  Eigen::VectorXd z;          ///< last linear-system / auxiliary iterate (empty for ITD, F2SA)
  OracleCounts oracle_counts;
  std::vector<TracePoint> trace;
  CurvatureReport curvature;
  Run run;  ///< iterations = outer iterations, evaluations = oracle calls
};

/// BO-REP (Hao, Gong, Liu, ICLR 2024): normalized momentum on x, z tracking H⁻¹∇_y f by one
/// stochastic step per iteration, lower-level initialization refinement, periodic updates.
///   y₀ ← Epoch-SGD on g(x₀, ·) (refine_epochs epochs; epoch k: refine_steps·2^k steps of size
///        inner_step·2^{-k} from the previous epoch's average; output: the last average)
///   every `period` iterations (t >= 1): y ← `lower_steps` SGD steps on g(x_t, ·), warm start
///   z ← Π(z − aux_step·(H z − ∇_y F)),  m ← β m + (1 − β)(∇_x F − J z),  x ← x − η m/‖m‖
/// Defaults: β, aux_step, period and lower_steps from the paper's experiments (docs).
struct BorepOptions : SolverOptions {
  double outer_step = 0.02;   ///< η, the length of each x step
  double inner_step = 0.01;   ///< γ, lower-level SGD step
  double aux_step = 0.01;     ///< ν, step of z
  double momentum = 0.9;      ///< β
  std::size_t period = 2;     ///< I
  std::size_t lower_steps = 3;  ///< N
  std::size_t refine_epochs = 3;  ///< initialization refinement epochs (0: none)
  std::size_t refine_steps = 10;  ///< steps of its first epoch (doubling)
  double aux_radius = 0.0;    ///< project z on the ball of this radius (0: no projection)
  void validate() const;
};

/// AID with conjugate gradient (Pedregosa 2016; Ji, Yang, Liang 2021): K warm-started lower
/// steps, H v = ∇_y f by CG (warm-started), x ← x − α(∇_x f − J v). Stochastic with batch_size
/// > 0 (one Hessian batch per CG solve).
struct AidCgOptions : SolverOptions {
  double outer_step = 0.01;    ///< α
  double inner_step = 0.1;     ///< lower-level step
  std::size_t inner_steps = 10;   ///< K
  std::size_t cg_iterations = 10; ///< CG iterations per solve (at most)
  double cg_tolerance = 1e-10;    ///< relative residual that ends CG early
  bool warm_start = true;         ///< start CG from the previous v
  void validate() const;
};

/// ITD (Franceschi et al. 2017): K unrolled lower steps y_{k+1} = y_k − γ∇_y g(x, y_k) from y₀
/// (the previous y_K when warm_start), hypergradient by reverse mode through the unroll:
/// ĝ = ∇_x f(x, y_K) − γ Σ_k J(x, y_k) Π_{j>k}(I − γH(x, y_j)) ∇_y f(x, y_K); x ← x − αĝ.
struct ItdOptions : SolverOptions {
  double outer_step = 0.01;
  double inner_step = 0.1;
  std::size_t inner_steps = 20;
  bool warm_start = false;   ///< false: every unroll starts from the initial y
  void validate() const;
};

/// stocBiO (Ji, Yang, Liang, ICML 2021): N warm-started SGD steps on y, Neumann series
/// v = η Σ_{q=0}^{Q} Π_{k<=q}(I − ηH_k)∇_y F (each factor its own batch), x ← x − α(∇_x F − J v).
struct StocBioOptions : SolverOptions {
  double outer_step = 0.01;
  double inner_step = 0.1;
  std::size_t inner_steps = 10;     ///< N
  std::size_t neumann_terms = 10;   ///< Q
  double neumann_step = 0.1;        ///< η (<= 1/L_g)
  void validate() const;
};

/// TTSA (Hong, Wai, Wang, Yang, SIOPT 2023): one SGD step on y with β_t = inner_step·(t+1)^{-2/5},
/// HIA (Ghadimi & Wang 2018: v = Q·η·Π_{k=1}^{p}(I − ηH_k)∇_y F, p uniform on {0..Q−1}),
/// x ← x − α_t(∇_x F − J v), α_t = outer_step·(t+1)^{-3/5}.
struct TtsaOptions : SolverOptions {
  double outer_step = 0.01;
  double inner_step = 0.1;
  double inner_decay = 0.4;
  double outer_decay = 0.6;
  std::size_t neumann_terms = 10;   ///< Q
  double neumann_step = 0.1;        ///< η
  void validate() const;
};

/// SOBA (Dagréou, Ablin, Vaiter, Moreau, NeurIPS 2022): single loop, at (x_t, y_t, z_t):
/// y ← y − ρ_t∇_y G,  z ← z − ρ_t(H z − ∇_y F),  x ← x − γ_t(∇_x F − J z),
/// ρ_t = inner_step·(t+1)^{-inner_decay}, γ_t = outer_step·(t+1)^{-outer_decay}.
struct SobaOptions : SolverOptions {
  double outer_step = 0.01;
  double inner_step = 0.1;
  double inner_decay = 0.5;
  double outer_decay = 0.5;
  void validate() const;
};

/// MA-SOBA (Chen, Xiao, Balasubramanian 2023): SOBA's y and z steps with constant ρ, and a
/// moving average of the hypergradient: h ← βh + (1 − β)(∇_x F − J z), x ← x − γh.
struct MaSobaOptions : SolverOptions {
  double outer_step = 0.01;
  double inner_step = 0.1;
  double momentum = 0.9;
  void validate() const;
};

/// F2SA (Kwon, Kwon, Wright, Nowak, ICML 2023), fully first order: with multiplier λ_t =
/// min(lambda_start + lambda_growth·t, lambda_max), K inner steps on
/// ẑ ← ẑ − γ∇_y G(x, ẑ) and y ← y − γ(∇_y F(x, y)/λ + ∇_y G(x, y)), then
/// x ← x − α(∇_x F(x, y) + λ(∇_x G(x, y) − ∇_x G(x, ẑ))). Needs Problem::grad_x_g.
struct F2saOptions : SolverOptions {
  double outer_step = 0.01;
  double inner_step = 0.1;
  std::size_t inner_steps = 10;
  double lambda_start = 1.0;
  double lambda_growth = 0.1;
  double lambda_max = 1e3;
  void validate() const;
};

[[nodiscard]] BilevelResult borep(const Problem& problem, const Eigen::VectorXd& x0,
                                  const Eigen::VectorXd& y0, const BorepOptions& options = {});
[[nodiscard]] BilevelResult aid_cg(const Problem& problem, const Eigen::VectorXd& x0,
                                   const Eigen::VectorXd& y0, const AidCgOptions& options = {});
[[nodiscard]] BilevelResult itd(const Problem& problem, const Eigen::VectorXd& x0,
                                const Eigen::VectorXd& y0, const ItdOptions& options = {});
[[nodiscard]] BilevelResult stocbio(const Problem& problem, const Eigen::VectorXd& x0,
                                    const Eigen::VectorXd& y0, const StocBioOptions& options = {});
[[nodiscard]] BilevelResult ttsa(const Problem& problem, const Eigen::VectorXd& x0,
                                 const Eigen::VectorXd& y0, const TtsaOptions& options = {});
[[nodiscard]] BilevelResult soba(const Problem& problem, const Eigen::VectorXd& x0,
                                 const Eigen::VectorXd& y0, const SobaOptions& options = {});
[[nodiscard]] BilevelResult ma_soba(const Problem& problem, const Eigen::VectorXd& x0,
                                    const Eigen::VectorXd& y0, const MaSobaOptions& options = {});
[[nodiscard]] BilevelResult f2sa(const Problem& problem, const Eigen::VectorXd& x0,
                                 const Eigen::VectorXd& y0, const F2saOptions& options = {});

/// One settable field of a solver's own Options: its key (the field's name, "outer_step") and a
/// pointer into the struct (a number, a count or a flag). What solve() sets from "key=value",
/// and what a binding sets from its keywords (the Python package), from one table.
struct SolverSetting {
  const char* name;                                  ///< the key; a string literal
  std::variant<double*, std::size_t*, bool*> field;  ///< the field of the Options given
};

/// The own fields of a solver's Options (not SolverOptions' shared ones), in the order of the
/// struct: the keys of solve() and solver_settings(). The pointers point into @p options.
[[nodiscard]] std::vector<SolverSetting> settings_of(BorepOptions& options);
[[nodiscard]] std::vector<SolverSetting> settings_of(AidCgOptions& options);
[[nodiscard]] std::vector<SolverSetting> settings_of(ItdOptions& options);
[[nodiscard]] std::vector<SolverSetting> settings_of(StocBioOptions& options);
[[nodiscard]] std::vector<SolverSetting> settings_of(TtsaOptions& options);
[[nodiscard]] std::vector<SolverSetting> settings_of(SobaOptions& options);
[[nodiscard]] std::vector<SolverSetting> settings_of(MaSobaOptions& options);
[[nodiscard]] std::vector<SolverSetting> settings_of(F2saOptions& options);

/// The solver names solve() knows: borep, aid-cg, itd, stocbio, ttsa, soba, ma-soba, f2sa.
[[nodiscard]] const std::vector<std::string>& solver_names();

/// The settable fields ("key") of a solver's own Options, for messages and --help.
/// @throw sampo::invalid_argument for an unknown solver.
[[nodiscard]] std::vector<std::string> solver_settings(std::string_view solver);

/// Runs the named solver with @p common and its own fields set from "key=value" @p settings
/// (keys as the Options fields: outer_step, inner_step, momentum, period, ...; a key set twice
/// keeps the last). @throw sampo::invalid_argument for an unknown solver, key or bad value
/// (naming the setting), and as the solver.
[[nodiscard]] BilevelResult solve(const Problem& problem, const Eigen::VectorXd& x0,
                                  const Eigen::VectorXd& y0, std::string_view solver,
                                  const SolverOptions& common = {},
                                  std::span<const std::string> settings = {});

}  // namespace sampo::bilevel

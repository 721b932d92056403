#pragma once
/// @file
/// Built-in bilevel problems, each with the closed forms the validation checks against
/// (docs/bilevel.md derives them):
/// - QuadraticProblem: quadratic f and g, everything in closed form (x*, Φ*);
/// - StochasticQuadraticProblem: a finite-sum quadratic (least-squares samples) whose means are
///   a QuadraticProblem, for mini-batch oracles;
/// - RidgeHpoProblem: ridge regression with one regularizer e^{λ_j} per feature;
/// - HypercleanLsProblem: weighted least-squares data hyper-cleaning (weights σ(λ_i));
/// - CoshProblem: an upper level that is (L0, L1)-smooth but not L-smooth, known minimizer;
/// - DegenerateProblem: a lower level that is not strongly convex when ε = 0;
/// - HypercleanLogisticProblem: multinomial logistic regression with per-sample weights σ(λ_i)
///   (data hyper-cleaning on real data; no closed form).
///
/// Every constructor checks its data (shapes, finiteness, positivity) and throws
/// sampo::invalid_argument naming the argument. The finite sums scale mini-batches so that
/// they are unbiased (problem.hpp).
/// Every oracle checks the sizes of x, y and v and that each batch index lies in the samples
/// of its level, and throws sampo::invalid_argument naming 'x', 'y', 'v' or 'batch' (with the
/// bad index) otherwise; problems that are not finite sums ignore the batch.
///
/// Threads. Every oracle returns the same bits for any number of OpenMP threads: the oracles
/// use matrix-vector products only, and HypercleanLogisticProblem sums its samples in fixed
/// blocks of 128, added in block order (parallel::map_reduce). The Gram matrices of the
/// constructors (ridge, hyperclean, the stochastic quadratic's means) come from linalg::gram,
/// also thread-independent. Not so the precomputations that use Eigen's blocked matrix-matrix
/// products, whose block sizes depend on the thread count: QuadraticProblem's P, ∇²Φ and x*
/// (hence minimizer(), optimal_value()) and make_quadratic's random matrices may differ in
/// the last bits between thread counts for large dimensions (equal bits at d = 300 in the
/// tests, different ones at d = 1000 in a one-off check).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sampo/bilevel/problem.hpp"
#include "sampo/core/eigen.hpp"

namespace sampo::bilevel {

/// g(x, y) = ½yᵀAy + ½xᵀBx + xᵀCy + aᵀy + bᵀx + g0,
/// f(x, y) = ½yᵀFy + ½xᵀHx + xᵀKy + f0ᵀy + hᵀx + f_const, A ≻ 0 (d_y x d_y), C and K d_x x d_y.
struct QuadraticData {
  Eigen::MatrixXd A, B, C;
  Eigen::VectorXd a, b;
  Eigen::MatrixXd F, H, K;
  Eigen::VectorXd f0, h;
  double g0 = 0.0;
  double f_const = 0.0;
};

/// Deterministic quadratic–quadratic problem. y*(x) = Px + q with P = −A⁻¹Cᵀ, q = −A⁻¹a;
/// ∇Φ(x) = Hx + Ky* + h + Pᵀ(Fy* + Kᵀx + f0); ∇²Φ = PᵀFP + H + KP + PᵀKᵀ; x* = −(∇²Φ)⁻¹(PᵀFq
/// + Kq + Pᵀf0 + h) when ∇²Φ ≻ 0 (minimizer() and optimal_value() are empty otherwise).
class QuadraticProblem : public Problem {
 public:
  /// @throw sampo::invalid_argument for inconsistent shapes, non-finite entries, A, B, F, H
  ///        not symmetric, or A not SPD (sampo::not_spd_error).
  explicit QuadraticProblem(QuadraticData data);

  [[nodiscard]] std::string name() const override { return "quadratic"; }
  [[nodiscard]] Eigen::Index dim_x() const override;
  [[nodiscard]] Eigen::Index dim_y() const override;
  [[nodiscard]] double f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  [[nodiscard]] double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  void grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch, Eigen::VectorXd& out) const override;
  void grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch, Eigen::VectorXd& out) const override;
  void grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch, Eigen::VectorXd& out) const override;
  void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch, Eigen::VectorXd& out) const override;
  void hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch,
                Eigen::VectorXd& out) const override;
  void jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch,
                Eigen::VectorXd& out) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> lower_solution(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> hypergradient(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> value(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> optimal_value() const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> minimizer() const override;

  [[nodiscard]] const QuadraticData& data() const noexcept { return data_; }
  /// ∇²Φ (constant).
  [[nodiscard]] const Eigen::MatrixXd& hessian() const noexcept { return hess_; }

 private:
  QuadraticData data_;
  Eigen::MatrixXd P_, hess_;
  Eigen::VectorXd q_;
  std::optional<Eigen::VectorXd> xstar_;
};

/// Options of make_quadratic (a random problem in the style of the benchopt "simulated" one).
struct QuadraticProblemOptions {
  Eigen::Index dim_x = 10;
  Eigen::Index dim_y = 10;
  double mu = 0.1;          ///< smallest eigenvalue of A (strong convexity of g)
  double L = 1.0;           ///< largest eigenvalue of A, F, H (log-spaced spectra in [mu, L])
  double coupling = 0.1;    ///< spectral norm scale of C and K
  std::uint64_t seed = 0;
  void validate() const;
};
/// A random QuadraticProblem: A, B, F (d_y or d_x square) and H with random orthogonal
/// eigenvectors and eigenvalues log-spaced in [mu, L]; C and K Gaussian, scaled to spectral
/// norm `coupling`; a, b, f0, h standard normal; g0 = f_const = 0. The cross terms KP + PᵀKᵀ
/// of ∇²Φ may make it indefinite: H is then shifted by (mu − λ_min(∇²Φ))·I, so that
/// λ_min(∇²Φ) >= mu up to rounding (and x* exists).
[[nodiscard]] QuadraticProblem make_quadratic(const QuadraticProblemOptions& options = {});

/// Finite-sum quadratic with least-squares samples (n inner rows, m outer rows):
///   g(x, y) = (1/n) Σ_i ½(a_iᵀy + c_iᵀx − s_i)² + (mu/2)‖y‖²,
///   f(x, y) = (1/m) Σ_j ½(p_jᵀy + q_jᵀx − r_j)² + (rho/2)‖x‖².
/// Its full sums are the QuadraticProblem of means(); Φ is convex, ∇²Φ ⪰ rho·I.
struct StochasticQuadraticData {
  Eigen::MatrixXd a;  ///< n x d_y
  Eigen::MatrixXd c;  ///< n x d_x
  Eigen::VectorXd s;  ///< n
  Eigen::MatrixXd p;  ///< m x d_y
  Eigen::MatrixXd q;  ///< m x d_x
  Eigen::VectorXd r;  ///< m
  double mu = 0.1;    ///< > 0
  double rho = 0.0;   ///< >= 0
};

class StochasticQuadraticProblem : public Problem {
 public:
  /// @throw sampo::invalid_argument for inconsistent shapes, non-finite entries, mu <= 0 or rho < 0.
  explicit StochasticQuadraticProblem(StochasticQuadraticData data);

  [[nodiscard]] std::string name() const override { return "quadratic-stochastic"; }
  [[nodiscard]] Eigen::Index dim_x() const override;
  [[nodiscard]] Eigen::Index dim_y() const override;
  [[nodiscard]] Eigen::Index outer_samples() const override;
  [[nodiscard]] Eigen::Index inner_samples() const override;
  [[nodiscard]] double f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  [[nodiscard]] double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  void grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  void jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> lower_solution(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> hypergradient(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> value(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> optimal_value() const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> minimizer() const override;

  /// The deterministic problem of the full sums.
  [[nodiscard]] const QuadraticProblem& means() const noexcept { return means_; }
  [[nodiscard]] const StochasticQuadraticData& data() const noexcept { return data_; }

 private:
  StochasticQuadraticData data_;
  QuadraticProblem means_;
};

/// Options of make_stochastic_quadratic.
struct StochasticQuadraticOptions {
  Eigen::Index dim_x = 10;
  Eigen::Index dim_y = 10;
  Eigen::Index inner_samples = 1024;  ///< n
  Eigen::Index outer_samples = 1024;  ///< m
  double mu = 0.1;
  double rho = 0.01;
  double coupling = 0.3;   ///< scale of the c_i, q_i rows relative to a_i, p_i
  std::uint64_t seed = 0;
  void validate() const;
};
/// Random Gaussian rows: a_i ~ N(0, σ²I) with σ = 1/(1 + sqrt(d_y/n)), so that
/// λ_max((1/n)Σ a_i a_iᵀ) is about 1 (Marchenko–Pastur); c_i ~ coupling·N(0, I)/(1 + sqrt(d_x/n));
/// p_j, q_j likewise with m; s, r standard normal.
[[nodiscard]] StochasticQuadraticProblem make_stochastic_quadratic(const StochasticQuadraticOptions& options = {});

/// Ridge regression with one regularizer per feature (x = λ ∈ ℝ^p, y = w ∈ ℝ^p):
///   g(λ, w) = ½‖X_tr w − y_tr‖² + ½Σ_j e^{λ_j} w_j²,  f(λ, w) = ½‖X_val w − y_val‖².
/// Finite sums over the training rows (g) and validation rows (f).
/// w* = (X_trᵀX_tr + diag(e^λ))⁻¹X_trᵀy_tr, ∇Φ(λ) = −e^λ ⊙ w* ⊙ v with
/// v = (X_trᵀX_tr + diag(e^λ))⁻¹X_valᵀ(X_val w* − y_val).
class RidgeHpoProblem : public Problem {
 public:
  /// @throw sampo::invalid_argument for empty or non-finite data or inconsistent shapes.
  RidgeHpoProblem(Eigen::MatrixXd x_train, Eigen::VectorXd y_train, Eigen::MatrixXd x_val,
                  Eigen::VectorXd y_val);
  [[nodiscard]] std::string name() const override { return "ridge-hpo"; }
  [[nodiscard]] Eigen::Index dim_x() const override;
  [[nodiscard]] Eigen::Index dim_y() const override;
  [[nodiscard]] Eigen::Index outer_samples() const override;
  [[nodiscard]] Eigen::Index inner_samples() const override;
  [[nodiscard]] double f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  [[nodiscard]] double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  void grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  void jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> lower_solution(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> hypergradient(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> value(const Eigen::VectorXd& x) const override;

 private:
  Eigen::MatrixXd xtr_, xval_;
  Eigen::VectorXd ytr_, yval_;
  Eigen::MatrixXd gram_;  // X_trᵀX_tr (full-batch oracles and closed forms)
  Eigen::VectorXd xty_;   // X_trᵀy_tr
};

/// Options of make_ridge_hpo: standard normal features, a sparse true w (each entry N(0, 1)
/// with probability 1/3, else 0; entry 0 always nonzero), targets X w + noise·N(0, 1).
struct RidgeHpoOptions {
  Eigen::Index features = 10;
  Eigen::Index train_samples = 100;
  Eigen::Index val_samples = 100;
  double noise = 0.5;
  std::uint64_t seed = 0;
  void validate() const;
};
[[nodiscard]] RidgeHpoProblem make_ridge_hpo(const RidgeHpoOptions& options = {});

/// Weighted least-squares data hyper-cleaning (x = λ ∈ ℝ^n, y = w ∈ ℝ^p):
///   g(λ, w) = ½Σ_i σ(λ_i)(x_iᵀw − y_i)² + (c/2)‖w‖²,  f(w) = ½‖X_val w − y_val‖²,
/// ∂Φ/∂λ_i = −σ'(λ_i) r_i x_iᵀA⁻¹∇_w f(w*), A = XᵀDX + cI, r_i = x_iᵀw* − y_i.
class HypercleanLsProblem : public Problem {
 public:
  /// @param c > 0.
  /// @throw sampo::invalid_argument for empty or non-finite data, inconsistent shapes or c <= 0.
  HypercleanLsProblem(Eigen::MatrixXd x_train, Eigen::VectorXd y_train, Eigen::MatrixXd x_val,
                      Eigen::VectorXd y_val, double c);
  [[nodiscard]] std::string name() const override { return "hyperclean-ls"; }
  [[nodiscard]] Eigen::Index dim_x() const override;
  [[nodiscard]] Eigen::Index dim_y() const override;
  [[nodiscard]] Eigen::Index outer_samples() const override;
  [[nodiscard]] Eigen::Index inner_samples() const override;
  [[nodiscard]] double f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  [[nodiscard]] double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  void grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  void jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> lower_solution(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> hypergradient(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> value(const Eigen::VectorXd& x) const override;

 private:
  Eigen::MatrixXd xtr_, xval_;
  Eigen::VectorXd ytr_, yval_;
  double c_;
};

/// Options of make_hyperclean_ls: standard normal features and true w, targets x_iᵀw + 0.1·N(0, 1);
/// exactly round(corrupted_fraction·n) training targets, chosen at random, replaced by
/// ‖w‖·N(0, 1) draws (HypercleanLsInstance::corrupted says which).
struct HypercleanLsOptions {
  Eigen::Index features = 5;
  Eigen::Index train_samples = 50;
  Eigen::Index val_samples = 50;
  double corrupted_fraction = 0.3;
  double c = 0.1;
  std::uint64_t seed = 0;
  void validate() const;
};
/// The problem and which training rows were corrupted.
struct HypercleanLsInstance {
  HypercleanLsProblem problem;
  std::vector<bool> corrupted;
};
[[nodiscard]] HypercleanLsInstance make_hyperclean_ls(const HypercleanLsOptions& options = {});

/// An upper level that is (L0, L1)-smooth but not L-smooth:
///   g(x, y) = ½yᵀAy − xᵀy,  f(x, y) = Σ_j cosh(y_j − c_j),  A ≻ 0, d_x = d_y = d.
/// y*(x) = A⁻¹x, Φ(x) = Σ_j cosh((A⁻¹x)_j − c_j), ∇Φ = A⁻¹ sinh(A⁻¹x − c); minimizer x* = Ac,
/// Φ* = d. ‖∇²Φ‖ <= L0 + L1‖∇Φ‖-type growth: a fixed step safe far from x* is tiny near it.
class CoshProblem : public Problem {
 public:
  /// @throw sampo::invalid_argument if A is not SPD or shapes differ.
  CoshProblem(Eigen::MatrixXd A, Eigen::VectorXd c);
  [[nodiscard]] std::string name() const override { return "cosh"; }
  [[nodiscard]] Eigen::Index dim_x() const override;
  [[nodiscard]] Eigen::Index dim_y() const override;
  [[nodiscard]] double f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  [[nodiscard]] double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  void grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  void jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> lower_solution(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> hypergradient(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> value(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> optimal_value() const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> minimizer() const override;

 private:
  Eigen::MatrixXd A_;
  Eigen::VectorXd c_;
  Eigen::MatrixXd chol_;  // lower Cholesky factor of A
};
/// A CoshProblem of dimension d with A's eigenvalues log-spaced in [1, condition] and c
/// uniform in [-1, 1].
[[nodiscard]] CoshProblem make_cosh(Eigen::Index d = 5, double condition = 4.0, std::uint64_t seed = 0);

/// x ∈ ℝ, y ∈ ℝ²: g = ½y₁² − x y₁ + (ε/2)y₂²,  f = ½(x − y₂)² + ½(y₁ − 1)².
/// ε > 0: y* = (x, 0), Φ = ½x² + ½(x − 1)², x* = ½, Φ* = ¼. ε = 0: the lower level's minimizers
/// form the line y₁ = x (not strongly convex; the curvature check must report it), and every
/// closed form (lower_solution, hypergradient, value, optimal_value, minimizer) is empty.
class DegenerateProblem : public Problem {
 public:
  /// @param epsilon >= 0.
  explicit DegenerateProblem(double epsilon);
  [[nodiscard]] std::string name() const override { return "degenerate"; }
  [[nodiscard]] Eigen::Index dim_x() const override { return 1; }
  [[nodiscard]] Eigen::Index dim_y() const override { return 2; }
  [[nodiscard]] double f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  [[nodiscard]] double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  void grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  void jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> lower_solution(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> hypergradient(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> value(const Eigen::VectorXd& x) const override;
  [[nodiscard]] std::optional<double> optimal_value() const override;
  [[nodiscard]] std::optional<Eigen::VectorXd> minimizer() const override;

 private:
  double eps_;
};

/// Multinomial logistic regression with per-sample weights (data hyper-cleaning; x = λ ∈ ℝ^n,
/// y = W ∈ ℝ^{K x (p+1)} stored column-major, last column the intercepts):
///   g(λ, W) = (1/n) Σ_i σ(λ_i) CE(W; u_i, ℓ_i) + (c/2)‖W‖²,  f(W) = (1/m) Σ_j CE(W; v_j, ℓ'_j),
/// CE the softmax cross-entropy. Labels are 0..K−1. The regularization covers every entry of
/// W, intercepts included. grad_x_f is 0 (f does not depend on λ). No closed form.
class HypercleanLogisticProblem : public Problem {
 public:
  /// @param classes K >= 2; labels in [0, K). @param c > 0.
  /// @throw sampo::invalid_argument for empty or non-finite features, inconsistent shapes or
  ///        label counts, a label outside [0, K), K < 2 or c <= 0.
  HypercleanLogisticProblem(Eigen::MatrixXd x_train, std::vector<int> labels_train,
                            Eigen::MatrixXd x_val, std::vector<int> labels_val, int classes,
                            double c);
  [[nodiscard]] std::string name() const override { return "hyperclean-logistic"; }
  [[nodiscard]] Eigen::Index dim_x() const override;
  [[nodiscard]] Eigen::Index dim_y() const override;
  [[nodiscard]] Eigen::Index outer_samples() const override;
  [[nodiscard]] Eigen::Index inner_samples() const override;
  [[nodiscard]] double f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  [[nodiscard]] double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) const override;
  void grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out) const override;
  void hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;
  void jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v, Batch batch,
                Eigen::VectorXd& out) const override;

  [[nodiscard]] int classes() const noexcept { return classes_; }
  /// The ℓ2 weight c.
  [[nodiscard]] double regularization() const noexcept { return c_; }
  /// Predicted labels (argmax of the scores; the smallest label on ties) of the rows of
  /// @p features (p columns) under weights @p w (size dim_y()).
  [[nodiscard]] std::vector<int> predict(const Eigen::VectorXd& w,
                                         const Eigen::Ref<const Eigen::MatrixXd>& features) const;

 private:
  Eigen::MatrixXd xtr_, xval_;  // features transposed: p x n and p x m, one column per sample
  std::vector<int> ltr_, lval_;
  int classes_;
  double c_;
};

}  // namespace sampo::bilevel

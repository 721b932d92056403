#pragma once
// sampo::sketch internals shared by the score, sampling, regression and distortion files:
// argument checks, an orthonormal basis of range(A), and the ℓp solver with its certificate.

#include <cstddef>
#include <cstdint>
#include <vector>
#include <string_view>

#include <Eigen/SparseCore>

#include "sampo/core/eigen.hpp"

namespace sampo::sketch::detail {

/// Throws unless 1 <= p < inf (names the argument @p name).
void check_p(std::string_view function, std::string_view name, double p);

/// Checks the IRLS settings shared by LpRegressionOptions and SensitivityOptions: tolerance
/// and smoothing_floor in (0, 1), max_iterations >= 1 (throws naming @p function).
void check_irls_options(std::string_view function, double tolerance,
                        std::size_t max_iterations, double smoothing_floor);

/// Throws unless @p a is non-empty, finite and tall (rows >= cols).
void check_tall(std::string_view function, std::string_view name,
                const Eigen::Ref<const Eigen::MatrixXd>& a);

/// Shape and finiteness of a sparse A, as check_tall does for a dense one (a non-finite entry
/// is named as a(i, j)).
void check_sparse_tall(std::string_view function, const Eigen::SparseMatrix<double>& a);

/// A sparse A with row access (a copy of its non-zeros).
using RowSparse = Eigen::SparseMatrix<double, Eigen::RowMajor>;

/// An orthonormal basis U (n x rank) of range(A) from thin QR of A and the SVD of R; singular
/// values of R below max(n, d)·eps·σ_max count as zero (the rule of linalg::leverage_scores).
struct RangeBasis {
  Eigen::MatrixXd u;  ///< n x rank, orthonormal columns
  Eigen::MatrixXd t;  ///< d x rank with U = A·T (T = V_r Σ_r⁻¹)
  Eigen::Index rank = 0;
};
RangeBasis range_basis(const Eigen::Ref<const Eigen::MatrixXd>& a);

/// range_basis of a sparse A without forming U (left empty): T and the rank from R of A
/// (linalg::sparse_qr_r) and the SVD of R, by the same rank rule. U = A·T is orthonormal to
/// about κ_r·eps (κ_r = σ_1/σ_r), not eps as the dense U = Q·U_R.
RangeBasis range_transform(const Eigen::SparseMatrix<double>& a);

/// M = A·T, the basis of range_transform, applied without forming it: M y = A(T y),
/// Mᵀu = Tᵀ(Aᵀu), MᵀDM = Tᵀ(AᵀDA)T with AᵀDA accumulated from each row's non-zeros (rows in
/// order, one fixed summation order), row j of M = Tᵀa_j.
struct SparseBasis {
  const RowSparse& a;      ///< n x d
  const Eigen::MatrixXd& t;  ///< d x r
};

/// ‖v‖_p (p >= 1; p = inf is the max norm).
double lp_norm(const Eigen::Ref<const Eigen::VectorXd>& v, double p);

/// Settings of solve_lp.
struct LpSolveSettings {
  double p = 2.0;
  double tolerance = 1e-8;           ///< on the certified relative gap (upper - lower) / upper
  std::size_t max_iterations = 200;  ///< Newton iterations over all smoothing stages
  double smoothing_floor = 1e-12;    ///< smallest η, relative to the RMS start residual (p < 2)
};

/// What solve_lp found.
struct LpSolveOutcome {
  Eigen::VectorXd y;      ///< the minimizer found (feasible: cᵀy = 1 up to rounding)
  double upper = 0.0;     ///< ‖My - b‖_p at y: an upper bound on the minimum
  double lower = 0.0;     ///< a dual lower bound on the minimum (see solve_lp)
  std::size_t iterations = 0;
  bool converged = false; ///< (upper - lower) <= tolerance·upper
};

/// min ‖M y − b‖_p over y ∈ ℝ^r, subject to cᵀy = 1 when @p c is non-null, for M (m x r) with
/// orthonormal columns (b may be empty: zero). Damped Newton on the smoothed objective
/// Σ (r_j² + η²)^{p/2} (η = 0 for p >= 2, continuation η → smoothing_floor for p < 2) from the
/// ℓ2 solution. Certificate: for any u with Mᵀu = λc (or Mᵀu = 0 unconstrained) Hölder gives
/// ‖My − b‖_p >= (λ − uᵀb)/‖u‖_q for every feasible y (1/p + 1/q = 1); u is the gradient
/// φ'(r) at the iterate, projected onto that set.
LpSolveOutcome solve_lp(const Eigen::Ref<const Eigen::MatrixXd>& m,
                        const Eigen::Ref<const Eigen::VectorXd>& b, const Eigen::VectorXd* c,
                        const LpSolveSettings& settings);

/// solve_lp with b = 0 against the sparse basis M = A·T (the same iterations, certificate and
/// stopping rule; the orthonormality of M holds to κ_r·eps, which bounds the certificate's
/// rounding alike).
LpSolveOutcome solve_lp(const SparseBasis& m, const Eigen::VectorXd* c,
                        const LpSolveSettings& settings);

/// The rows sample_rows keeps: probabilities q_i, α, Σq, kept indices (increasing) and their
/// weights q_i^{−1/p}, for scores already checked against n = scores.size().
struct SampleSelection {
  Eigen::VectorXd probabilities;
  double alpha = 0.0;
  double expected_rows = 0.0;
  std::vector<Eigen::Index> indices;
  Eigen::VectorXd weights;
};
SampleSelection select_rows(const Eigen::Ref<const Eigen::VectorXd>& scores, double p,
                            double expected_rows, double alpha, std::uint64_t seed,
                            std::uint64_t stream);

}  // namespace sampo::sketch::detail

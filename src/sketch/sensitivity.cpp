#include "sampo/sketch/sensitivity.hpp"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/map_reduce.hpp"
#include "sampo/sketch/lewis.hpp"
#include "sampo/sketch/sampling.hpp"

namespace sampo::sketch {
namespace {

/// GLPK keeps one environment per thread when it was built with thread-local storage; without
/// it the rows must run one at a time.
bool glpk_thread_safe() { return glp_config("TLS") != nullptr; }

/// min ‖M y‖₁ subject to cᵀy = 1 (M orthonormal columns) by GLPK's primal simplex on the
/// dual LP max λ s.t. Mᵀu − λc = 0, −1 <= u_j <= 1. y comes from the duals of the equality
/// rows, rescaled to cᵀy = 1 (attained: `upper`); u, projected onto {Mᵀu ∥ c}, gives the
/// Hölder bound λ/‖u‖_∞ (`lower`), so the outcome is certified independently of GLPK's own
/// tolerances.
detail::LpSolveOutcome solve_l1_glpk(const Eigen::MatrixXd& m, const Eigen::VectorXd& c,
                                     double tolerance) {
  const int rows = static_cast<int>(m.cols());
  const int cols = static_cast<int>(m.rows()) + 1;  // u_1..u_n, then λ
  glp_prob* lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MAX);
  glp_add_rows(lp, rows);
  for (int k = 1; k <= rows; ++k) glp_set_row_bnds(lp, k, GLP_FX, 0.0, 0.0);
  glp_add_cols(lp, cols);
  for (int j = 1; j < cols; ++j) glp_set_col_bnds(lp, j, GLP_DB, -1.0, 1.0);
  glp_set_col_bnds(lp, cols, GLP_FR, 0.0, 0.0);
  glp_set_obj_coef(lp, cols, 1.0);
  std::vector<int> ia(1), ja(1);  // GLPK arrays are 1-based
  std::vector<double> ar(1);
  const std::size_t nnz = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  ia.reserve(nnz + 1);
  ja.reserve(nnz + 1);
  ar.reserve(nnz + 1);
  for (int j = 1; j <= cols; ++j)
    for (int k = 1; k <= rows; ++k) {
      const double v = j < cols ? m(j - 1, k - 1) : -c(k - 1);
      if (v == 0.0) continue;
      ia.push_back(k);
      ja.push_back(j);
      ar.push_back(v);
    }
  glp_load_matrix(lp, static_cast<int>(ar.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  detail::LpSolveOutcome out;
  const int ret = glp_simplex(lp, &parm);
  if (ret == 0 && glp_get_status(lp) == GLP_OPT) {
    Eigen::VectorXd y(rows), u(cols - 1);
    for (int k = 1; k <= rows; ++k) y(k - 1) = glp_get_row_dual(lp, k);
    for (int j = 1; j < cols; ++j) u(j - 1) = std::clamp(glp_get_col_prim(lp, j), -1.0, 1.0);
    out.iterations = static_cast<std::size_t>(glp_get_it_cnt(lp));
    const double cy = c.dot(y);
    if (cy != 0.0) {
      out.y = y / cy;
      out.upper = (m * out.y).lpNorm<1>();
    } else {
      out.upper = std::numeric_limits<double>::infinity();
    }
    const Eigen::VectorXd mu = m.transpose() * u;
    const double lambda = c.dot(mu) / c.squaredNorm();
    const Eigen::VectorXd uc = u - m * (mu - lambda * c);
    const double unorm = uc.cwiseAbs().maxCoeff();
    out.lower = unorm > 0.0 ? std::max(0.0, lambda / unorm) : 0.0;
    out.converged = out.upper - out.lower <= tolerance * out.upper;
  } else {
    out.upper = std::numeric_limits<double>::infinity();
  }
  glp_delete_prob(lp);
  return out;
}

}  // namespace

void SensitivityOptions::validate() const {
  constexpr std::string_view kFn = "sampo::sketch::SensitivityOptions::validate";
  detail::check_irls_options(kFn, tolerance, max_iterations, smoothing_floor);
  if (embedding_rows < 0)
    throw_invalid_argument(kFn, "embedding_rows", std::to_string(embedding_rows), "must be >= 0");
  if (threads < 0) throw_invalid_argument(kFn, "threads", std::to_string(threads), "must be >= 0");
}

namespace {
constexpr std::string_view kFn = "sampo::sketch::lp_sensitivities";

/// The checks shared by both overloads, after the matrix's own.
void check_sensitivity_input(Eigen::Index n, double p, const SensitivityOptions& options) {
  detail::check_p(kFn, "p", p);
  options.validate();
  if (options.use_glpk && p != 1.0)
    throw_invalid_argument(kFn, "options.use_glpk", "true",
                           std::string("needs p = 1 (a linear program); p = ").append(format_value(p)));
  if (options.embedding_rows > n) {
    std::string what = "must be at most the number of rows of a (";
    what.append(std::to_string(n)).append(")");
    throw_invalid_argument(kFn, "options.embedding_rows", std::to_string(options.embedding_rows),
                           what);
  }
}

/// The result of an embedding whose rank is below rank(A): NaN scores, numerical_failure.
void embedding_rank_lost(Eigen::Index n, const Stopwatch& watch, SensitivityResult& out) {
  out.sensitivities = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::quiet_NaN());
  out.upper_bounds = out.sensitivities;
  out.total = std::numeric_limits<double>::quiet_NaN();
  out.run.termination = Termination::numerical_failure;
  out.run.message = "the embedding has a lower rank than a: enlarge embedding_rows";
  out.run.seconds = watch.seconds();
}

/// The per-row problems of both overloads: row i's c_i = row_c(i) (zero: a zero row, σ_i = 0),
/// solved by solve(c_i); rows in parallel, one per block, each serial (thread-independent bits).
template <class RowC, class Solve>
void solve_rows(Eigen::Index n, double p, const SensitivityOptions& options, bool serial,
                RowC row_c, Solve solve, const Stopwatch& watch, SensitivityResult& out) {
  out.sensitivities = Eigen::VectorXd::Zero(n);
  out.upper_bounds = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd gap = Eigen::VectorXd::Zero(n);
  std::vector<std::size_t> iterations(static_cast<std::size_t>(n), 0);
  std::vector<char> converged(static_cast<std::size_t>(n), 1);
  parallel::MapReduceOptions po;
  po.block_size = 1;
  po.threads = serial ? 1 : options.threads;
  parallel::parallel_for(
      static_cast<std::size_t>(n),
      [&](std::size_t i) {
        const auto row = static_cast<Eigen::Index>(i);
        const Eigen::VectorXd c = row_c(row);
        if (!(c.cwiseAbs().maxCoeff() > 0.0)) return;  // a zero row (or in no direction)
        const detail::LpSolveOutcome s = solve(c);
        out.sensitivities(row) = std::pow(s.upper, -p);
        out.upper_bounds(row) =
            s.lower > 0.0 ? std::pow(s.lower, -p) : std::numeric_limits<double>::infinity();
        gap(row) = (s.upper - s.lower) / s.upper;
        iterations[i] = s.iterations;
        converged[i] = s.converged ? 1 : 0;
      },
      po);
  out.total = out.sensitivities.sum();
  out.max_relative_gap = gap.maxCoeff();
  for (Eigen::Index i = 0; i < n; ++i) {
    out.run.iterations += iterations[static_cast<std::size_t>(i)];
    if (!converged[static_cast<std::size_t>(i)]) ++out.unconverged_rows;
  }
  out.run.evaluations = static_cast<std::size_t>(n);
  out.run.termination =
      out.unconverged_rows == 0 ? Termination::converged : Termination::max_iterations;
  out.run.message = "max certified relative gap ";
  out.run.message.append(format_value(out.max_relative_gap));
  if (out.unconverged_rows > 0)
    out.run.message.append(", ").append(std::to_string(out.unconverged_rows)).append(" rows above the tolerance");
  out.run.seconds = watch.seconds();
}

detail::LpSolveSettings solve_settings(double p, const SensitivityOptions& options) {
  detail::LpSolveSettings settings;
  settings.p = p;
  settings.tolerance = options.tolerance;
  settings.max_iterations = options.max_iterations;
  settings.smoothing_floor = options.smoothing_floor;
  return settings;
}

/// Tᵀa_i from row i's non-zeros.
Eigen::VectorXd sparse_row_times(const detail::RowSparse& a, Eigen::Index i,
                                 const Eigen::MatrixXd& t) {
  Eigen::VectorXd c = Eigen::VectorXd::Zero(t.cols());
  for (detail::RowSparse::InnerIterator it(a, i); it; ++it)
    c += it.value() * t.row(it.col()).transpose();
  return c;
}
}  // namespace

SensitivityResult lp_sensitivities(const Eigen::Ref<const Eigen::MatrixXd>& a, double p,
                                   const SensitivityOptions& options) {
  Stopwatch watch;
  detail::check_tall(kFn, "a", a);
  check_sensitivity_input(a.rows(), p, options);
  const Eigen::Index n = a.rows();

  SensitivityResult out;
  const detail::RangeBasis basis = detail::range_basis(a);
  out.rank = basis.rank;
  if (basis.rank == 0) throw_invalid_argument(kFn, "a", "a zero matrix", "has rank 0");
  // The problem of row i: min ‖M y‖_p subject to c_iᵀy = 1, with c_i = Tᵀa_i and M an
  // orthonormal basis: of range(A) (exact), or of range(SA) (approximate).
  Eigen::MatrixXd m_basis, t;
  bool rank_lost = false;
  if (options.embedding_rows == 0) {
    m_basis = basis.u;
    t = basis.t;
  } else {
    out.approximate = true;
    SampleOptions so;
    so.p = p;
    so.expected_rows = static_cast<double>(options.embedding_rows);
    so.seed = options.seed;
    const SampleResult sample = sample_rows(a, lewis_weights(a, p).weights, so);
    out.embedding_rows = static_cast<Eigen::Index>(sample.indices.size());
    if (sample.rows.rows() < a.cols()) {
      rank_lost = true;
    } else {
      const detail::RangeBasis sb = detail::range_basis(sample.rows);
      rank_lost = sb.rank < basis.rank;
      m_basis = sb.u;
      t = sb.t;
    }
  }
  if (rank_lost) {
    embedding_rank_lost(n, watch, out);
    return out;
  }
  const detail::LpSolveSettings settings = solve_settings(p, options);
  const Eigen::VectorXd empty;
  solve_rows(
      n, p, options, options.use_glpk && !glpk_thread_safe(),
      [&](Eigen::Index i) { return Eigen::VectorXd(t.transpose() * a.row(i).transpose()); },
      [&](const Eigen::VectorXd& c) {
        return options.use_glpk ? solve_l1_glpk(m_basis, c, options.tolerance)
                                : detail::solve_lp(m_basis, empty, &c, settings);
      },
      watch, out);
  return out;
}

SensitivityResult lp_sensitivities(const Eigen::SparseMatrix<double>& a, double p,
                                   const SensitivityOptions& options) {
  Stopwatch watch;
  detail::check_sparse_tall(kFn, a);
  check_sensitivity_input(a.rows(), p, options);
  if (options.use_glpk)
    throw_invalid_argument(kFn, "options.use_glpk", "true",
                           "is not available for a sparse a (GLPK's LP would hold the dense "
                           "n x rank basis): use the default path, or the dense overload");
  const Eigen::Index n = a.rows(), d = a.cols();

  SensitivityResult out;
  const detail::RowSparse rows = a;  // row access for the per-row work (a copy of the non-zeros)
  const detail::RangeBasis basis = detail::range_transform(a);
  out.rank = basis.rank;
  if (basis.rank == 0) throw_invalid_argument(kFn, "a", "a zero matrix", "has rank 0");
  const detail::LpSolveSettings settings = solve_settings(p, options);
  if (options.embedding_rows == 0) {
    const detail::SparseBasis m{rows, basis.t};
    solve_rows(
        n, p, options, false, [&](Eigen::Index i) { return sparse_row_times(rows, i, basis.t); },
        [&](const Eigen::VectorXd& c) { return detail::solve_lp(m, &c, settings); }, watch, out);
    out.run.message.append(" (sparse: ").append(std::to_string(a.nonZeros())).append(" non-zeros)");
    return out;
  }
  // Approximate: the sample SA (embedding_rows expected rows, dense: it is small) as in the
  // dense overload, from the sparse Lewis weights.
  out.approximate = true;
  const detail::SampleSelection sel =
      detail::select_rows(lewis_weights(a, p).weights, p,
                          static_cast<double>(options.embedding_rows), 0.0, options.seed, 0);
  const auto m = static_cast<Eigen::Index>(sel.indices.size());
  out.embedding_rows = m;
  if (m < d) {
    embedding_rank_lost(n, watch, out);
    return out;
  }
  Eigen::MatrixXd sa = Eigen::MatrixXd::Zero(m, d);
  for (Eigen::Index k = 0; k < m; ++k)
    for (detail::RowSparse::InnerIterator it(rows, sel.indices[static_cast<std::size_t>(k)]); it; ++it)
      sa(k, it.col()) = sel.weights(k) * it.value();
  const detail::RangeBasis sb = detail::range_basis(sa);
  if (sb.rank < basis.rank) {
    embedding_rank_lost(n, watch, out);
    return out;
  }
  const Eigen::VectorXd empty;
  solve_rows(
      n, p, options, false, [&](Eigen::Index i) { return sparse_row_times(rows, i, sb.t); },
      [&](const Eigen::VectorXd& c) { return detail::solve_lp(sb.u, empty, &c, settings); },
      watch, out);
  out.run.message.append(" (sparse: ").append(std::to_string(a.nonZeros())).append(" non-zeros)");
  return out;
}

}  // namespace sampo::sketch

#include "sampo/sketch/sensitivity.hpp"

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

void SensitivityOptions::validate() const {
  constexpr std::string_view kFn = "sampo::sketch::SensitivityOptions::validate";
  if (!(tolerance > 0.0 && tolerance < 1.0))
    throw_invalid_argument(kFn, "tolerance", format_value(tolerance), "must be in (0, 1)");
  if (max_iterations == 0) throw_invalid_argument(kFn, "max_iterations", "0", "must be >= 1");
  if (!(smoothing_floor > 0.0 && smoothing_floor < 1.0))
    throw_invalid_argument(kFn, "smoothing_floor", format_value(smoothing_floor),
                           "must be in (0, 1)");
  if (embedding_rows < 0)
    throw_invalid_argument(kFn, "embedding_rows", std::to_string(embedding_rows), "must be >= 0");
  if (threads < 0) throw_invalid_argument(kFn, "threads", std::to_string(threads), "must be >= 0");
}

SensitivityResult lp_sensitivities(const Eigen::Ref<const Eigen::MatrixXd>& a, double p,
                                   const SensitivityOptions& options) {
  constexpr std::string_view kFn = "sampo::sketch::lp_sensitivities";
  Stopwatch watch;
  detail::check_tall(kFn, "a", a);
  detail::check_p(kFn, "p", p);
  options.validate();
  const Eigen::Index n = a.rows();
  if (options.embedding_rows > n)
  {
    std::string what = "must be at most the number of rows of a (";
    what.append(std::to_string(n)).append(")");
    throw_invalid_argument(kFn, "options.embedding_rows", std::to_string(options.embedding_rows),
                           what);
  }

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
    out.sensitivities = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::quiet_NaN());
    out.upper_bounds = out.sensitivities;
    out.total = std::numeric_limits<double>::quiet_NaN();
    out.run.termination = Termination::numerical_failure;
    out.run.message = "the embedding has a lower rank than a: enlarge embedding_rows";
    out.run.seconds = watch.seconds();
    return out;
  }

  detail::LpSolveSettings settings;
  settings.p = p;
  settings.tolerance = options.tolerance;
  settings.max_iterations = options.max_iterations;
  settings.smoothing_floor = options.smoothing_floor;
  out.sensitivities = Eigen::VectorXd::Zero(n);
  out.upper_bounds = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd gap = Eigen::VectorXd::Zero(n);
  std::vector<std::size_t> iterations(static_cast<std::size_t>(n), 0);
  std::vector<char> converged(static_cast<std::size_t>(n), 1);
  const Eigen::VectorXd empty;
  parallel::MapReduceOptions po;
  po.block_size = 1;
  po.threads = options.threads;
  parallel::parallel_for(
      static_cast<std::size_t>(n),
      [&](std::size_t i) {
        const auto row = static_cast<Eigen::Index>(i);
        const Eigen::VectorXd c = t.transpose() * a.row(row).transpose();
        if (!(c.cwiseAbs().maxCoeff() > 0.0)) return;  // a zero row (or in no direction)
        const detail::LpSolveOutcome s = detail::solve_lp(m_basis, empty, &c, settings);
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
  return out;
}

}  // namespace sampo::sketch

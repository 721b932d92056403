#include "sampo/linalg/cholesky.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <limits>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/symmetric.hpp"

namespace sampo::linalg {

void CholeskyOptions::validate() const {
  constexpr std::string_view fn = "sampo::linalg::CholeskyOptions";
  check_finite(fn, "max_condition", max_condition);
  if (!(max_condition >= 1))
    throw_invalid_argument(fn, "max_condition", format_value(max_condition), "must be >= 1");
}

CholeskyResult cholesky_solve(const Eigen::Ref<const Eigen::MatrixXd>& a,
                              const Eigen::Ref<const Eigen::MatrixXd>& b,
                              const CholeskyOptions& options) {
  constexpr std::string_view fn = "sampo::linalg::cholesky_solve";
  const Stopwatch clock;
  options.validate();
  check_symmetric(fn, "a", a);
  check_nonempty(fn, "b", static_cast<std::size_t>(b.size()));
  check_shape(fn, "b", b, a.rows(), -1);
  check_finite(fn, "b", b);

  Eigen::MatrixXd s = a;
  symmetrize_in_place(s);
  Eigen::LLT<Eigen::MatrixXd> llt(s);
  if (llt.info() != Eigen::Success) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(s, Eigen::EigenvaluesOnly);
    throw_not_spd(fn, "a", es.eigenvalues()(0),
                  "the Cholesky factorization failed (use a regularized or pivoted solver)");
  }
  CholeskyResult r;
  r.solution = llt.solve(b);
  r.factor = llt.matrixL();
  r.rcond = llt.rcond();
  r.condition_estimate =
      r.rcond > 0 ? 1.0 / r.rcond : std::numeric_limits<double>::infinity();
  r.well_conditioned = r.condition_estimate <= options.max_condition;
  if (r.well_conditioned) {
    r.run.termination = Termination::converged;
    r.run.message = "estimated condition number " + format_value(r.condition_estimate) +
                    " <= max_condition " + format_value(options.max_condition);
  } else {
    r.run.termination = Termination::numerical_failure;
    r.run.message = "ill-conditioned: estimated condition number " +
                    format_value(r.condition_estimate) + " > max_condition " +
                    format_value(options.max_condition) + "; expect about " +
                    format_value(r.condition_estimate * std::numeric_limits<double>::epsilon()) +
                    " relative error in the solution";
    r.message = r.run.message;  // the deprecated copy, until 0.2
  }
  r.run.seconds = clock.seconds();
  return r;
}

}  // namespace sampo::linalg

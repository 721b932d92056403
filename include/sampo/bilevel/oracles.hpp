#pragma once
/// @file
/// Counted, checked access to a Problem's oracles: what every sampo solver calls (and what a
/// user's own solver should call to get the same accounting).
///
/// Each call is counted by type (calls, and samples used: the batch size, or the level's
/// sample count for a full call) and its value checked: a non-finite value throws
/// bilevel::non_finite_oracle naming the oracle and the iteration (set_iteration), which the
/// sampo solvers turn into Termination::numerical_failure with that message. Shapes are
/// checked once, at construction (dim_x, dim_y > 0), and on every returned vector.

#include <cstddef>
#include <stdexcept>
#include <string>

#include "sampo/bilevel/problem.hpp"
#include "sampo/core/error.hpp"

namespace sampo::bilevel {

/// Thrown by Oracles when an oracle returns a non-finite value (or a vector of the wrong
/// size: a defect of the problem, reported the same way).
class non_finite_oracle : public sampo::numerical_error {
 public:
  non_finite_oracle(Oracle oracle, std::size_t iteration, const std::string& what)
      : sampo::numerical_error(what), oracle_(oracle), iteration_(iteration) {}
  [[nodiscard]] Oracle oracle() const noexcept { return oracle_; }
  [[nodiscard]] std::size_t iteration() const noexcept { return iteration_; }

 private:
  Oracle oracle_;
  std::size_t iteration_;
};

/// The counting, checking front of a Problem (not owned; must outlive this object).
class Oracles {
 public:
  /// @throw sampo::invalid_argument if the problem's dimensions are not positive or its sample
  ///        counts are negative.
  explicit Oracles(const Problem& problem);

  [[nodiscard]] const Problem& problem() const noexcept { return *problem_; }
  [[nodiscard]] Eigen::Index dim_x() const noexcept { return dx_; }
  [[nodiscard]] Eigen::Index dim_y() const noexcept { return dy_; }
  /// The iteration reported in the message of a non-finite value.
  void set_iteration(std::size_t iteration) noexcept { iteration_ = iteration; }
  [[nodiscard]] std::size_t iteration() const noexcept { return iteration_; }
  [[nodiscard]] const OracleCounts& counts() const noexcept { return counts_; }

  double f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch = {});
  double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch = {});
  void grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out);
  void grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out);
  void grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out);
  void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch, Eigen::VectorXd& out);
  void hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v,
                Batch batch, Eigen::VectorXd& out);
  void jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v,
                Batch batch, Eigen::VectorXd& out);

 private:
  void count(Oracle o, bool outer, Batch batch) noexcept;
  void check(Oracle o, double value) const;
  void check(Oracle o, const Eigen::VectorXd& v, Eigen::Index size) const;

  const Problem* problem_;
  Eigen::Index dx_, dy_, n_outer_, n_inner_;
  std::size_t iteration_ = 0;
  OracleCounts counts_;
};

}  // namespace sampo::bilevel

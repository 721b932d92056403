#include "sampo/bilevel/oracles.hpp"

#include <cmath>
#include <string>

#include "sampo/core/error.hpp"

namespace sampo::bilevel {

namespace {
constexpr const char* kFn = "sampo::bilevel::Oracles";
}

Oracles::Oracles(const Problem& problem)
    : problem_(&problem),
      dx_(problem.dim_x()),
      dy_(problem.dim_y()),
      n_outer_(problem.outer_samples()),
      n_inner_(problem.inner_samples()) {
  if (dx_ <= 0) throw_invalid_argument(kFn, "problem.dim_x()", std::to_string(dx_), "must be positive");
  if (dy_ <= 0) throw_invalid_argument(kFn, "problem.dim_y()", std::to_string(dy_), "must be positive");
  if (n_outer_ < 0)
    throw_invalid_argument(kFn, "problem.outer_samples()", std::to_string(n_outer_), "must be >= 0");
  if (n_inner_ < 0)
    throw_invalid_argument(kFn, "problem.inner_samples()", std::to_string(n_inner_), "must be >= 0");
}

void Oracles::count(Oracle o, bool outer, Batch batch) noexcept {
  const auto k = static_cast<std::size_t>(o);
  ++counts_.calls[k];
  const Eigen::Index n = outer ? n_outer_ : n_inner_;
  std::size_t used = 1;
  if (n > 0) used = batch.empty() ? static_cast<std::size_t>(n) : batch.size();
  counts_.samples[k] += used;
}

void Oracles::check(Oracle o, double value) const {
  if (std::isfinite(value)) return;
  std::string what = "oracle ";
  what.append(to_string(o));
  what.append(" of problem '");
  what.append(problem_->name());
  what.append("' returned ");
  what.append(format_value(value));
  what.append(" at iteration ");
  what.append(std::to_string(iteration_));
  throw non_finite_oracle(o, iteration_, what);
}

void Oracles::check(Oracle o, const Eigen::VectorXd& v, Eigen::Index size) const {
  std::string what = "oracle ";
  what.append(to_string(o));
  what.append(" of problem '");
  what.append(problem_->name());
  if (v.size() != size) {
    what.append("' returned a vector of size ");
    what.append(std::to_string(v.size()));
    what.append(" (expected ");
    what.append(std::to_string(size));
    what.append(") at iteration ");
    what.append(std::to_string(iteration_));
    throw non_finite_oracle(o, iteration_, what);
  }
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (std::isfinite(v[i])) continue;
    what.append("' returned ");
    what.append(format_value(v[i]));
    what.append(" in entry ");
    what.append(std::to_string(i));
    what.append(" at iteration ");
    what.append(std::to_string(iteration_));
    throw non_finite_oracle(o, iteration_, what);
  }
}

double Oracles::f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) {
  count(Oracle::f, true, batch);
  const double v = problem_->f(x, y, batch);
  check(Oracle::f, v);
  return v;
}

double Oracles::g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch) {
  count(Oracle::g, false, batch);
  const double v = problem_->g(x, y, batch);
  check(Oracle::g, v);
  return v;
}

void Oracles::grad_x_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch,
                       Eigen::VectorXd& out) {
  count(Oracle::grad_x_f, true, batch);
  out.resize(dx_);
  problem_->grad_x_f(x, y, batch, out);
  check(Oracle::grad_x_f, out, dx_);
}

void Oracles::grad_y_f(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch,
                       Eigen::VectorXd& out) {
  count(Oracle::grad_y_f, true, batch);
  out.resize(dy_);
  problem_->grad_y_f(x, y, batch, out);
  check(Oracle::grad_y_f, out, dy_);
}

void Oracles::grad_x_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch,
                       Eigen::VectorXd& out) {
  count(Oracle::grad_x_g, false, batch);
  out.resize(dx_);
  problem_->grad_x_g(x, y, batch, out);
  check(Oracle::grad_x_g, out, dx_);
}

void Oracles::grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, Batch batch,
                       Eigen::VectorXd& out) {
  count(Oracle::grad_y_g, false, batch);
  out.resize(dy_);
  problem_->grad_y_g(x, y, batch, out);
  check(Oracle::grad_y_g, out, dy_);
}

void Oracles::hvp_yy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                       const Eigen::VectorXd& v, Batch batch, Eigen::VectorXd& out) {
  count(Oracle::hvp_yy_g, false, batch);
  out.resize(dy_);
  problem_->hvp_yy_g(x, y, v, batch, out);
  check(Oracle::hvp_yy_g, out, dy_);
}

void Oracles::jvp_xy_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                       const Eigen::VectorXd& v, Batch batch, Eigen::VectorXd& out) {
  count(Oracle::jvp_xy_g, false, batch);
  out.resize(dx_);
  problem_->jvp_xy_g(x, y, v, batch, out);
  check(Oracle::jvp_xy_g, out, dx_);
}

}  // namespace sampo::bilevel

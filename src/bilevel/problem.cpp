#include "sampo/bilevel/problem.hpp"

#include <numeric>

#include "sampo/core/error.hpp"

namespace sampo::bilevel {

std::string_view to_string(Oracle oracle) noexcept {
  switch (oracle) {
    case Oracle::f: return "f";
    case Oracle::g: return "g";
    case Oracle::grad_x_f: return "grad_x_f";
    case Oracle::grad_y_f: return "grad_y_f";
    case Oracle::grad_x_g: return "grad_x_g";
    case Oracle::grad_y_g: return "grad_y_g";
    case Oracle::hvp_yy_g: return "hvp_yy_g";
    case Oracle::jvp_xy_g: return "jvp_xy_g";
  }
  return "?";
}

std::size_t OracleCounts::total_calls() const noexcept {
  return std::accumulate(calls.begin(), calls.end(), std::size_t{0});
}

std::size_t OracleCounts::total_samples() const noexcept {
  return std::accumulate(samples.begin(), samples.end(), std::size_t{0});
}

std::string OracleCounts::brief() const {
  std::string s;
  for (std::size_t k = 0; k < kOracleCount; ++k) {
    if (calls[k] == 0) continue;
    if (!s.empty()) s.append(", ");
    s.append(to_string(static_cast<Oracle>(k)));
    s.append(" ");
    s.append(std::to_string(calls[k]));
  }
  return s.empty() ? std::string("no oracle calls") : s;
}

void Problem::grad_x_g(const Eigen::VectorXd&, const Eigen::VectorXd&, Batch,
                       Eigen::VectorXd&) const {
  throw_invalid_argument("sampo::bilevel::Problem::grad_x_g", "problem", name(),
                         "this problem does not provide the oracle grad_x_g (needed by the "
                         "fully first-order solver f2sa)");
}

std::optional<Eigen::VectorXd> Problem::lower_solution(const Eigen::VectorXd&) const { return {}; }
std::optional<Eigen::VectorXd> Problem::hypergradient(const Eigen::VectorXd&) const { return {}; }
std::optional<double> Problem::value(const Eigen::VectorXd&) const { return {}; }
std::optional<double> Problem::optimal_value() const { return {}; }
std::optional<Eigen::VectorXd> Problem::minimizer() const { return {}; }

}  // namespace sampo::bilevel

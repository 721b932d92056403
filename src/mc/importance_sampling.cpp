#include "sampo/mc/importance_sampling.hpp"

#include <algorithm>
#include <string>

#include "engine.hpp"
#include "sampo/core/error.hpp"

namespace sampo::mc {

CrudeResult crude(const TestLog& log, const CrudeOptions& options) {
  constexpr std::string_view function = "sampo::mc::crude";
  Stopwatch watch;
  options.validate();
  if (log.empty()) throw_invalid_argument(function, "log", "", "has no tests");
  for (std::size_t i = 0; i < log.tests(); ++i)
    if (log.weight(i) != 1.0) {
      std::string argument = "log weight of test ";
      argument.append(std::to_string(i));
      throw_invalid_argument(function, argument, format_value(log.weight(i)),
                             "is not 1: crude Monte Carlo needs naturalistic tests (use "
                             "importance_sampling for an importance-sampled log)");
    }
  Eigen::VectorXd v{Eigen::Index(log.tests())};
  for (std::size_t i = 0; i < log.tests(); ++i) v(Eigen::Index(i)) = log.result(i);
  CrudeResult r;
  detail::summarize(v, options, log.binary_results(), std::numeric_limits<double>::quiet_NaN(), r);
  r.run.iterations = 1;
  r.run.evaluations = log.tests();
  r.run.message = "crude Monte Carlo over " + std::to_string(log.tests()) + " tests";
  r.run.seconds = watch.seconds();
  return r;
}

ImportanceSamplingResult importance_sampling(const TestLog& log,
                                             const ImportanceSamplingOptions& options) {
  constexpr std::string_view function = "sampo::mc::importance_sampling";
  Stopwatch watch;
  options.validate();
  if (log.empty()) throw_invalid_argument(function, "log", "", "has no tests");
  Eigen::VectorXd v{Eigen::Index(log.tests())};
  double sum = 0, sum2 = 0, max_w = 0;
  for (std::size_t i = 0; i < log.tests(); ++i) {
    v(Eigen::Index(i)) = log.result(i) * log.weight(i);
    sum += log.weight(i);
    sum2 += log.weight(i) * log.weight(i);
    max_w = std::max(max_w, log.weight(i));
  }
  ImportanceSamplingResult r;
  detail::summarize(v, options, log.binary_results(), std::numeric_limits<double>::quiet_NaN(), r);
  r.precision.vrf_is = 1.0;
  r.max_weight = max_w;
  r.effective_sample_size = sum2 > 0 ? sum * sum / sum2 : 0.0;
  r.run.iterations = 1;
  r.run.evaluations = log.tests();
  r.run.message = "importance sampling over " + std::to_string(log.tests()) + " tests";
  r.run.seconds = watch.seconds();
  return r;
}

}  // namespace sampo::mc

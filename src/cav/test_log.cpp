#include "sampo/cav/test_log.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "sampo/core/error.hpp"

namespace sampo::cav {
namespace {

// A block of tests, flattened for map_reduce (and its MPI transport): per test
// [crash, likelihood ratio, critical steps], then per critical step
// [step, p, q, epsilon, surrogate value, criticality].
constexpr std::size_t kTestFields = 3;
constexpr std::size_t kStepFields = 6;

void append(std::vector<double>& out, bool crash, double likelihood_ratio,
            const std::vector<CriticalStep>& critical) {
  out.push_back(crash ? 1.0 : 0.0);
  out.push_back(likelihood_ratio);
  out.push_back(static_cast<double>(critical.size()));
  for (const CriticalStep& c : critical) {
    out.insert(out.end(), {static_cast<double>(c.step), c.p, c.q, c.epsilon, c.surrogate_value,
                           c.criticality});
  }
}

void add_test(mc::TestLogBuilder& b, bool crash, double likelihood_ratio,
              const std::vector<CriticalStep>& critical) {
  for (const CriticalStep& c : critical) {
    const double feature = c.criticality;
    const double value = c.surrogate_value, mean = c.criticality;
    b.step(c.p, c.q, c.step, c.epsilon, {&feature, 1}, {&value, 1}, {&mean, 1});
  }
  b.end_test(crash ? 1.0 : 0.0, likelihood_ratio);
}

}  // namespace

mc::TestLogSchema test_log_schema() {
  mc::TestLogSchema schema;
  schema.features = {"criticality"};
  schema.surrogates = {"sm"};
  return schema;
}

mc::TestLog to_test_log(std::span<const TestRecord> tests) {
  mc::TestLogBuilder b(test_log_schema());
  for (const TestRecord& t : tests) add_test(b, t.crash, t.likelihood_ratio, t.critical);
  return std::move(b).finish();
}

mc::TestLog to_test_log(std::span<const DpTest> tests) {
  mc::TestLogBuilder b(test_log_schema());
  for (const DpTest& t : tests) add_test(b, t.crash, t.likelihood_ratio, t.critical);
  return std::move(b).finish();
}

mc::TestLog run_test_log(const TestOptions& options, std::size_t n,
                         const parallel::MapReduceOptions& par) {
  constexpr const char* fn = "sampo::cav::run_test_log";
  if (n == 0) throw_invalid_argument(fn, "n", "0", "must be >= 1 (the number of tests)");
  options.validate(fn);
  par.validate();
  const std::size_t block = par.block_size;
  const std::size_t blocks = (n + block - 1) / block;
  // map_reduce over blocks of tests (one TestRunner per block, its state reused); the blocks'
  // flattened records are concatenated in block order, whichever thread or rank ran them.
  parallel::MapReduceOptions p = par;
  p.block_size = 1;
  p.progress = nullptr;  // advanced here by the tests of a block, not by one per block
  std::vector<double> flat = parallel::map_reduce(
      blocks,
      [&](std::size_t b) {
        TestRunner runner(options);
        std::vector<double> out;
        const std::size_t lo = b * block, hi = std::min(n, (b + 1) * block);
        for (std::size_t i = lo; i < hi; ++i) {
          const TestRecord r = runner.run(i);
          append(out, r.crash, r.likelihood_ratio, r.critical);
        }
        if (par.progress) par.progress->advance(hi - lo);
        return out;
      },
      [](std::vector<double> a, std::vector<double> b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
      },
      p);

  mc::TestLogBuilder builder(test_log_schema());
  std::size_t at = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool crash = flat[at] != 0.0;
    const double lr = flat[at + 1];
    const auto steps = static_cast<std::size_t>(flat[at + 2]);
    at += kTestFields;
    for (std::size_t j = 0; j < steps; ++j, at += kStepFields) {
      const double feature = flat[at + 5], value = flat[at + 4], mean = flat[at + 5];
      builder.step(flat[at + 1], flat[at + 2], static_cast<std::int64_t>(flat[at]), flat[at + 3],
                   {&feature, 1}, {&value, 1}, {&mean, 1});
    }
    builder.end_test(crash ? 1.0 : 0.0, lr);
  }
  return std::move(builder).finish();
}

}  // namespace sampo::cav

#include "sampo/cav/test_log.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "sampo/core/error.hpp"

namespace sampo::cav {
namespace {

// A block of tests, flattened for map_reduce (and its MPI transport): per test
// [crash, likelihood ratio, critical steps], then per critical step
// [step, p, q, epsilon, surrogate value, criticality, m logged values, m logged means].
constexpr std::size_t kTestFields = 3;
constexpr std::size_t kStepFields = 6;

void append(std::vector<double>& out, const TestRecord& r, std::size_t m) {
  out.push_back(r.crash ? 1.0 : 0.0);
  out.push_back(r.likelihood_ratio);
  out.push_back(static_cast<double>(r.critical.size()));
  for (std::size_t j = 0; j < r.critical.size(); ++j) {
    const CriticalStep& c = r.critical[j];
    out.insert(out.end(), {static_cast<double>(c.step), c.p, c.q, c.epsilon, c.surrogate_value,
                           c.criticality});
    out.insert(out.end(), r.surrogate_values.begin() + std::ptrdiff_t(j * m),
               r.surrogate_values.begin() + std::ptrdiff_t((j + 1) * m));
    out.insert(out.end(), r.surrogate_means.begin() + std::ptrdiff_t(j * m),
               r.surrogate_means.begin() + std::ptrdiff_t((j + 1) * m));
  }
}

// One test into the builder; @p values / @p means: m logged surrogates per critical step
// (empty when m = 0). The first surrogate column is NADE's own ("sm").
void add_test(mc::TestLogBuilder& b, bool crash, double likelihood_ratio,
              const std::vector<CriticalStep>& critical, std::size_t m = 0,
              const std::vector<double>& values = {}, const std::vector<double>& means = {}) {
  std::vector<double> v(1 + m), c(1 + m);
  for (std::size_t j = 0; j < critical.size(); ++j) {
    const CriticalStep& s = critical[j];
    const double feature = s.criticality;
    v[0] = s.surrogate_value;
    c[0] = s.criticality;
    for (std::size_t k = 0; k < m; ++k) {
      v[1 + k] = values[j * m + k];
      c[1 + k] = means[j * m + k];
    }
    b.step(s.p, s.q, s.step, s.epsilon, {&feature, 1}, v, c);
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

mc::TestLogSchema test_log_schema(const TestOptions& options) {
  mc::TestLogSchema schema = test_log_schema();
  for (const NamedSurrogate& s : options.logged_surrogates) schema.surrogates.push_back(s.name);
  return schema;
}

mc::TestLog to_test_log(std::span<const TestRecord> tests) {
  mc::TestLogBuilder b(test_log_schema());
  for (const TestRecord& t : tests) {
    if (!t.surrogate_values.empty() || !t.surrogate_means.empty())
      throw_invalid_argument("sampo::cav::to_test_log", "tests",
                             "test " + std::to_string(t.index),
                             "carries logged surrogates: use to_test_log(tests, options)");
    add_test(b, t.crash, t.likelihood_ratio, t.critical);
  }
  return std::move(b).finish();
}

mc::TestLog to_test_log(std::span<const TestRecord> tests, const TestOptions& options) {
  const std::size_t m = options.logged_surrogates.size();
  mc::TestLogBuilder b(test_log_schema(options));
  for (const TestRecord& t : tests) {
    const std::size_t want = t.critical.size() * m;
    if (t.surrogate_values.size() != want || t.surrogate_means.size() != want)
      throw_invalid_argument(
          "sampo::cav::to_test_log", "tests",
          "test " + std::to_string(t.index) + ": " + std::to_string(t.surrogate_values.size()) +
              " surrogate values, " + std::to_string(t.surrogate_means.size()) + " means",
          "must hold " + std::to_string(want) +
              " each (critical steps × options.logged_surrogates)");
    add_test(b, t.crash, t.likelihood_ratio, t.critical, m, t.surrogate_values,
             t.surrogate_means);
  }
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
  const std::size_t m = options.logged_surrogates.size();
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
          append(out, runner.run(i), m);
        }
        if (par.progress) par.progress->advance(hi - lo);
        return out;
      },
      [](std::vector<double> a, std::vector<double> b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
      },
      p);

  mc::TestLogBuilder builder(test_log_schema(options));
  std::vector<double> values(1 + m), means(1 + m);
  std::size_t at = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool crash = flat[at] != 0.0;
    const double lr = flat[at + 1];
    const auto steps = static_cast<std::size_t>(flat[at + 2]);
    at += kTestFields;
    for (std::size_t j = 0; j < steps; ++j, at += kStepFields + 2 * m) {
      const double feature = flat[at + 5];
      values[0] = flat[at + 4];
      means[0] = flat[at + 5];
      for (std::size_t k = 0; k < m; ++k) {
        values[1 + k] = flat[at + kStepFields + k];
        means[1 + k] = flat[at + kStepFields + m + k];
      }
      builder.step(flat[at + 1], flat[at + 2], static_cast<std::int64_t>(flat[at]), flat[at + 3],
                   {&feature, 1}, values, means);
    }
    builder.end_test(crash ? 1.0 : 0.0, lr);
  }
  return std::move(builder).finish();
}

}  // namespace sampo::cav

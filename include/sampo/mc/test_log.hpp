#pragma once
/// @file
/// The test log: what the estimators of sampo::mc read, one record per simulated test.
///
/// Per test: the result Y (a crash indicator or any real outcome), the likelihood ratio L of
/// the test under the naturalistic distribution p against the sampling distribution q (1 for a
/// naturalistic test), and optional control variates whose mean under q is known to be 0.
/// Per *critical* step j of a test (the steps where q differs from p; their number varies
/// between tests): the naturalistic probability p_j and importance probability q_j of the
/// sampled action, the step's ordinal (e.g. its time step), the defensive share ε_j of q_j,
/// optional features known *before* the action is drawn (predictable: state features, the
/// criticality bucket, ...) and, per surrogate model s, the surrogate's value V_s after the
/// sampled action and its naturalistic mean Σ_u p(u|state) V_s(state, u) at the step.
///
/// The estimate of μ = E_p[Y] from such a log is the mean of Y·L (importance sampling); the
/// steps give zero-mean control variates (sampo/mc/sparse_control_variates.hpp). The file
/// forms (CSV, NPY) are in sampo/mc/log_io.hpp; docs/mc.md describes them.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sampo::mc {

/// The version of the log layout written by this library (log_io.hpp).
inline constexpr int kTestLogVersion = 1;

/// Which optional fields a log carries, by name. Names are non-empty, unique within their
/// list, and made of letters, digits, '_', '-' and '.' (they become CSV column names).
struct TestLogSchema {
  std::vector<std::string> controls;    ///< per-test control variates, each of mean 0 under q
  std::vector<std::string> features;    ///< per-step predictable features
  std::vector<std::string> surrogates;  ///< per-step surrogate models (a value and a mean each)

  /// @throw sampo::invalid_argument naming the list and the offending name.
  void validate() const;
  friend bool operator==(const TestLogSchema&, const TestLogSchema&) = default;
};

/// An in-memory test log (column storage). Build one with TestLogBuilder or read one with
/// read_test_log_csv / read_test_log_npy. Indices: tests i in [0, tests()), steps s in
/// [0, steps()) numbered over the whole log; test i owns steps [first_step(i), first_step(i+1)).
class TestLog {
 public:
  TestLog() = default;
  [[nodiscard]] const TestLogSchema& schema() const noexcept { return schema_; }
  [[nodiscard]] std::size_t tests() const noexcept { return result_.size(); }
  [[nodiscard]] std::size_t steps() const noexcept { return p_.size(); }
  [[nodiscard]] bool empty() const noexcept { return result_.empty(); }

  [[nodiscard]] double result(std::size_t i) const { return result_[i]; }
  [[nodiscard]] double weight(std::size_t i) const { return weight_[i]; }
  /// Control c of test i.
  [[nodiscard]] double control(std::size_t i, std::size_t c) const {
    return controls_[i * schema_.controls.size() + c];
  }
  [[nodiscard]] std::size_t first_step(std::size_t i) const { return offset_[i]; }
  /// Number of critical steps of test i.
  [[nodiscard]] std::size_t step_count(std::size_t i) const { return offset_[i + 1] - offset_[i]; }

  [[nodiscard]] double p(std::size_t s) const { return p_[s]; }
  [[nodiscard]] double q(std::size_t s) const { return q_[s]; }
  /// The likelihood ratio p/q of step s.
  [[nodiscard]] double step_weight(std::size_t s) const { return p_[s] / q_[s]; }
  [[nodiscard]] std::int64_t ordinal(std::size_t s) const { return ordinal_[s]; }
  [[nodiscard]] double epsilon(std::size_t s) const { return epsilon_[s]; }
  [[nodiscard]] double feature(std::size_t s, std::size_t f) const {
    return features_[s * schema_.features.size() + f];
  }
  [[nodiscard]] double surrogate_value(std::size_t s, std::size_t k) const {
    return surrogate_value_[s * schema_.surrogates.size() + k];
  }
  [[nodiscard]] double surrogate_mean(std::size_t s, std::size_t k) const {
    return surrogate_mean_[s * schema_.surrogates.size() + k];
  }

  /// True when every weight is exactly 1 (a naturalistic log).
  [[nodiscard]] bool naturalistic() const noexcept;
  /// True when every result is 0 or 1.
  [[nodiscard]] bool binary_results() const noexcept;

  friend bool operator==(const TestLog&, const TestLog&) = default;

 private:
  friend class TestLogBuilder;
  friend TestLog log_head(const TestLog& log, std::size_t k);
  TestLogSchema schema_;
  std::vector<double> result_, weight_, controls_;
  std::vector<std::size_t> offset_{0};
  std::vector<double> p_, q_, epsilon_, features_, surrogate_value_, surrogate_mean_;
  std::vector<std::int64_t> ordinal_;
};

/// The first @p k tests of @p log (in log order, with their steps), as a log of the same
/// schema: what a study had after its first k tests (mc/curve.hpp).
/// @throw sampo::invalid_argument if k exceeds log.tests().
[[nodiscard]] TestLog log_head(const TestLog& log, std::size_t k);

/// Builds a TestLog test by test, the way a simulator produces it: step() for each critical
/// step of the running test, then end_test() with its result. Every value is checked as it
/// arrives; a bad one throws sampo::invalid_argument naming the argument, the value, the test
/// and the step, and leaves the builder as it was before the call.
///
/// @code
/// sampo::mc::TestLogSchema schema;
/// schema.features = {"gap"};
/// sampo::mc::TestLogBuilder b(schema);
/// b.step(0.02, 0.3, /*ordinal*/ 4, /*epsilon*/ 0.1, {{12.0}});
/// b.end_test(/*result*/ 1.0);  // weight = 0.02 / 0.3, the product over the steps
/// sampo::mc::TestLog log = std::move(b).finish();
/// @endcode
class TestLogBuilder {
 public:
  /// @throw sampo::invalid_argument if @p schema is invalid.
  explicit TestLogBuilder(TestLogSchema schema = {});

  /// Records a critical step of the running test.
  /// @param p        naturalistic probability of the sampled action, in [0, 1]
  /// @param q        importance probability of the sampled action, in (0, 1] (q = 0 cannot
  ///                 have been sampled)
  /// @param ordinal  the step's ordinal (time step or decision number), >= 0
  /// @param epsilon  defensive share of q (q = ε p + (1 − ε) q̃), in [0, 1]
  /// @param features one finite value per schema feature (known before the action is drawn)
  /// @param surrogate_values, surrogate_means one finite value per schema surrogate
  TestLogBuilder& step(double p, double q, std::int64_t ordinal, double epsilon,
                       std::span<const double> features = {},
                       std::span<const double> surrogate_values = {},
                       std::span<const double> surrogate_means = {});

  /// Closes the running test.
  /// @param result   Y, finite
  /// @param weight   likelihood ratio L, finite and >= 0; when negative (the default) it is the
  ///                 product of p/q over the test's critical steps (1 without steps)
  /// @param controls one finite value per schema control
  TestLogBuilder& end_test(double result, double weight = -1.0,
                           std::span<const double> controls = {});

  /// Tests closed so far.
  [[nodiscard]] std::size_t tests() const noexcept { return log_.tests(); }
  /// Steps recorded for the running (not yet closed) test.
  [[nodiscard]] std::size_t open_steps() const noexcept;

  /// The log. @throw sampo::invalid_argument if a test is still open (steps without end_test).
  [[nodiscard]] TestLog finish() &&;

 private:
  TestLog log_;
};

}  // namespace sampo::mc

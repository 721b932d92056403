#include "sampo/mc/test_log.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "sampo/core/error.hpp"

namespace sampo::mc {
namespace {

void check_names(const std::vector<std::string>& names, std::string_view list) {
  constexpr std::string_view function = "sampo::mc::TestLogSchema::validate";
  std::set<std::string> seen;
  for (std::size_t k = 0; k < names.size(); ++k) {
    const std::string& name = names[k];
    std::string argument(list);
    argument.append("[").append(std::to_string(k)).append("]");
    if (name.empty()) throw_invalid_argument(function, argument, "", "is empty");
    for (char c : name) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
      if (!ok)
        throw_invalid_argument(function, argument, name,
                               "may hold only letters, digits, '_', '-' and '.'");
    }
    if (!seen.insert(name).second)
      throw_invalid_argument(function, argument, name, "appears twice");
  }
}

std::string where(std::size_t test, std::size_t step) {
  std::string s = "test ";
  s.append(std::to_string(test)).append(", step ").append(std::to_string(step));
  return s;
}

std::string at_note(std::string_view what, const std::string& at) {
  std::string s(what);
  s.append("(").append(at).append(")");
  return s;
}

/// @p at: a callable giving "test i, step j", called only on failure (it allocates).
template <class At>
void need_finite(std::string_view function, std::string_view name, double x, const At& at) {
  if (!std::isfinite(x)) {
    std::string what = "must be finite (";
    what.append(at()).append(")");
    throw_invalid_argument(function, name, format_value(x), what);
  }
}

}  // namespace

TestLog log_head(const TestLog& log, std::size_t k) {
  if (k > log.tests())
    throw_invalid_argument("sampo::mc::log_head", "k", std::to_string(k),
                           "exceeds the log's " + std::to_string(log.tests()) + " tests");
  TestLog h;
  h.schema_ = log.schema_;
  const std::size_t c = log.schema_.controls.size(), f = log.schema_.features.size(),
                    m = log.schema_.surrogates.size(), steps = log.offset_[k];
  auto take = [](const auto& v, std::size_t count) {
    return std::decay_t<decltype(v)>(v.begin(), v.begin() + std::ptrdiff_t(count));
  };
  h.result_ = take(log.result_, k);
  h.weight_ = take(log.weight_, k);
  h.controls_ = take(log.controls_, k * c);
  h.offset_ = take(log.offset_, k + 1);
  h.p_ = take(log.p_, steps);
  h.q_ = take(log.q_, steps);
  h.epsilon_ = take(log.epsilon_, steps);
  h.features_ = take(log.features_, steps * f);
  h.surrogate_value_ = take(log.surrogate_value_, steps * m);
  h.surrogate_mean_ = take(log.surrogate_mean_, steps * m);
  h.ordinal_ = take(log.ordinal_, steps);
  return h;
}

void TestLogSchema::validate() const {
  check_names(controls, "controls");
  check_names(features, "features");
  check_names(surrogates, "surrogates");
}

bool TestLog::naturalistic() const noexcept {
  return std::all_of(weight_.begin(), weight_.end(), [](double w) { return w == 1.0; });
}

bool TestLog::binary_results() const noexcept {
  return std::all_of(result_.begin(), result_.end(),
                     [](double y) { return y == 0.0 || y == 1.0; });
}

TestLogBuilder::TestLogBuilder(TestLogSchema schema) {
  schema.validate();
  log_.schema_ = std::move(schema);
}

std::size_t TestLogBuilder::open_steps() const noexcept {
  return log_.p_.size() - log_.offset_.back();
}

TestLogBuilder& TestLogBuilder::step(double p, double q, std::int64_t ordinal, double epsilon,
                                     std::span<const double> features,
                                     std::span<const double> surrogate_values,
                                     std::span<const double> surrogate_means) {
  constexpr std::string_view function = "sampo::mc::TestLogBuilder::step";
  const auto at = [&] { return where(log_.tests(), open_steps()); };
  const TestLogSchema& schema = log_.schema_;
  if (!(p >= 0.0 && p <= 1.0))
    throw_invalid_argument(function, "p", format_value(p), at_note("must be in [0, 1] ", at()));
  if (!(q >= 0.0 && q <= 1.0))
    throw_invalid_argument(function, "q", format_value(q), at_note("must be in [0, 1] ", at()));
  if (q == 0.0)
    throw_invalid_argument(function, "q", "0",
                           at_note("an action of importance probability 0 cannot have been sampled ", at()));
  if (ordinal < 0)
    throw_invalid_argument(function, "ordinal", std::to_string(ordinal),
                           at_note("must be >= 0 ", at()));
  if (!(epsilon >= 0.0 && epsilon <= 1.0))
    throw_invalid_argument(function, "epsilon", format_value(epsilon),
                           at_note("must be in [0, 1] ", at()));
  auto check_span = [&](std::span<const double> v, std::size_t expected, std::string_view name) {
    if (v.size() != expected) {
      std::string what = "has ";
      what.append(std::to_string(v.size())).append(" values, the schema has ");
      what.append(std::to_string(expected)).append(" (").append(at()).append(")");
      throw_invalid_argument(function, name, "", what);
    }
    for (std::size_t k = 0; k < v.size(); ++k)
      if (!std::isfinite(v[k])) {
        std::string name_k(name);
        name_k.append("[").append(std::to_string(k)).append("]");
        need_finite(function, name_k, v[k], at);
      }
  };
  check_span(features, schema.features.size(), "features");
  check_span(surrogate_values, schema.surrogates.size(), "surrogate_values");
  check_span(surrogate_means, schema.surrogates.size(), "surrogate_means");
  log_.p_.push_back(p);
  log_.q_.push_back(q);
  log_.ordinal_.push_back(ordinal);
  log_.epsilon_.push_back(epsilon);
  log_.features_.insert(log_.features_.end(), features.begin(), features.end());
  log_.surrogate_value_.insert(log_.surrogate_value_.end(), surrogate_values.begin(),
                               surrogate_values.end());
  log_.surrogate_mean_.insert(log_.surrogate_mean_.end(), surrogate_means.begin(),
                              surrogate_means.end());
  return *this;
}

TestLogBuilder& TestLogBuilder::end_test(double result, double weight,
                                         std::span<const double> controls) {
  constexpr std::string_view function = "sampo::mc::TestLogBuilder::end_test";
  const auto at = [&] {
    std::string s = "test ";
    return s.append(std::to_string(log_.tests()));
  };
  need_finite(function, "result", result, at);
  if (std::isnan(weight) || (weight >= 0.0 && !std::isfinite(weight)))
    throw_invalid_argument(function, "weight", format_value(weight),
                           at_note("must be finite and >= 0 ", at()));
  if (weight < 0.0) {
    weight = 1.0;
    for (std::size_t s = log_.offset_.back(); s < log_.p_.size(); ++s)
      weight *= log_.p_[s] / log_.q_[s];
  }
  if (controls.size() != log_.schema_.controls.size()) {
    std::string what = "has ";
    what.append(std::to_string(controls.size())).append(" values, the schema has ");
    what.append(std::to_string(log_.schema_.controls.size())).append(" (").append(at()).append(")");
    throw_invalid_argument(function, "controls", "", what);
  }
  for (std::size_t k = 0; k < controls.size(); ++k)
    {
    std::string name = "controls[";
    name.append(std::to_string(k)).append("]");
    need_finite(function, name, controls[k], at);
  }
  log_.result_.push_back(result);
  log_.weight_.push_back(weight);
  log_.controls_.insert(log_.controls_.end(), controls.begin(), controls.end());
  log_.offset_.push_back(log_.p_.size());
  return *this;
}

TestLog TestLogBuilder::finish() && {
  if (open_steps() != 0)
    throw_invalid_argument("sampo::mc::TestLogBuilder::finish", "steps",
                           std::to_string(open_steps()),
                           "recorded for a test that end_test() has not closed");
  return std::move(log_);
}

}  // namespace sampo::mc

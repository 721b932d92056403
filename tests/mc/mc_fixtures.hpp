#pragma once
// Synthetic test logs with exactly known means, for the mc tests.
//
// The ladder: a sequential test of T decision steps. A danger level d starts at 0; at each
// step an action u ∈ {0, 1} is drawn, naturalistically with p(1 | d) = pi[d]; u = 1 raises d by
// one, u = 0 keeps it. The test crashes (Y = 1) when d reaches D = pi.size() and stops there.
// A step is *critical* when d >= threshold: there u is drawn from the defensive importance
// distribution q(1) = ε·pi[d] + (1 − ε)·tilt (tilt the surrogate-guided share), otherwise from p
// (weight 1). So the number of critical steps depends on the actions drawn before — the case
// in which stratifying by that number is biased. The crash probability μ and every surrogate's
// crash-probability-to-go V_s(t, d) come from the backward recursion
//     V(t, D) = 1,  V(T, d) = 0 (d < D),  V(t, d) = pi[d]·V(t+1, d+1) + (1 − pi[d])·V(t+1, d).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "sampo/mc/test_log.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace sampo::mc::testkit {

struct Ladder {
  std::vector<double> pi{0.05, 0.1, 0.2};  // p(1 | d), d = 0 .. D-1
  int steps = 5;                           // T
  int threshold = 1;                       // critical when d >= threshold
  double epsilon = 0.2;
  double tilt = 0.6;                       // q(1) = ε·pi + (1 − ε)·tilt at critical steps
  // Surrogate s uses pi scaled by surrogate_scale[s] (1: the exact model).
  std::vector<double> surrogate_scale{};

  [[nodiscard]] int levels() const { return int(pi.size()); }

  /// V(t, d) for probabilities @p pr: (steps + 1) x (levels + 1), row t, column d.
  [[nodiscard]] std::vector<std::vector<double>> value(const std::vector<double>& pr) const {
    const int D = levels();
    std::vector<std::vector<double>> v(std::size_t(steps) + 1, std::vector<double>(std::size_t(D) + 1, 0.0));
    for (int t = steps; t >= 0; --t)
      for (int d = D; d >= 0; --d) {
        if (d == D) v[std::size_t(t)][std::size_t(d)] = 1.0;
        else if (t == steps) v[std::size_t(t)][std::size_t(d)] = 0.0;
        else
          v[std::size_t(t)][std::size_t(d)] =
              pr[std::size_t(d)] * v[std::size_t(t) + 1][std::size_t(d) + 1] +
              (1 - pr[std::size_t(d)]) * v[std::size_t(t) + 1][std::size_t(d)];
      }
    return v;
  }

  /// The exact crash probability μ = V(0, 0).
  [[nodiscard]] double mu() const { return value(pi)[0][0]; }

  [[nodiscard]] TestLogSchema schema() const {
    TestLogSchema s;
    s.features = {"danger"};
    for (std::size_t k = 0; k < surrogate_scale.size(); ++k) {
      std::string name = "sm";
      s.surrogates.push_back(name.append(std::to_string(k)));
    }
    return s;
  }

  /// n tests, test i drawn from RandomStream(seed, stream, i).
  [[nodiscard]] TestLog log(std::size_t n, std::uint64_t seed, std::uint64_t stream = 1) const {
    std::vector<std::vector<std::vector<double>>> sv;
    for (double scale : surrogate_scale) {
      std::vector<double> pr = pi;
      for (double& x : pr) x = std::min(1.0, x * scale);
      sv.push_back(value(pr));
    }
    const std::size_t m = surrogate_scale.size();
    TestLogBuilder b(schema());
    std::vector<double> values(m), means(m);
    for (std::size_t i = 0; i < n; ++i) {
      parallel::RandomStream rs(seed, stream, i);
      int d = 0;
      for (int t = 0; t < steps && d < levels(); ++t) {
        const double p1 = pi[std::size_t(d)];
        if (d >= threshold) {
          const double q1 = epsilon * p1 + (1 - epsilon) * tilt;
          const bool up = rs.uniform() < q1;
          const int next = up ? d + 1 : d;
          for (std::size_t s = 0; s < m; ++s) {
            const auto& v = sv[s];
            values[s] = v[std::size_t(t) + 1][std::size_t(next)];
            means[s] = p1 * v[std::size_t(t) + 1][std::size_t(d) + 1] +
                       (1 - p1) * v[std::size_t(t) + 1][std::size_t(d)];
          }
          const double feature = double(d);
          b.step(up ? p1 : 1 - p1, up ? q1 : 1 - q1, t, epsilon, {&feature, 1}, values, means);
          d = next;
        } else {
          if (rs.uniform() < p1) ++d;
        }
      }
      b.end_test(d >= levels() ? 1.0 : 0.0);
    }
    return std::move(b).finish();
  }
};

/// n naturalistic tests with Y ~ Bernoulli(mu).
inline TestLog bernoulli_log(std::size_t n, double mu, std::uint64_t seed, std::uint64_t stream = 2) {
  TestLogBuilder b;
  for (std::size_t i = 0; i < n; ++i) {
    parallel::RandomStream rs(seed, stream, i);
    b.end_test(rs.uniform() < mu ? 1.0 : 0.0);
  }
  return std::move(b).finish();
}

}  // namespace sampo::mc::testkit

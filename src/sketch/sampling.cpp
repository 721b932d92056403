#include "sampo/sketch/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo/parallel/random_stream.hpp"
#include "sampo/sketch/leverage.hpp"
#include "sampo/sketch/lewis.hpp"
#include "sampo/sketch/sensitivity.hpp"

namespace sampo::sketch {
namespace {
void check_scores(std::string_view fn, const Eigen::Ref<const Eigen::VectorXd>& s,
                  std::string_view arg = "scores") {
  check_nonempty(fn, arg, static_cast<std::size_t>(s.size()));
  double total = 0.0;
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    if (!(s(i) >= 0.0) || !std::isfinite(s(i))) {
      std::string name(arg);
      name.append("(");
      name.append(std::to_string(i)).append(")");
      throw_invalid_argument(fn, name, format_value(s(i)), "must be finite and >= 0");
    }
    total += s(i);
  }
  if (!(total > 0.0)) throw_invalid_argument(fn, arg, "all zero", "must have a positive entry");
}
}  // namespace

std::string_view to_string(ScoreKind kind) noexcept {
  switch (kind) {
    case ScoreKind::sensitivity: return "sensitivity";
    case ScoreKind::lewis: return "lewis";
    case ScoreKind::root_leverage: return "root-leverage";
    case ScoreKind::leverage: return "leverage";
    case ScoreKind::uniform: return "uniform";
    case ScoreKind::leverage_sensitivity: return "leverage-sensitivity";
  }
  return "unknown";
}

ScoreKind score_kind_from_string(std::string_view name) {
  for (ScoreKind k : {ScoreKind::sensitivity, ScoreKind::lewis, ScoreKind::root_leverage,
                      ScoreKind::leverage, ScoreKind::uniform, ScoreKind::leverage_sensitivity})
    if (name == to_string(k)) return k;
  throw_invalid_argument(
      "sampo::sketch::score_kind_from_string", "name", name,
      "must be sensitivity, lewis, root-leverage, leverage, uniform or leverage-sensitivity");
}

Eigen::VectorXd sampling_scores(const Eigen::Ref<const Eigen::MatrixXd>& a, double p,
                                ScoreKind kind) {
  constexpr std::string_view kFn = "sampo::sketch::sampling_scores";
  detail::check_tall(kFn, "a", a);
  detail::check_p(kFn, "p", p);
  switch (kind) {
    case ScoreKind::sensitivity: return lp_sensitivities(a, p).sensitivities;
    case ScoreKind::lewis: return lewis_weights(a, p).weights;
    case ScoreKind::root_leverage:
      return root_leverage_scores(linalg::leverage_scores(a).scores.cwiseMin(1.0), p);
    case ScoreKind::leverage: return linalg::leverage_scores(a).scores;
    case ScoreKind::uniform: return Eigen::VectorXd::Ones(a.rows());
    case ScoreKind::leverage_sensitivity:
      return leverage_sensitivity_scores(lp_sensitivities(a, p).sensitivities,
                                         linalg::leverage_scores(a).scores);
  }
  return {};
}

Eigen::VectorXd leverage_sensitivity_scores(const Eigen::Ref<const Eigen::VectorXd>& sigma,
                                            const Eigen::Ref<const Eigen::VectorXd>& tau,
                                            double leverage_share) {
  constexpr std::string_view kFn = "sampo::sketch::leverage_sensitivity_scores";
  if (!(leverage_share >= 0.0 && leverage_share <= 1.0))
    throw_invalid_argument(kFn, "leverage_share", format_value(leverage_share),
                           "must be in [0, 1]");
  check_scores(kFn, sigma, "sigma");
  check_scores(kFn, tau, "tau");
  if (sigma.size() != tau.size()) {
    std::string what = "must equal sigma.size() (";
    what.append(std::to_string(sigma.size())).append(")");
    throw_invalid_argument(kFn, "tau.size()", std::to_string(tau.size()), what);
  }
  // s = 2(1 − λ)·σ/𝔖 + 2λ·τ/r. At λ = 1/2 both weights are exactly 1, so the default gives
  // the bits of σ/𝔖 + τ/r; λ = 0 or 1 gives 0·(the other) = +0.
  const double w_sigma = 2.0 * (1.0 - leverage_share);
  const double w_tau = 2.0 * leverage_share;
  return w_sigma * (sigma / sigma.sum()) + w_tau * (tau / tau.sum());
}

double alpha_for_epsilon_leverage_sensitivity(double epsilon, double p, Eigen::Index d,
                                              double total_sensitivity) {
  constexpr std::string_view kFn = "sampo::sketch::alpha_for_epsilon_leverage_sensitivity";
  if (!(epsilon > 0.0 && epsilon < 1.0))
    throw_invalid_argument(kFn, "epsilon", format_value(epsilon), "must be in (0, 1)");
  if (!(p > 2.0) || !std::isfinite(p))
    throw_invalid_argument(kFn, "p", format_value(p),
                           "must be finite and > 2 (the combined bound is for p > 2)");
  if (d < 1) throw_invalid_argument(kFn, "d", std::to_string(d), "must be >= 1");
  if (!(total_sensitivity > 0.0) || !std::isfinite(total_sensitivity))
    throw_invalid_argument(kFn, "total_sensitivity", format_value(total_sensitivity),
                           "must be finite and > 0");
  const double m = std::pow(static_cast<double>(d), 2.0 / p) *
                   std::pow(total_sensitivity, 2.0 - 4.0 / p) / (epsilon * epsilon);
  return 2.0 / m;
}

double alpha_for_expected_rows(const Eigen::Ref<const Eigen::VectorXd>& scores, double m) {
  constexpr std::string_view kFn = "sampo::sketch::alpha_for_expected_rows";
  check_scores(kFn, scores);
  check_positive(kFn, "m", m);
  std::vector<double> s;
  for (Eigen::Index i = 0; i < scores.size(); ++i)
    if (scores(i) > 0.0) s.push_back(scores(i));
  std::sort(s.begin(), s.end(), std::greater<>());
  const auto npos = static_cast<double>(s.size());
  if (m >= npos) return s.back();
  // With the k largest scores capped at 1: α_k = (Σ_{j >= k} s_j)/(m − k), valid when
  // s_{k−1} >= α_k >= s_k (so exactly those k have s/α >= 1). Suffix sums from the small end.
  std::vector<double> suffix(s.size() + 1, 0.0);
  for (std::size_t j = s.size(); j-- > 0;) suffix[j] = suffix[j + 1] + s[j];
  for (std::size_t k = 0; k < s.size() && static_cast<double>(k) < m; ++k) {
    const double alpha = suffix[k] / (m - static_cast<double>(k));
    if (alpha >= s[k] && (k == 0 || s[k - 1] >= alpha)) return alpha;
  }
  return s.back();
}

double alpha_for_epsilon(double epsilon, double delta, Eigen::Index d) {
  constexpr std::string_view kFn = "sampo::sketch::alpha_for_epsilon";
  if (!(epsilon > 0.0 && epsilon < 1.0))
    throw_invalid_argument(kFn, "epsilon", format_value(epsilon), "must be in (0, 1)");
  if (!(delta > 0.0 && delta < 1.0))
    throw_invalid_argument(kFn, "delta", format_value(delta), "must be in (0, 1)");
  if (d < 1) throw_invalid_argument(kFn, "d", std::to_string(d), "must be >= 1");
  return epsilon * epsilon / (3.0 * std::log(2.0 * static_cast<double>(d) / delta));
}

void SampleOptions::validate() const {
  constexpr std::string_view kFn = "sampo::sketch::SampleOptions::validate";
  detail::check_p(kFn, "p", p);
  check_nonnegative(kFn, "expected_rows", expected_rows);
  check_nonnegative(kFn, "alpha", alpha);
  if ((expected_rows > 0.0) == (alpha > 0.0))
    throw_invalid_argument(kFn, "expected_rows", format_value(expected_rows),
                           "exactly one of expected_rows and alpha must be positive");
}

namespace detail {
SampleSelection select_rows(const Eigen::Ref<const Eigen::VectorXd>& scores, double p,
                            double expected_rows, double alpha, std::uint64_t seed,
                            std::uint64_t stream) {
  const Eigen::Index n = scores.size();
  SampleSelection out;
  out.alpha = alpha > 0.0 ? alpha : alpha_for_expected_rows(scores, expected_rows);
  out.probabilities.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) out.probabilities(i) = std::min(1.0, scores(i) / out.alpha);
  out.expected_rows = out.probabilities.sum();
  for (Eigen::Index i = 0; i < n; ++i) {
    const double q = out.probabilities(i);
    if (q <= 0.0) continue;
    parallel::RandomStream rs(seed, stream, static_cast<std::uint64_t>(i));
    if (q >= 1.0 || rs.uniform() < q) out.indices.push_back(i);
  }
  const auto m = static_cast<Eigen::Index>(out.indices.size());
  out.weights.resize(m);
  for (Eigen::Index k = 0; k < m; ++k)
    out.weights(k) = std::pow(out.probabilities(out.indices[static_cast<std::size_t>(k)]), -1.0 / p);
  return out;
}
}  // namespace detail

SampleResult sample_rows(const Eigen::Ref<const Eigen::MatrixXd>& a,
                         const Eigen::Ref<const Eigen::VectorXd>& scores,
                         const SampleOptions& options) {
  constexpr std::string_view kFn = "sampo::sketch::sample_rows";
  Stopwatch watch;
  check_nonempty(kFn, "a", static_cast<std::size_t>(a.size()));
  check_finite(kFn, "a", a);
  check_scores(kFn, scores);
  options.validate();
  const Eigen::Index n = a.rows();
  if (scores.size() != n) {
    std::string what = "must have one entry per row of a (";
    what.append(std::to_string(n)).append(")");
    throw_invalid_argument(kFn, "scores.size()", std::to_string(scores.size()), what);
  }
  if (options.expected_rows > static_cast<double>(n)) {
    std::string what = "must be at most the number of rows of a (";
    what.append(std::to_string(n)).append(")");
    throw_invalid_argument(kFn, "options.expected_rows", format_value(options.expected_rows),
                           what);
  }
  detail::SampleSelection sel = detail::select_rows(scores, options.p, options.expected_rows,
                                                    options.alpha, options.seed, options.stream);
  SampleResult out;
  out.alpha = sel.alpha;
  out.expected_rows = sel.expected_rows;
  out.probabilities = std::move(sel.probabilities);
  out.indices = std::move(sel.indices);
  out.weights = std::move(sel.weights);
  const auto m = static_cast<Eigen::Index>(out.indices.size());
  out.rows.resize(m, a.cols());
  for (Eigen::Index k = 0; k < m; ++k)
    out.rows.row(k) = out.weights(k) * a.row(out.indices[static_cast<std::size_t>(k)]);
  out.run.termination = Termination::converged;
  out.run.evaluations = static_cast<std::size_t>(n);
  out.run.message = "kept ";
  out.run.message.append(std::to_string(m)).append(" of ").append(std::to_string(n))
      .append(" rows (expected ").append(format_value(out.expected_rows)).append(")");
  out.run.seconds = watch.seconds();
  return out;
}

}  // namespace sampo::sketch

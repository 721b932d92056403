#include "sampo/sketch/sampling.hpp"

#include <cmath>

#include "sampo/core/error.hpp"
#include "sampo/parallel/random_stream.hpp"
#include "sampo/sketch/lewis.hpp"
#include "sampo_test.hpp"
#include "sketch_test_util.hpp"
#include "thread_count.hpp"

using namespace sampo;
using namespace sampo::sketch;
using sampo::test::kEps;

TEST_CASE("alpha for an expected row count solves Σ min{1, s/α} = m", "[sketch][sampling]") {
  Eigen::VectorXd s(6);
  s << 10, 0.1, 0.2, 0, 0.3, 0.4;
  for (double m : {0.5, 1.0, 2.0, 3.5, 4.9}) {
    CAPTURE(m);
    const double alpha = alpha_for_expected_rows(s, m);
    const double sum = (s.array() / alpha).min(1.0).sum();
    // One division and a sum of 6 terms: a few ulps.
    CHECK(sum == Approx(m).epsilon(16 * kEps));
  }
  // m >= #positive scores keeps every row with a positive score.
  const double all = alpha_for_expected_rows(s, 5.0);
  CHECK((s.array() / all).min(1.0).sum() == 5.0);
  SAMPO_REQUIRE_THROWS_WITH(alpha_for_expected_rows(s, -1.0), sampo::invalid_argument, "'m'");
  SAMPO_REQUIRE_THROWS_WITH(alpha_for_expected_rows(Eigen::VectorXd::Zero(3), 1.0),
                            sampo::invalid_argument, "scores");
}

TEST_CASE("sample: rescaled rows, reproducible from the seed", "[sketch][sampling]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(300, 3, sampo::testing::fixture_seed(12));
  const Eigen::VectorXd w = lewis_weights(a, 1.5).weights;
  SampleOptions o;
  o.p = 1.5;
  o.expected_rows = 60;
  o.seed = 5;
  const SampleResult r = sample_rows(a, w, o);
  CHECK(r.expected_rows == Approx(60).epsilon(1e-12));
  REQUIRE(r.indices.size() == static_cast<std::size_t>(r.rows.rows()));
  for (std::size_t k = 0; k < r.indices.size(); ++k) {
    const Eigen::Index i = r.indices[k];
    const auto kk = static_cast<Eigen::Index>(k);
    CHECK(r.weights(kk) == std::pow(r.probabilities(i), -1.0 / 1.5));
    CHECK(sampo::test::same_entries(r.rows.row(kk), (r.weights(kk) * a.row(i)).eval()));
    if (k > 0) CHECK(r.indices[k - 1] < i);
  }
  const SampleResult again = sample_rows(a, w, o);
  CHECK(again.indices == r.indices);
  o.seed = 6;
  CHECK(sample_rows(a, w, o).indices != r.indices);
}

TEST_CASE("sample: E‖SAx‖_p^p = ‖Ax‖_p^p", "[sketch][sampling]") {
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(200, 3, sampo::testing::fixture_seed(13));
  const double p = 1.5;
  const Eigen::VectorXd w = lewis_weights(a, p).weights;
  Eigen::Vector3d x(1.0, -0.5, 2.0);
  const double truth = (a * x).array().abs().pow(p).sum();
  SampleOptions o;
  o.p = p;
  o.expected_rows = 30;
  o.seed = 21;
  const int reps = 400;
  double sum = 0.0, sum2 = 0.0;
  for (int k = 0; k < reps; ++k) {
    o.stream = static_cast<std::uint64_t>(k);
    const SampleResult r = sample_rows(a, w, o);
    const double v = (r.rows * x).array().abs().pow(p).sum();
    sum += v;
    sum2 += v * v;
  }
  const double mean = sum / reps;
  const double se = std::sqrt((sum2 / reps - mean * mean) / (reps - 1));
  // Unbiased: the mean of 400 independent samples is within 4 standard errors of the truth
  // (a fixed seed; 4σ fails with probability 6e-5 for a normal mean).
  CHECK(std::abs(mean - truth) <= 4 * se);
}

TEST_CASE("sample: bad input names the argument", "[sketch][sampling]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Ones(10, 2);
  const Eigen::VectorXd s = Eigen::VectorXd::Ones(10);
  SampleOptions o;
  o.expected_rows = 11;
  SAMPO_REQUIRE_THROWS_WITH(sample_rows(a, s, o), sampo::invalid_argument, "expected_rows", "11");
  o.expected_rows = 3;
  SAMPO_REQUIRE_THROWS_WITH(sample_rows(a, Eigen::VectorXd::Ones(9), o), sampo::invalid_argument,
                            "scores.size()", "9");
  Eigen::VectorXd neg = s;
  neg(4) = -1;
  SAMPO_REQUIRE_THROWS_WITH(sample_rows(a, neg, o), sampo::invalid_argument, "scores(4)", "-1");
  o.p = 0.5;
  SAMPO_REQUIRE_THROWS_WITH(sample_rows(a, s, o), sampo::invalid_argument, "'p'", "0.5");
  o.p = 1;
  o.alpha = 0.5;
  SAMPO_REQUIRE_THROWS_WITH(sample_rows(a, s, o), sampo::invalid_argument, "expected_rows");
  CHECK(score_kind_from_string("root-leverage") == ScoreKind::root_leverage);
  SAMPO_REQUIRE_THROWS_WITH(score_kind_from_string("foo"), sampo::invalid_argument, "foo");
  SAMPO_REQUIRE_THROWS_WITH(alpha_for_epsilon(2.0, 0.1, 3), sampo::invalid_argument, "epsilon");
}

TEST_CASE("leverage + sensitivity (p > 2): scores, expected size, seed, threads",
          "[sketch][sampling]") {
  const double p = 3.0;
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(120, 3, sampo::testing::fixture_seed(14));
  const Eigen::VectorXd s = sampling_scores(a, p, ScoreKind::leverage_sensitivity);
  const Eigen::VectorXd sigma = sampling_scores(a, p, ScoreKind::sensitivity);
  const Eigen::VectorXd tau = sampling_scores(a, p, ScoreKind::leverage);
  // s = σ/𝔖 + τ/d: the same two divisions and one addition per entry, so the same bits.
  CHECK(sampo::test::same_entries(s, leverage_sensitivity_scores(sigma, tau)));
  // Σ s = 2 up to the rounding of two sums of 120 terms.
  CHECK(s.sum() == Approx(2.0).epsilon(256 * kEps));
  // Each part is dominated: s_i >= σ_i/𝔖 and >= τ_i/d.
  CHECK(((s - sigma / sigma.sum()).array() >= 0.0).all());
  CHECK(((s - tau / tau.sum()).array() >= 0.0).all());
  CHECK(to_string(ScoreKind::leverage_sensitivity) == "leverage-sensitivity");
  CHECK(score_kind_from_string("leverage-sensitivity") == ScoreKind::leverage_sensitivity);

  SampleOptions o;
  o.p = p;
  o.expected_rows = 30;
  o.seed = 9;
  const SampleResult r = sample_rows(a, s, o);
  // Σ q = m exactly up to the rounding of alpha_for_expected_rows (a sum of 120 terms).
  CHECK(r.expected_rows == Approx(30).epsilon(1e-12));
  // The realized size over 200 streams: its mean is within 4 standard errors of Σq = 30
  // (Bernoulli rows: Var = Σ q(1 − q); a fixed seed; 4σ fails with probability 6e-5).
  const double var = (r.probabilities.array() * (1.0 - r.probabilities.array())).sum();
  double total = 0.0;
  const int reps = 200;
  for (int k = 0; k < reps; ++k) {
    SampleOptions ok = o;
    ok.stream = static_cast<std::uint64_t>(k);
    total += static_cast<double>(sample_rows(a, s, ok).indices.size());
  }
  CHECK(std::abs(total / reps - 30.0) <= 4.0 * std::sqrt(var / reps));
  // Reproducible from the seed; another seed, another sample.
  CHECK(sample_rows(a, s, o).indices == r.indices);
  SampleOptions other = o;
  other.seed = 10;
  CHECK(sample_rows(a, s, other).indices != r.indices);
  // The same bits with 1 and 2 threads (the sensitivities run in parallel_for).
  const Eigen::VectorXd s1 = sampo::test::with_threads(1, [&] {
    return sampling_scores(a, p, ScoreKind::leverage_sensitivity);
  });
  const Eigen::VectorXd s2 = sampo::test::with_threads(2, [&] {
    return sampling_scores(a, p, ScoreKind::leverage_sensitivity);
  });
  CHECK(sampo::test::same_entries(s1, s2));
  CHECK(sample_rows(a, s1, o).indices == sample_rows(a, s2, o).indices);
}

TEST_CASE("leverage + sensitivity: α from ε and bad input", "[sketch][sampling]") {
  // m = ε⁻² d^{2/p} 𝔖^{2−4/p} and α = 2/m: p = 4, d = 4, 𝔖 = 9, ε = 0.5 gives
  // m = 4 · 4^{1/2} · 9^{1} = 72, α = 1/36 (a few roundings of pow: 8 ulps).
  CHECK(alpha_for_epsilon_leverage_sensitivity(0.5, 4.0, 4, 9.0) ==
        Approx(1.0 / 36.0).epsilon(8 * kEps));
  SAMPO_REQUIRE_THROWS_WITH(alpha_for_epsilon_leverage_sensitivity(0.5, 2.0, 4, 9.0),
                            sampo::invalid_argument, "'p'", "> 2");
  SAMPO_REQUIRE_THROWS_WITH(alpha_for_epsilon_leverage_sensitivity(1.5, 3.0, 4, 9.0),
                            sampo::invalid_argument, "epsilon", "1.5");
  SAMPO_REQUIRE_THROWS_WITH(alpha_for_epsilon_leverage_sensitivity(0.5, 3.0, 0, 9.0),
                            sampo::invalid_argument, "'d'");
  SAMPO_REQUIRE_THROWS_WITH(alpha_for_epsilon_leverage_sensitivity(0.5, 3.0, 4, 0.0),
                            sampo::invalid_argument, "total_sensitivity");
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(5);
  SAMPO_REQUIRE_THROWS_WITH(leverage_sensitivity_scores(ones, Eigen::VectorXd::Ones(4)),
                            sampo::invalid_argument, "tau.size()", "4");
  Eigen::VectorXd bad = ones;
  bad(2) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(leverage_sensitivity_scores(bad, ones), sampo::invalid_argument,
                            "sigma(2)");
  SAMPO_REQUIRE_THROWS_WITH(leverage_sensitivity_scores(ones, Eigen::VectorXd::Zero(5)),
                            sampo::invalid_argument, "'tau'", "all zero");
}

TEST_CASE("leverage + sensitivity: the leverage share λ", "[sketch][sampling]") {
  const double p = 3.0;
  const Eigen::MatrixXd a = sampo::test::heavy_tailed(90, 3, sampo::testing::fixture_seed(15));
  const Eigen::VectorXd sigma = sampling_scores(a, p, ScoreKind::sensitivity);
  const Eigen::VectorXd tau = sampling_scores(a, p, ScoreKind::leverage);
  const double total = sigma.sum(), rank = tau.sum();
  const Eigen::VectorXd sig_n = sigma / total, tau_n = tau / rank;

  // The default λ = 1/2 is the equal-mass form σ/𝔖 + τ/r, bit for bit (its weights 2(1 − λ)
  // and 2λ are exactly 1), and so is an explicit 0.5.
  const Eigen::VectorXd equal = sig_n + tau_n;
  CHECK(sampo::test::same_entries(leverage_sensitivity_scores(sigma, tau), equal));
  CHECK(sampo::test::same_entries(leverage_sensitivity_scores(sigma, tau, 0.5), equal));
  CHECK(sampo::test::same_entries(sampling_scores(a, p, ScoreKind::leverage_sensitivity),
                                  leverage_sensitivity_scores(sigma, tau)));
  // λ = 0: sensitivity sampling scaled to Σ s = 2; λ = 1: leverage sampling. The other part
  // enters as 0·x = +0, and 2·x is exact, so both are the same bits as the closed forms.
  const Eigen::VectorXd sig2 = 2.0 * sig_n, tau2 = 2.0 * tau_n;
  CHECK(sampo::test::same_entries(leverage_sensitivity_scores(sigma, tau, 0.0), sig2));
  CHECK(sampo::test::same_entries(leverage_sensitivity_scores(sigma, tau, 1.0), tau2));

  // A seeded sweep of λ in [0, 1]: Σ s = 2, and q = min{1, s/α} dominates each part's own
  // sample, q_i >= min{1, 2(1 − λ)σ_i/(α𝔖)} and >= min{1, 2λτ_i/(αr)}.
  sampo::parallel::RandomStream rs(sampo::testing::fixture_seed(16), 0, 0);
  for (int k = 0; k < 20; ++k) {
    const double share = k == 0 ? 0.0 : (k == 1 ? 1.0 : rs.uniform());
    CAPTURE(share);
    const Eigen::VectorXd s = leverage_sensitivity_scores(sigma, tau, share);
    // Σ s = 2(1 − λ)Σσ/𝔖 + 2λΣτ/r: two sums of 90 terms and their roundings (256 ulps).
    CHECK(s.sum() == Approx(2.0).epsilon(256 * kEps));
    // The closed form per entry: two products and one sum, so a few ulps of s_i.
    const Eigen::VectorXd closed = 2.0 * (1.0 - share) * sig_n + 2.0 * share * tau_n;
    CHECK(sampo::test::max_rel_diff(s, closed) <= 4 * kEps);
    const double alpha = alpha_for_expected_rows(s, 20.0);
    const Eigen::ArrayXd q = (s.array() / alpha).min(1.0);
    const Eigen::ArrayXd q_sens = (2.0 * (1.0 - share) * sig_n.array() / alpha).min(1.0);
    const Eigen::ArrayXd q_lev = (2.0 * share * tau_n.array() / alpha).min(1.0);
    // s_i is the rounded sum of two non-negative terms, so s_i >= each term up to that one
    // rounding; the divisions by α round alike: 4 ulps relative covers them.
    CHECK((q >= q_sens * (1.0 - 4 * kEps)).all());
    CHECK((q >= q_lev * (1.0 - 4 * kEps)).all());
  }

  // Bad shares name the argument and the value.
  SAMPO_REQUIRE_THROWS_WITH(leverage_sensitivity_scores(sigma, tau, -0.1),
                            sampo::invalid_argument, "leverage_share", "-0.1", "[0, 1]");
  SAMPO_REQUIRE_THROWS_WITH(leverage_sensitivity_scores(sigma, tau, 1.5),
                            sampo::invalid_argument, "leverage_share", "1.5");
  SAMPO_REQUIRE_THROWS_WITH(leverage_sensitivity_scores(sigma, tau, std::nan("")),
                            sampo::invalid_argument, "leverage_share", "nan");
  // τ is still checked when λ = 0 (and σ when λ = 1): both must be valid scores.
  SAMPO_REQUIRE_THROWS_WITH(
      leverage_sensitivity_scores(sigma, Eigen::VectorXd::Zero(sigma.size()), 0.0),
      sampo::invalid_argument, "'tau'", "all zero");
}

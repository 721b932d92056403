// FGDA / FgMDM: the LDA coefficients against closed forms, the filter's projection algebra,
// classification of separable classes, and bad input. (Agreement with pyRiemann's FgMDM is
// checked by bench/riemann_vs_pyriemann.py, which the tests do not need.)
#include "sampo_test.hpp"

#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/riemann/fgmdm.hpp"
#include "sampo/riemann/pipeline.hpp"
#include "spd_fixtures.hpp"

using namespace sampo::riemann;

namespace {

/// Class samples mu ± a e_j (j = 1..d): centred, each feature has population variance a²/d and
/// the features are uncorrelated, so the within-class covariance is (a²/d) I exactly — for
/// any Ledoit–Wolf shrinkage, since the target (mean eigenvalue × I) equals the estimate.
void add_cross(Eigen::MatrixXd& x, std::vector<int>& y, const Eigen::RowVectorXd& mu, double a,
               int label) {
  const Eigen::Index d = mu.size(), start = x.rows();
  x.conservativeResize(start + 2 * d, d);
  for (Eigen::Index j = 0; j < d; ++j) {
    x.row(start + 2 * j) = mu;
    x.row(start + 2 * j + 1) = mu;
    x(start + 2 * j, j) += a;
    x(start + 2 * j + 1, j) -= a;
    y.push_back(label);
    y.push_back(label);
  }
}

}  // namespace

TEST_CASE("lda_coefficients: isotropic within-class covariance gives Σ⁻¹ (μ₂ − μ₁)",
          "[fgmdm]") {
  const Eigen::Index d = 4;
  const double a = 2.0;
  Eigen::MatrixXd x(0, d);
  std::vector<int> y;
  Eigen::RowVectorXd mu0(d), mu1(d);
  mu0 << 1, 0, -1, 0.5;
  mu1 << 2, 3, -1, 0;
  add_cross(x, y, mu0, a, 0);
  add_cross(x, y, mu1, a, 1);
  // Σ = (a²/d) I in both classes (priors 1/2 each), so B = Σ⁻¹ [μ₀ μ₁] and the two-class
  // coefficients are (d/a²)(μ₁ − μ₀). Only rounding (a few ulps of the solve) separates them.
  const Eigen::MatrixXd coef = lda_coefficients(x, y);
  REQUIRE(coef.rows() == 1);
  REQUIRE(coef.cols() == d);
  const Eigen::RowVectorXd expected = (static_cast<double>(d) / (a * a)) * (mu1 - mu0);
  CHECK((coef - expected).norm() <= 1e-13 * expected.norm());

  // Three classes: one row per class, B_k = Σ⁻¹ μ_k.
  Eigen::RowVectorXd mu2(d);
  mu2 << -1, -1, 2, 2;
  add_cross(x, y, mu2, a, 7);
  const Eigen::MatrixXd coef3 = lda_coefficients(x, y);
  REQUIRE(coef3.rows() == 3);
  const double s = static_cast<double>(d) / (a * a);
  CHECK((coef3.row(0) - s * mu0).norm() <= 1e-13 * s * mu0.norm());
  CHECK((coef3.row(2) - s * mu2).norm() <= 1e-13 * s * mu2.norm());
}

TEST_CASE("lda_coefficients: bad input", "[fgmdm]") {
  Eigen::MatrixXd x = sampo::test::normal_matrix(6, 3, 5);
  SAMPO_REQUIRE_THROWS_WITH(lda_coefficients(x, {0, 0, 0, 0, 0, 0}), sampo::invalid_argument,
                            "lda_coefficients");
  SAMPO_REQUIRE_THROWS_WITH(lda_coefficients(x, {0, 1, 1, 1, 1, 1}), sampo::invalid_argument,
                            "fewer than 2 samples");
  SAMPO_REQUIRE_THROWS_WITH(lda_coefficients(x, {0, 1}), sampo::invalid_argument,
                            "lda_coefficients");
  x(2, 1) = std::nan("");
  SAMPO_REQUIRE_THROWS_WITH(lda_coefficients(x, {0, 0, 0, 1, 1, 1}), sampo::invalid_argument,
                            "'x'");
}

TEST_CASE("FGDA: an orthogonal projection of rank K-1; filtered matrices are SPD", "[fgmdm]") {
  for (const int k : {2, 3}) {
    std::vector<Eigen::MatrixXd> covs;
    std::vector<int> y;
    for (int c = 0; c < k; ++c) {
      const auto xs = sampo::test::random_spd(15, 4, 40 + static_cast<unsigned>(c));
      for (const auto& m : xs) {
        // Shift class c along its own direction so that the class means differ.
        Eigen::MatrixXd shifted = m;
        shifted(c, c) += 1.5;
        covs.push_back(shifted);
        y.push_back(c);
      }
    }
    Fgda f;
    f.fit(covs, y);
    const Eigen::MatrixXd& p = f.projection();
    REQUIRE(p.rows() == 10);
    // P = Wᵀ(WWᵀ)⁺W is symmetric and idempotent up to the rounding of a d x d product chain
    // with a condition number of WWᵀ far below 1e6: 1e-10 is a wide margin.
    CHECK((p - p.transpose()).norm() <= 1e-12);
    CHECK((p * p - p).norm() <= 1e-10);
    CHECK(std::abs(p.trace() - (k - 1)) <= 1e-10);  // trace = rank = K - 1
    const auto filtered = f.transform(covs);
    REQUIRE(filtered.size() == covs.size());
    for (const auto& m : filtered) CHECK(Eigen::LLT<Eigen::MatrixXd>(m).info() == Eigen::Success);
  }
}

TEST_CASE("FgMDM separates well-separated classes and agrees with the pipeline", "[fgmdm]") {
  std::vector<Eigen::MatrixXd> covs;
  std::vector<int> y;
  const auto a = sampo::test::random_spd(20, 5, 3), b = sampo::test::random_spd(20, 5, 4);
  for (const auto& m : a) {
    covs.push_back(m);
    y.push_back(1);
  }
  for (const auto& m : b) {
    covs.push_back(4.0 * m);  // class 2 is 4x larger: δ to the other class ≥ ~√5 ln 4
    y.push_back(2);
  }
  FgMdm clf;
  clf.fit(covs, y);
  CHECK(clf.classes() == std::vector<int>{1, 2});
  CHECK(clf.predict(covs) == y);
  const Eigen::MatrixXd p = clf.predict_proba(covs);
  CHECK((p.rowwise().sum().array() - 1.0).abs().maxCoeff() <= 1e-12);
  PipelineOptions po;
  po.kind = pipeline_from_string("fgmdm");
  Pipeline pipe(po);
  pipe.fit_covariances(covs, y);
  CHECK(pipe.predict_covariances(covs) == y);
  CHECK((pipe.scores_covariances(covs) - p).norm() == 0.0);  // same computation, same bits
  CHECK(pipe.reference().rows() == 5);
}

TEST_CASE("FGDA / FgMDM: bad input", "[fgmdm]") {
  const auto covs = sampo::test::random_spd(6, 3, 9);
  Fgda f;
  SAMPO_REQUIRE_THROWS_WITH((void)f.transform(covs), sampo::invalid_argument, "not fitted");
  SAMPO_REQUIRE_THROWS_WITH(f.fit(covs, {0, 0, 0, 0, 0, 0}), sampo::invalid_argument, "Fgda::fit");
  SAMPO_REQUIRE_THROWS_WITH(f.fit(covs, {0, 1}), sampo::invalid_argument, "Fgda::fit");
  FgMdm m;
  SAMPO_REQUIRE_THROWS_WITH((void)m.predict(covs), sampo::invalid_argument, "not fitted");
  std::vector<Eigen::MatrixXd> bad = covs;
  bad[3](0, 0) = -5.0;
  SAMPO_REQUIRE_THROWS_WITH(m.fit(bad, {0, 0, 0, 1, 1, 1}), sampo::invalid_argument, "matrix 3");
}

// Shrinkage LDA coefficients against closed forms, and bad input. (Agreement with scikit-learn
// through pyRiemann's FgMDM is checked by bench/riemann_vs_pyriemann.py.)
#include <cmath>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/learn/lda.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"

using namespace sampo::learn;

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
          "[learn][lda]") {
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

TEST_CASE("lda_coefficients: bad input", "[learn][lda]") {
  Eigen::MatrixXd x = sampo::testing::normal_matrix(6, 3, sampo::testing::fixture_seed(), 5);
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

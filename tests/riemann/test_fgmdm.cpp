// FGDA / FgMDM (the LDA coefficients are tested in tests/learn): the filter's projection algebra,
// classification of separable classes, and bad input. (Agreement with pyRiemann's FgMDM is
// checked by bench/riemann_vs_pyriemann.py, which the tests do not need.)
#include "sampo_test.hpp"

#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/riemann/fgmdm.hpp"
#include "sampo/riemann/pipeline.hpp"
#include "spd_fixtures.hpp"

using namespace sampo::riemann;

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

TEST_CASE("FGDA / FgMDM: a cancelled fit returns at once and keeps the previous fit", "[fgmdm]") {
  std::vector<Eigen::MatrixXd> covs;
  std::vector<int> y;
  for (int c = 0; c < 2; ++c)
    for (Eigen::MatrixXd m : sampo::test::random_spd(12, 4, 60 + static_cast<unsigned>(c))) {
      m(c, c) += 1.5;
      covs.push_back(m);
      y.push_back(c);
    }
  sampo::CancellationFlag stop;
  MeanOptions o;
  o.cancel = &stop;
  stop.cancel();
  Fgda f(o);
  f.fit(covs, y);  // the mean stops at its first pass: no tangent space, no LDA
  CHECK(f.reference().size() == 0);
  SAMPO_REQUIRE_THROWS_WITH(f.transform(covs), sampo::invalid_argument, "not fitted");
  FgMdm g(o);
  g.fit(covs, y);
  SAMPO_REQUIRE_THROWS_WITH(g.predict(covs), sampo::invalid_argument, "not fitted");
  // Fitted once, then a cancelled refit on other labels: the first fit stays, bit for bit.
  stop.reset();
  f.fit(covs, y);
  g.fit(covs, y);
  const Eigen::MatrixXd reference = f.reference(), projection = f.projection();
  const Eigen::MatrixXd distances = g.transform(covs);
  std::vector<int> other(y.rbegin(), y.rend());
  stop.cancel();
  f.fit(covs, other);
  g.fit(covs, other);
  CHECK(f.reference() == reference);
  CHECK(f.projection() == projection);
  CHECK(g.transform(covs) == distances);
}

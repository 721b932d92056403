#include <Eigen/Dense>

#include "sampo/core/error.hpp"
#include "sampo/riemann/pipeline.hpp"
#include "sampo/riemann/tangent_space.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"

using namespace sampo::riemann;
using namespace sampo::test;
using sampo::invalid_argument;

TEST_CASE("pipelines fit and predict synthetic trials", "[riemann][pipeline]") {
  const Trials tr = make_trials(15, 2, 5, 150, 110);
  const Trials te = make_trials(15, 2, 5, 150, 111);
  for (PipelineKind k : {PipelineKind::mdm, PipelineKind::ts_lr, PipelineKind::ts_svm,
                         PipelineKind::acm_ts_svm, PipelineKind::acm_mdm}) {
    INFO(to_string(k));
    CHECK(pipeline_from_string(to_string(k)) == k);
    PipelineOptions o;
    o.kind = k;
    o.order = 3;
    o.lag = 2;
    Pipeline p(o);
    p.fit(tr.x, tr.y);
    REQUIRE(p.classes() == std::vector<int>{10, 11});
    const auto pred = p.predict(te.x);
    int hits = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) hits += pred[i] == te.y[i];
    CHECK(hits >= 27);  // clearly separated classes (see make_trials): >= 90 % expected
    const Eigen::MatrixXd s = p.scores(te.x);
    REQUIRE(s.rows() == 30);
    REQUIRE(s.cols() == 2);
    const bool acm = k == PipelineKind::acm_ts_svm || k == PipelineKind::acm_mdm;
    CHECK(p.features({tr.x[0]})[0].rows() == (acm ? 15 : 5));  // pC x pC for the ACM
    if (k == PipelineKind::ts_svm) {
      // The tangent reference is the training Riemannian mean.
      CHECK(p.reference() == mean_riemann(p.features(tr.x)).mean);
    }
  }
  // fit_covariances on precomputed covariances is fit on trials.
  Pipeline a(pipeline_of(PipelineKind::ts_lr)), b(pipeline_of(PipelineKind::ts_lr));
  a.fit(tr.x, tr.y);
  b.fit_covariances(covariances(tr.x), tr.y);
  CHECK(a.scores(te.x) == b.scores_covariances(covariances(te.x)));
  SAMPO_REQUIRE_THROWS_WITH(pipeline_from_string("csp"), invalid_argument, "= csp", "acm-ts-svm");
  PipelineOptions bad;
  bad.order = 0;
  SAMPO_REQUIRE_THROWS_WITH(Pipeline{bad}, invalid_argument, "'order' = 0");
  SAMPO_REQUIRE_THROWS_WITH(Pipeline().predict(te.x), invalid_argument, "not fitted");
  SAMPO_REQUIRE_THROWS_WITH(Pipeline().fit(tr.x, std::vector<int>(30, 1)), invalid_argument,
                            "single class");
  PipelineOptions acm = pipeline_of(PipelineKind::acm_ts_svm);
  acm.order = 10;
  acm.lag = 15;
  SAMPO_REQUIRE_THROWS_WITH(Pipeline(acm).fit(tr.x, tr.y), invalid_argument, "trial 0", "T = 150");
}

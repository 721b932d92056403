#include <Eigen/Dense>
#include <cmath>

#include "sampo/core/error.hpp"
#include "sampo/riemann/covariance.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo/riemann/mdm.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"

using namespace sampo::riemann;
using namespace sampo::test;
using sampo::invalid_argument;

TEST_CASE("MDM: class means, nearest mean, softmax of -d^2", "[riemann][mdm]") {
  const auto xs = random_spd(12, 4, 90);
  std::vector<int> y;
  std::vector<Eigen::MatrixXd> covs;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const int label = i % 3 == 0 ? 5 : 2;
    y.push_back(label);
    covs.push_back(label == 5 ? 4.0 * xs[i] : xs[i]);  // class 5 is 4x larger
  }
  Mdm mdm;
  mdm.fit(covs, y);
  REQUIRE(mdm.classes() == std::vector<int>{2, 5});
  std::vector<Eigen::MatrixXd> c2, c5;
  for (std::size_t i = 0; i < covs.size(); ++i) (y[i] == 5 ? c5 : c2).push_back(covs[i]);
  CHECK(mdm.means()[0] == mean_riemann(c2).mean);  // the same computation
  CHECK(mdm.means()[1] == mean_riemann(c5).mean);
  CHECK(mdm.mean_runs()[0].converged());
  const Eigen::MatrixXd d = mdm.transform(covs);
  const Eigen::MatrixXd p = mdm.predict_proba(covs);
  const std::vector<int> pred = mdm.predict(covs);
  for (Eigen::Index i = 0; i < d.rows(); ++i) {
    // Closed form of the two-class softmax: p1 = 1 / (1 + exp(d1^2 - d0^2)).
    CHECK(d(i, 0) == Approx(distance_riemann(covs[std::size_t(i)], mdm.means()[0])).epsilon(1e-13));
    const double p1 = 1.0 / (1.0 + std::exp(d(i, 1) * d(i, 1) - d(i, 0) * d(i, 0)));
    CHECK(p(i, 1) == Approx(p1).epsilon(1e-12));
    CHECK(p.row(i).sum() == Approx(1.0).epsilon(1e-15));
    CHECK(pred[std::size_t(i)] == (d(i, 0) < d(i, 1) ? 2 : 5));
    CHECK(pred[std::size_t(i)] ==
          y[std::size_t(i)]);  // a factor 4 (d = 2 sqrt(n) log 2) separates them
  }
  // Stable for huge distances (no overflow: shifted by the row minimum).
  Eigen::MatrixXd big(1, 2);
  big << 100, 101;
  const Eigen::MatrixXd sb = softmax_neg_squared(big);
  CHECK(sb(0, 0) == Approx(1.0));
  CHECK(std::isfinite(sb(0, 1)));

  // Log-Euclidean MDM uses the log-Euclidean means.
  MdmOptions le;
  le.metric = Metric::log_euclid;
  Mdm mle(le);
  mle.fit(covs, y);
  CHECK(mle.means()[0] == mean_logeuclid(c2));
  CHECK(mle.options().metric == Metric::log_euclid);  // the settings, as given

  // A raised cancellation flag stops the first class mean at its first pass, and the fit
  // returns at once, leaving the classifier as it was: unfitted here (the Python binding turns
  // the cancellation into KeyboardInterrupt).
  sampo::CancellationFlag stop;
  stop.cancel();
  MdmOptions stopped;
  stopped.mean.cancel = &stop;
  Mdm mstop(stopped);
  mstop.fit(covs, y);
  CHECK(mstop.means().empty());
  CHECK(mstop.mean_runs().empty());
  SAMPO_REQUIRE_THROWS_WITH(mstop.predict(covs), invalid_argument, "not fitted");
  // ... and with its previous fit when it had one: the same means, bit for bit.
  stop.reset();
  mstop.fit(covs, y);
  REQUIRE(mstop.means().size() == 2);
  const std::vector<Eigen::MatrixXd> before = mstop.means();
  std::vector<int> swapped = y;
  for (int& label : swapped) label = label == 5 ? 2 : 5;
  stop.cancel();
  mstop.fit(covs, swapped);
  CHECK(mstop.means() == before);
  CHECK(mstop.predict(covs) == mdm.predict(covs));

  Mdm unfitted;
  SAMPO_REQUIRE_THROWS_WITH(unfitted.predict(covs), invalid_argument, "not fitted");
  SAMPO_REQUIRE_THROWS_WITH(mdm.fit(covs, std::vector<int>(12, 1)), invalid_argument,
                            "single class");
  SAMPO_REQUIRE_THROWS_WITH(mdm.fit(covs, {1, 2}), invalid_argument, "2 entries for 12");
  auto bad = covs;
  bad[4](1, 1) = -3;
  SAMPO_REQUIRE_THROWS_WITH(mdm.predict(bad), invalid_argument, "matrix 4");
}

TEST_CASE("MDM separates synthetic EEG-like classes", "[riemann][mdm]") {
  const Trials tr = make_trials(20, 3, 6, 200, 91);
  const Trials te = make_trials(20, 3, 6, 200, 92);
  Mdm mdm;
  mdm.fit(covariances(tr.x), tr.y);
  const auto pred = mdm.predict(covariances(te.x));
  int hits = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) hits += pred[i] == te.y[i];
  // Boosting one source by 2x changes the covariance by log 4 along one direction, ~20 times
  // the sampling spread of a 200-sample estimate: near-perfect accuracy expected.
  CHECK(hits >= 57);
}

#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/parallel/cancellation.hpp"
#include "sampo/parallel/progress.hpp"
#include "sampo/riemann/evaluation.hpp"
#include "sampo_test.hpp"
#include "spd_fixtures.hpp"
#include "thread_count.hpp"

using namespace sampo::riemann;
using namespace sampo::test;
using sampo::invalid_argument;

namespace {
CrossValidationOptions cv(int folds, std::uint64_t seed) {
  CrossValidationOptions o;
  o.folds = folds;
  o.seed = seed;
  return o;
}
}  // namespace

TEST_CASE("cross-validation and the nested ACM grid search", "[riemann][evaluation]") {
  const Trials two = make_trials(15, 2, 4, 120, 120, 0.6);
  for (PipelineKind k : {PipelineKind::mdm, PipelineKind::ts_lr, PipelineKind::ts_svm}) {
    PipelineOptions o;
    o.kind = k;
    const CrossValidationResult r = cross_validate(two.x, two.y, o);
    INFO(to_string(k));
    CHECK(r.metric == "roc_auc");
    REQUIRE(r.fold_scores.size() == 5);
    CHECK(r.mean >= 0.85);  // separable classes (a 1.6x source), 24 training trials per fold
    CHECK(r.mean <= 1.0);
    // Seeded: the same folds, the same scores.
    CHECK(cross_validate(two.x, two.y, o).fold_scores == r.fold_scores);
  }
  const Trials three = make_trials(10, 3, 4, 120, 121);
  const CrossValidationResult r3 = cross_validate(three.x, three.y, pipeline_of(PipelineKind::mdm));
  CHECK(r3.metric == "accuracy");
  CHECK(r3.mean >= 0.8);

  GridOptions g;
  g.orders = {1, 2};
  g.lags = {1, 3};
  g.cs = {1.0};
  g.kernels = {sampo::learn::Kernel::linear};
  PipelineOptions acm;
  acm.kind = PipelineKind::acm_ts_svm;
  const CrossValidationResult gs = grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 7));
  REQUIRE(gs.fold_scores.size() == 3);
  REQUIRE(gs.chosen.size() == 3);
  for (const auto& c : gs.chosen) {
    CHECK((c.order == 1 || c.order == 2));
    CHECK((c.lag == 1 || c.lag == 3));
  }
  CHECK(gs.mean >= 0.8);
  CHECK(gs.run.converged());
  CHECK(gs.run.iterations == 3);  // folds
  // Points scored: 3 per fold ((1, 1), (2, 1), (2, 3); order 1 ignores the lag).
  CHECK(gs.run.evaluations == 9);
  // The hooks of GridOptions::search: progress counts grid points; a raised cancellation flag
  // ends the run with the folds completed (none here) and user_stopped.
  sampo::parallel::Progress progress(9, "grid", false);
  GridOptions hooked = g;
  hooked.search.progress = &progress;
  CHECK(grid_search_cross_validate(two.x, two.y, acm, hooked, cv(3, 7)).fold_scores ==
        gs.fold_scores);
  CHECK(progress.done() == 9);
  sampo::parallel::CancellationFlag stop;
  stop.cancel();
  hooked.search.progress = nullptr;
  hooked.search.cancel = &stop;
  const CrossValidationResult cancelled =
      grid_search_cross_validate(two.x, two.y, acm, hooked, cv(3, 7));
  CHECK(cancelled.run.termination == sampo::Termination::user_stopped);
  CHECK(cancelled.fold_scores.empty());
  CHECK(cancelled.chosen.empty());
  acm.kind = PipelineKind::acm_mdm;
  CHECK(grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 7)).mean >= 0.8);
  g.orders = {40};  // 40 * 4 channels > T': no usable point
  SAMPO_REQUIRE_THROWS_WITH(grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 7)),
                            invalid_argument, "no (order, lag)");
  SAMPO_REQUIRE_THROWS_WITH(grid_search_cross_validate(two.x, two.y, pipeline_of(PipelineKind::mdm), {}, {}),
                            invalid_argument, "acm-ts-svm and acm-mdm");
}

TEST_CASE("ACM grid search: same scores with 1 and 2 threads; real errors are not skipped",
          "[riemann][evaluation]") {
  const Trials two = make_trials(12, 2, 3, 100, 130, 0.6);
  GridOptions g;
  g.orders = {1, 2, 30};  // order 30: 90 x 90 ACMs from 70 samples (lag 1) are not SPD, and
  g.lags = {1, 2};        // lag 2 leaves 100 - 60 = 40 samples: both skipped
  g.cs = {0.5, 1.0};
  g.kernels = {sampo::learn::Kernel::linear};
  PipelineOptions acm;
  acm.kind = PipelineKind::acm_ts_svm;
  for (PipelineKind k : {PipelineKind::acm_ts_svm, PipelineKind::acm_mdm}) {
    INFO(to_string(k));
    acm.kind = k;
    const CrossValidationResult one =
        with_threads(1, [&] { return grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 5)); });
    const CrossValidationResult par =
        with_threads(2, [&] { return grid_search_cross_validate(two.x, two.y, acm, g, cv(3, 5)); });
    CHECK(one.fold_scores == par.fold_scores);  // == on every score
    REQUIRE(one.chosen.size() == par.chosen.size());
    for (std::size_t f = 0; f < one.chosen.size(); ++f) {
      CHECK(one.chosen[f].order == par.chosen[f].order);
      CHECK(one.chosen[f].lag == par.chosen[f].lag);
      CHECK(one.chosen[f].order != 30);
      CHECK(one.chosen[f].svm.c == par.chosen[f].svm.c);
    }
  }
  // A NaN in a trial is bad input, not a grid point to skip: the error names it, with any
  // thread count (every point used to swallow it, and the search ended with the misleading
  // "no (order, lag) gives SPD ...").
  Trials bad = two;
  for (auto& x : bad.x) x(1, 17) = std::numeric_limits<double>::quiet_NaN();
  acm.kind = PipelineKind::acm_ts_svm;
  for (int threads : {1, 2})
    for (int repeat = 0; repeat < 3; ++repeat) {
      INFO("threads " << threads);
      with_threads(threads, [&] {
        try {
          (void)grid_search_cross_validate(bad.x, bad.y, acm, g, cv(3, 5));
          FAIL("no exception");
        } catch (const invalid_argument& e) {
          const std::string what = e.what();
          INFO(what);
          CHECK(what.find("no (order, lag)") == std::string::npos);
          CHECK(what.find("augmented_covariance") != std::string::npos);
          CHECK(what.find("is nan") != std::string::npos);
        }
      });
    }
}

TEST_CASE("ACM grid search: the inner means' stall rule and the schedule leave the scores alone",
          "[riemann][evaluation]") {
  // The fast path (GridOptions::mean_stall_passes, largest points first) against the slow one
  // (stall rule off). A mean tolerance below the rounding floor makes every inner mean stall,
  // the case the rule is for (64-channel ACMs of order 3 stall near 2e-7 at the default 1e-8):
  // the slow path then runs max_iterations passes, the fast one stops a few passes after the
  // floor, and the two means differ inside the floor (~1e-14 here), far below anything that
  // can reorder decision values: the fold scores and the choices are equal (==).
  const Trials two = make_trials(12, 2, 3, 100, 131, 0.6);
  GridOptions fast;
  fast.orders = {3, 1, 2};  // not sorted: the schedule is by order, the choice in grid order
  fast.lags = {2, 1};
  fast.cs = {0.5, 1.0};
  fast.kernels = {sampo::learn::Kernel::linear, sampo::learn::Kernel::rbf};
  CHECK(fast.mean_stall_passes == 5);
  GridOptions slow = fast;
  slow.mean_stall_passes = 0;
  PipelineOptions acm;
  acm.kind = PipelineKind::acm_ts_svm;
  acm.mean.tolerance = 1e-30;
  for (PipelineKind k : {PipelineKind::acm_ts_svm, PipelineKind::acm_mdm}) {
    INFO(to_string(k));
    acm.kind = k;
    const CrossValidationResult a = grid_search_cross_validate(two.x, two.y, acm, slow, cv(3, 9));
    const CrossValidationResult b = with_threads(
        1, [&] { return grid_search_cross_validate(two.x, two.y, acm, fast, cv(3, 9)); });
    const CrossValidationResult c = with_threads(
        2, [&] { return grid_search_cross_validate(two.x, two.y, acm, fast, cv(3, 9)); });
    CHECK(a.fold_scores == b.fold_scores);
    CHECK(b.fold_scores == c.fold_scores);
    CHECK(a.run.evaluations == b.run.evaluations);
    REQUIRE(a.chosen.size() == b.chosen.size());
    REQUIRE(b.chosen.size() == c.chosen.size());
    for (std::size_t f = 0; f < a.chosen.size(); ++f) {
      CHECK(a.chosen[f].order == b.chosen[f].order);
      CHECK(a.chosen[f].lag == b.chosen[f].lag);
      CHECK(a.chosen[f].svm.c == b.chosen[f].svm.c);
      CHECK(a.chosen[f].svm.kernel == b.chosen[f].svm.kernel);
      CHECK(b.chosen[f].order == c.chosen[f].order);
      CHECK(b.chosen[f].lag == c.chosen[f].lag);
      CHECK(b.chosen[f].svm.c == c.chosen[f].svm.c);
    }
  }
}

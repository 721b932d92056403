"""sampo.riemann.cross_validate / grid_search_cross_validate: the result object, and the MDM
fold scores recomputed in Python from sampo's own folds, MDM and ROC-AUC."""
import numpy as np
import pytest

import sampo
from sampo import riemann as R


def data(n_per_class=20, c=4, t=96, seed=4):
    rng = np.random.default_rng(seed)
    mix = np.eye(c) + 0.3 * rng.standard_normal((c, c))
    s0 = np.array([1.0, 1.0, 2.0, 1.0])[:, None]
    s1 = np.array([2.0, 1.0, 1.0, 1.0])[:, None]
    x = np.array([mix @ (s * rng.standard_normal((c, t))) for s in [s0] * n_per_class + [s1] * n_per_class])
    y = np.repeat([0, 1], n_per_class)
    return x, y


def test_mdm_cross_validation_is_the_composition_of_its_parts():
    x, y = data()
    r = R.cross_validate(x, y, "mdm", folds=5, seed=42)
    assert r.metric == "roc_auc" and r.fold_scores.shape == (5,)
    assert r.mean == pytest.approx(r.fold_scores.mean(), rel=1e-15)
    assert r.stddev == pytest.approx(r.fold_scores.std(ddof=1), rel=1e-12)
    assert r.run.converged and "CrossValidationResult(metric='roc_auc'" in repr(r)
    covs = R.covariances(x)
    folds = sampo.learn.stratified_folds(y, 5, 42)
    for k in range(5):
        m = R.Mdm()
        m.fit(covs[folds != k], y[folds != k])
        p = m.predict_proba(covs[folds == k])
        # The same computations in the same order: equal to rounding.
        assert r.fold_scores[k] == pytest.approx(sampo.learn.roc_auc(p[:, 1], y[folds == k], 1),
                                                 rel=1e-12)
    same = R.cross_validate(covs, y, "mdm", covariances=True)
    np.testing.assert_array_equal(same.fold_scores, r.fold_scores)


def test_other_pipelines_run_and_bad_names_are_value_errors():
    x, y = data()
    for pipeline in ("ts-lr", "ts-svm", "fgmdm"):
        r = R.cross_validate(x, y, pipeline)
        assert 0.5 < r.mean <= 1.0, pipeline
    r = R.cross_validate(x, y, "acm-ts-svm", order=2, lag=1, estimator="lwf")
    assert r.fold_scores.shape == (5,)
    with pytest.raises(ValueError, match="pipeline"):
        R.cross_validate(x, y, "knn")
    with pytest.raises(ValueError, match="kernel"):
        R.cross_validate(x, y, "ts-svm", svm_kernel="poly")


def test_grid_search_reports_each_folds_choice():
    x, y = data()
    r = R.grid_search_cross_validate(x, y, "acm-ts-svm", orders=[1, 2], lags=[1, 2], cs=[1.0],
                                     kernels=["linear"], folds=3)
    assert r.fold_scores.shape == (3,) and len(r.chosen) == 3
    for choice in r.chosen:
        assert choice["order"] in (1, 2) and choice["lag"] in (1, 2)
        assert choice["c"] == 1.0 and choice["kernel"] == "linear"
    with pytest.raises(ValueError):
        R.grid_search_cross_validate(x, y, "mdm", orders=[1], lags=[1])  # acm-* only


def test_ctrl_c_stops_the_grid_search():
    import os
    import signal
    import threading
    import time
    x, y = data()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        # The paper's grid (100 points x 6 SVM settings, 5 x 3 folds): minutes if not stopped.
        R.grid_search_cross_validate(x, y, "acm-ts-svm", threads=1)
    timer.join()
    # Stopped before the next grid point: one point's inner cross-validation, well under 30 s.
    assert time.perf_counter() - start < 30.0

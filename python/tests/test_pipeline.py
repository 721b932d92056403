"""sampo.riemann.Pipeline (sampo::riemann::Pipeline as a scikit-learn classifier): the same
fold scores as sampo.riemann.cross_validate through cross_val_score on sampo's folds, the same
predictions as the composed estimators, the estimator contract, errors and Ctrl-C."""
import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn", reason="scikit-learn (python3-sklearn) not installed")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import PredefinedSplit, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

import sampo  # noqa: E402
from sampo import riemann as R  # noqa: E402

KINDS = ("mdm", "ts-lr", "ts-svm", "acm-ts-svm", "acm-mdm", "fgmdm")


def data(n_per_class=20, c=4, t=96, seed=4, classes=2):
    rng = np.random.default_rng(seed)
    mix = np.eye(c) + 0.3 * rng.standard_normal((c, c))
    scales = [np.array([1.0, 1.0, 2.0, 1.0]), np.array([2.0, 1.0, 1.0, 1.0]),
              np.array([1.0, 2.0, 1.0, 1.5])][:classes]
    x = np.array([mix @ (s[:, None] * rng.standard_normal((c, t)))
                  for s in scales for _ in range(n_per_class)])
    y = np.repeat(np.arange(classes), n_per_class)
    return x, y


@pytest.mark.parametrize("kind", KINDS)
def test_cross_val_score_on_sampos_folds_gives_cross_validates_scores(kind):
    x, y = data()
    extra = dict(order=2, lag=2) if kind.startswith("acm") else {}
    expected = R.cross_validate(x, y, kind, folds=5, seed=42, **extra).fold_scores
    folds = sampo.learn.stratified_folds(y, 5, 42)
    got = cross_val_score(R.Pipeline(kind, **extra), x, y, cv=PredefinedSplit(folds),
                          scoring="roc_auc")
    # The same C++ fits on the same folds; scikit-learn's ROC-AUC of the same scores against
    # sampo's (the same rank statistic, summed in another order): equal to rounding.
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_pipeline_predictions_equal_the_composed_estimators():
    x, y = data(classes=3)
    labels = np.array(["a", "b", "c"])[y]  # any label type
    p = R.Pipeline("mdm").fit(x, labels)
    composed = make_pipeline(R.Covariances(), R.MDM()).fit(x, labels)
    np.testing.assert_array_equal(p.predict(x), composed.predict(x))
    # The same means and distances computed by the same C++ code: the same bits.
    np.testing.assert_array_equal(p.predict_proba(x), composed.predict_proba(x))
    assert list(p.classes_) == ["a", "b", "c"]
    fg = R.Pipeline("fgmdm").fit(x, labels)
    np.testing.assert_array_equal(fg.predict(x),
                                  make_pipeline(R.Covariances(), R.FgMDM()).fit(x, labels).predict(x))
    # acm-mdm of order 1 is mdm; on covariance matrices the ACM step is skipped.
    one = R.Pipeline("acm-mdm", order=1).fit(x, labels)
    np.testing.assert_array_equal(one.scores(x), p.scores(x))
    covs = R.covariances(x)
    on_covs = R.Pipeline("mdm", covariances=True).fit(covs, labels)
    np.testing.assert_array_equal(on_covs.scores(covs), p.scores(x))
    np.testing.assert_array_equal(p.transform(x), covs)


def test_tangent_space_pipelines_expose_their_reference_and_decision_values():
    x, y = data()
    p = R.Pipeline("ts-lr").fit(x, y)
    ref = R.mean_riemann(R.covariances(x)).mean
    # The same Riemannian mean of the same matrices: identical.
    np.testing.assert_array_equal(p.reference_, ref)
    s = p.scores(x)
    np.testing.assert_array_equal(s[:, 0], -s[:, 1])  # two classes: (-s, s)
    np.testing.assert_array_equal(p.decision_function(x), s[:, 1])
    assert isinstance(p.classifier_run_, sampo.Run)
    with pytest.raises(AttributeError, match="decision_function"):
        p.predict_proba(x)
    assert R.Pipeline("mdm").fit(x, y).reference_.size == 0


def test_estimator_contract_and_defaults_from_cpp():
    p = R.Pipeline("ts-svm", svm_c=2.0)
    params = p.get_params()
    assert params["kind"] == "ts-svm" and params["svm_c"] == 2.0
    d = R._r._pipeline_defaults
    assert params["tolerance"] == d["tolerance"] and params["svm_kernel"] == d["svm_kernel"]
    q = clone(p).set_params(kind="mdm")
    assert q.kind == "mdm" and p.kind == "ts-svm"
    with pytest.raises(sklearn.exceptions.NotFittedError):
        p.predict(data()[0])


def test_bad_settings_and_inputs_name_the_argument():
    x, y = data()
    with pytest.raises(ValueError, match="knn"):
        R.Pipeline("knn").fit(x, y)
    with pytest.raises(ValueError, match="order"):
        R.Pipeline("acm-mdm", order=0).fit(x, y)
    with pytest.raises(TypeError, match="'trials' has dtype float32"):
        R.Pipeline().fit(x.astype(np.float32), y)
    with pytest.raises(ValueError, match="class"):
        R.Pipeline().fit(x, np.zeros(len(y), dtype=int))  # a single class


def test_ctrl_c_stops_a_pipeline_fit_and_keeps_the_previous_fit():
    import os
    import signal
    import threading
    import time
    from conftest import spd_stack
    p = R.Pipeline("mdm", tolerance=1e-300, max_iterations=10**9, covariances=True)
    # The mean ends by itself (at the rounding floor the secant rule halves its step each pass
    # until it falls to the tolerance, about 1000 passes); 16 matrices of 128 x 128 a class
    # (one-matrix steps, at most two blocks of 8 to share among threads) make that ~30 s here,
    # so the Ctrl-C at 0.5 s lands inside the fit on any machine.
    covs = spd_stack(32, 128, seed=5)
    labels = np.repeat([0, 1], 16)
    model = p._model()
    # The earlier fit, on small matrices (at this tolerance it, too, runs its ~1000 passes).
    model.fit(spd_stack(4, 6, seed=6), np.array([0, 0, 1, 1]), covariances=True)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        # tolerance 1e-300: the mean iterates until max_iterations unless stopped.
        model.fit(covs, labels, covariances=True)
    timer.join()
    assert time.perf_counter() - start < 10.0
    assert model.fitted and model.classes.tolist() == [0, 1]  # the earlier fit is kept
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

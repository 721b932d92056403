"""The scikit-learn estimators: the estimator contract (get_params / set_params / clone),
numbers equal to the functions they wrap, make_pipeline and cross_val_score, and pyRiemann's
numbers when pyRiemann is importable."""
import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn", reason="scikit-learn (python3-sklearn) not installed")
from sklearn.base import clone  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

import sampo  # noqa: E402
from sampo.riemann import MDM, AugmentedCovariance, Covariances, TangentSpace  # noqa: E402


def eeg_like(n_per_class=30, c=4, t=128, seed=0):
    """Two classes of trials whose channel variances differ (a separable toy motor task)."""
    rng = np.random.default_rng(seed)
    scale0 = np.array([1.0, 1.0, 2.0, 1.0])[:c, None]
    scale1 = np.array([2.0, 1.0, 1.0, 1.5])[:c, None]
    mix = np.eye(c) + 0.3 * rng.standard_normal((c, c))
    x0 = np.array([mix @ (scale0 * rng.standard_normal((c, t))) for _ in range(n_per_class)])
    x1 = np.array([mix @ (scale1 * rng.standard_normal((c, t))) for _ in range(n_per_class)])
    x = np.concatenate([x0, x1])
    y = np.array(["left"] * n_per_class + ["right"] * n_per_class)  # any label type
    return x, y


def test_params_and_clone():
    m = MDM(metric="logeuclid", max_iterations=7)
    assert m.get_params() == {"metric": "logeuclid", "tolerance": 1e-8, "max_iterations": 7,
                              "step_rule": "secant"}
    m.set_params(metric="riemann")
    assert clone(m).get_params()["metric"] == "riemann"
    a = AugmentedCovariance(order=3, lag=2)
    assert a.get_params() == {"order": 3, "lag": 2, "estimator": "cov", "regularization": 0.0}
    assert TangentSpace().get_params()["metric"] == "riemann"
    assert "MDM(metric='logeuclid'" in repr(MDM(metric="logeuclid"))


def test_mdm_estimator_matches_the_functions():
    x, y = eeg_like()
    covs = Covariances().fit_transform(x)
    np.testing.assert_array_equal(covs, sampo.riemann.covariances(x))
    m = MDM().fit(covs, y)
    np.testing.assert_array_equal(m.classes_, ["left", "right"])
    np.testing.assert_array_equal(m.covmeans_[0], sampo.riemann.mean(covs[y == "left"]).mean)
    d = m.transform(covs)
    assert d.shape == (60, 2)
    np.testing.assert_array_equal(m.predict(covs), m.classes_[np.argmin(d, axis=1)])
    p = m.predict_proba(covs)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)
    assert m.score(covs, y) > 0.8  # well separated classes
    assert all(r.converged for r in m.mean_runs_)


def test_tangent_space_estimator_matches_the_functions():
    x, y = eeg_like()
    covs = sampo.riemann.covariances(x)
    ts = TangentSpace().fit(covs)
    np.testing.assert_array_equal(ts.reference_, sampo.riemann.mean(covs).mean)
    v = ts.transform(covs)
    np.testing.assert_array_equal(v, sampo.riemann.tangent_space(covs, ts.reference_))
    np.testing.assert_allclose(ts.inverse_transform(v), covs, rtol=1e-10, atol=1e-10)
    assert ts.mean_run_.converged


def test_augmented_covariance_estimator():
    x, _ = eeg_like()
    out = AugmentedCovariance(order=2, lag=3).fit_transform(x)
    assert out.shape == (60, 8, 8)
    np.testing.assert_array_equal(out, sampo.riemann.augmented_covariances(x, 2, 3))
    np.testing.assert_array_equal(AugmentedCovariance().fit_transform(x),
                                  sampo.riemann.covariances(x))


def test_not_fitted():
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        MDM().predict(np.eye(3)[None])
    with pytest.raises(NotFittedError):
        TangentSpace().transform(np.eye(3)[None])


def test_pipelines_in_cross_val_score():
    x, y = eeg_like()
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    mdm = cross_val_score(make_pipeline(Covariances(), MDM()), x, y, cv=cv)
    ts = cross_val_score(make_pipeline(AugmentedCovariance(order=2, lag=1, estimator="lwf"),
                                       TangentSpace(), LogisticRegression()), x, y, cv=cv)
    assert mdm.shape == ts.shape == (5,)
    # The classes differ in two channel variances by 2x over 128 samples: both pipelines
    # separate them almost perfectly; 0.8 leaves room for an unlucky fold.
    assert mdm.mean() > 0.8 and ts.mean() > 0.8


def test_pyriemann_numbers_when_importable():
    pyriemann = pytest.importorskip(
        "pyriemann", reason="pyRiemann is not installed: comparison with its numbers skipped")
    print(f"comparing with pyRiemann {pyriemann.__version__}")
    from pyriemann.classification import MDM as PyMDM
    from pyriemann.estimation import Covariances as PyCov
    from pyriemann.tangentspace import TangentSpace as PyTS
    from pyriemann.utils.distance import distance_riemann as py_distance_riemann
    from pyriemann.utils.mean import mean_logeuclid as py_mean_logeuclid
    from pyriemann.utils.mean import mean_riemann as py_mean_riemann
    x, y = eeg_like()
    # Covariance estimators: the same formulas, float64 sums in another order (<= 1e-14).
    for name in ("cov", "lwf", "oas"):
        np.testing.assert_allclose(Covariances(name).fit_transform(x),
                                   PyCov(name).fit_transform(x), rtol=1e-12, atol=1e-14)
    covs = PyCov("cov").fit_transform(x)
    # Geometry on well-conditioned 4 x 4 matrices (cond < 100): n eps cond, far below 1e-10,
    # with pyRiemann's step rule for the Riemannian means (its iterates to rounding).
    pyr = "pyriemann"
    py_mean = py_mean_riemann(covs)
    np.testing.assert_allclose(sampo.riemann.mean(covs, step_rule=pyr).mean, py_mean,
                               rtol=1e-10, atol=1e-12)
    # The default secant rule stops at the same ||J|| <= 1e-8: both means lie within their
    # stopping errors of the exact one (distance <= 11 ||J|| for sampo's, 2 ||J|| for pyRiemann's).
    assert sampo.riemann.distance(sampo.riemann.mean(covs).mean, py_mean) <= 13e-8
    np.testing.assert_allclose(sampo.riemann.mean_logeuclid(covs), py_mean_logeuclid(covs),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sampo.riemann.distances(covs, covs[0]),
                               [py_distance_riemann(c, covs[0]) for c in covs],
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(TangentSpace(step_rule=pyr).fit_transform(covs),
                               PyTS().fit_transform(covs), rtol=1e-9, atol=1e-10)
    ours, theirs = MDM(step_rule=pyr).fit(covs, y), PyMDM().fit(covs, y)
    np.testing.assert_allclose(ours.predict_proba(covs), theirs.predict_proba(covs),
                               rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(covs), theirs.predict(covs))
    np.testing.assert_array_equal(MDM().fit(covs, y).predict(covs), theirs.predict(covs))


def test_fgda_and_fgmdm_are_the_filter_then_mdm():
    from sampo.riemann import FGDA, FgMDM
    x, y = eeg_like(seed=3)
    covs = sampo.riemann.covariances(x)
    f = FGDA().fit(covs, y)
    # The reference is the Riemannian mean of all training matrices (same computation: equal).
    np.testing.assert_array_equal(f.reference_, sampo.riemann.mean(covs).mean)
    filtered = f.transform(covs)
    assert filtered.shape == covs.shape
    assert np.linalg.eigvalsh(filtered).min() > 0  # back on the SPD manifold
    # The filtered tangent vectors lie in the projection's range: P t = t (to rounding).
    t = sampo.riemann.tangent_space(filtered, f.reference_)
    np.testing.assert_allclose(t @ f.projection_.T, t, atol=1e-10)
    # FgMDM = MDM on the filtered matrices, with the filter fitted on the training set.
    g = FgMDM().fit(covs, y)
    m = MDM().fit(filtered, y)
    np.testing.assert_allclose(g.transform(covs), m.transform(filtered), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(g.predict(covs), m.predict(filtered))
    np.testing.assert_allclose(g.predict_proba(covs).sum(axis=1), 1.0, rtol=1e-15)
    assert g.score(covs, y) > 0.8
    assert clone(g).get_params() == {"tolerance": 1e-8, "max_iterations": g.max_iterations,
                                     "step_rule": "secant"}
    pipe = make_pipeline(Covariances(), FgMDM())
    scores = cross_val_score(pipe, x, y, cv=StratifiedKFold(3, shuffle=True, random_state=0))
    assert scores.mean() > 0.7
    with pytest.raises(ValueError):
        FgMDM().fit(covs, y[:5])

"""sampo.learn: folds (invariants), metrics and LDA against scikit-learn."""
import numpy as np
import pytest

import sampo
from sampo import learn as L


def test_kfold_deals_every_item_to_one_fold():
    f = L.kfold(23, 5, 42)
    assert f.shape == (23,) and set(f) == set(range(5))
    sizes = np.bincount(f)
    assert sizes.max() - sizes.min() <= 1
    np.testing.assert_array_equal(f, L.kfold(23, 5, 42))  # a pure function of the seed
    assert not np.array_equal(f, L.kfold(23, 5, 43))
    with pytest.raises(ValueError, match="folds"):
        L.kfold(3, 5, 0)


def test_stratified_folds_spread_each_class():
    y = np.array([0] * 10 + [1] * 15)
    f = L.stratified_folds(y, 5, 42)
    for c in (0, 1):
        sizes = np.bincount(f[y == c], minlength=5)
        assert sizes.max() - sizes.min() <= 1


def test_metrics_equal_scikit_learn():
    from sklearn.metrics import roc_auc_score
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 60)
    s = rng.standard_normal(60) + y
    s[:6] = 0.25  # ties count one half
    assert L.roc_auc(s, y, 1) == pytest.approx(roc_auc_score(y, s), rel=1e-15)
    assert L.roc_auc(s, y, 0) == pytest.approx(1 - roc_auc_score(y, s), rel=1e-14)
    assert L.accuracy([1, 2, 3, 4], [1, 2, 0, 4]) == 0.75


def test_lda_coefficients_equal_scikit_learn():
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    rng = np.random.default_rng(2)
    x = rng.standard_normal((80, 6)) + np.repeat([[0.0], [1.0]], 40, axis=0)
    y = np.repeat([0, 1], 40)
    ref = LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto").fit(x, y).coef_
    # The same least-squares system solved by another factorization; d = 6, well conditioned.
    np.testing.assert_allclose(L.lda_coefficients(x, y), ref, rtol=1e-9, atol=1e-12)


def test_module_is_exported():
    assert sampo.learn.kfold is L.kfold


def _blobs(seed, n=60):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    x = rng.normal(size=(n, 4))
    x[np.arange(n), y] += 4.0
    return x, y


def test_logistic_regression_equals_scikit_learn_liblinear():
    # Same engine (LIBLINEAR), same defaults: predictions equal; decision values agree to the
    # stopping tolerance (both stop at ‖∇f‖ <= 1e-4·‖∇f(w0)‖, scikit-learn with its own copy
    # of LIBLINEAR, sampo with Debian's: different last iterates, 6e-4 apart here), so 5e-3.
    from sklearn.linear_model import LogisticRegression as SkLR
    x, y = _blobs(3)
    yb = (y == 0).astype(int)  # two classes: one decision column, as scikit-learn
    ours = L.LogisticRegression(c=0.5)
    run = ours.fit(x, yb)
    assert run.termination in ("converged", "max_iterations")
    ref = SkLR(solver="liblinear", C=0.5).fit(x, yb)
    np.testing.assert_array_equal(ours.predict(x), ref.predict(x))
    np.testing.assert_allclose(ours.decision_function(x)[:, 0], ref.decision_function(x),
                               rtol=5e-3, atol=5e-3)
    assert list(ours.classes) == [0, 1]
    assert ours.coefficients().shape == (1, 5)  # 4 weights and the intercept


def test_svm_separates_blobs_and_refuses_bad_input():
    x, y = _blobs(5)
    for kernel in ("linear", "rbf"):
        s = L.Svm(kernel=kernel)
        s.fit(x, y)
        assert L.accuracy(s.predict(x), y) == 1.0  # separated by 4 sd
        assert s.decision_function(x).shape == (60, 3)
        assert s.support_vector_count > 0
    with pytest.raises(ValueError, match="poly"):
        L.Svm(kernel="poly")
    with pytest.raises(ValueError, match="c"):
        L.Svm(c=-1.0).fit(x, y)
    with pytest.raises(ValueError, match="labels"):
        L.LogisticRegression().fit(x, y[:10])
    with pytest.raises(ValueError):
        L.LogisticRegression().predict(x)  # not fitted

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

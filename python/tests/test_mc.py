"""sampo.mc against the formulas of sampo/mc/*.hpp computed here in NumPy / SciPy."""
import numpy as np
import pytest
import scipy.stats

import sampo
from sampo import mc


def z(confidence):
    return scipy.stats.norm.ppf(1 - (1 - confidence) / 2)


def test_crude_is_the_sample_mean_with_its_interval():
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.05).astype(float)
    r = mc.crude(mc.test_log(y), keep_values=True)
    n = y.size
    se = y.std(ddof=1) / np.sqrt(n)
    # Chan-merged moments in a fixed order against NumPy's sums: a few ulps.
    assert r.estimate == pytest.approx(y.mean(), rel=1e-13)
    assert r.standard_error == pytest.approx(se, rel=1e-12)
    assert r.ci_lower == pytest.approx(y.mean() - z(0.9) * se, rel=1e-10)
    assert r.ci_upper == pytest.approx(y.mean() + z(0.9) * se, rel=1e-10)
    assert r.relative_half_width == pytest.approx(z(0.9) * se / y.mean(), rel=1e-10)
    assert r.n == n and r.confidence == 0.9
    np.testing.assert_array_equal(r.values, y)
    assert mc.confidence_z(0.9) == pytest.approx(z(0.9), rel=1e-12)
    # vrf_crude = mu (1 - mu) / s^2: ~1 for crude MC itself
    assert r.precision.vrf_crude == pytest.approx(y.mean() * (1 - y.mean()) / y.var(ddof=1),
                                                  rel=1e-10)
    assert isinstance(r, mc.Estimate) and "CrudeResult(estimate=" in repr(r)
    assert r.run.converged


def test_crude_refuses_a_weighted_log():
    log = mc.test_log([1.0, 0.0, 0.0], weights=[0.5, 1.0, 2.0])
    with pytest.raises(ValueError, match="importance_sampling"):
        mc.crude(log)


def test_importance_sampling_weights_and_effective_sample_size():
    rng = np.random.default_rng(1)
    y = (rng.random(500) < 0.3).astype(float)
    w = rng.exponential(0.2, 500)
    r = mc.importance_sampling(mc.test_log(y, weights=w))
    v = y * w
    assert r.estimate == pytest.approx(v.mean(), rel=1e-13)
    assert r.standard_error == pytest.approx(v.std(ddof=1) / np.sqrt(500), rel=1e-12)
    assert r.max_weight == w.max()
    assert r.effective_sample_size == pytest.approx(w.sum() ** 2 / (w ** 2).sum(), rel=1e-12)
    assert r.precision.vrf_is == pytest.approx(1.0, rel=1e-12)


def test_control_variates_in_sample_equals_least_squares():
    rng = np.random.default_rng(2)
    n = 400
    h = rng.standard_normal((n, 2))
    y = 1.0 + h @ np.array([0.7, -0.3]) + 0.1 * rng.standard_normal(n)
    r = mc.control_variates(y, h, folds=1, keep_values=True)
    design = np.column_stack([np.ones(n), h])
    beta = np.linalg.lstsq(design, y, rcond=None)[0][1:]
    # The slope by another factorization of a well-conditioned 3 x 3 system.
    np.testing.assert_allclose(r.coefficients, beta, rtol=1e-10)
    np.testing.assert_allclose(r.values, y - h @ r.fold_coefficients[0], rtol=1e-12)
    assert r.estimate == pytest.approx((y - h @ beta).mean(), rel=1e-10)
    assert r.is_estimate == pytest.approx(y.mean(), rel=1e-13)
    assert r.r_squared > 0.9 and r.rank == 2 and not r.collinear
    assert r.control_names == ["h0", "h1"]


def test_control_variates_cross_fitted_from_a_log_and_a_constant_control():
    rng = np.random.default_rng(3)
    n = 300
    h = np.column_stack([rng.standard_normal(n), np.zeros(n)])  # the second is constant
    y = 2.0 + 0.5 * h[:, 0] + 0.1 * rng.standard_normal(n)
    log = mc.test_log(y, controls=h, control_names=["speed", "flat"])
    r = mc.control_variates(log, folds=5, seed=7, keep_values=True)
    assert r.fold_coefficients.shape[0] == 5
    assert r.constant_controls == ["flat"]
    assert r.estimate == pytest.approx(r.values.mean(), rel=1e-12)
    assert abs(r.estimate - 2.0) < 5 * r.standard_error  # unbiased: within 5 SE (fixed seed)
    with pytest.raises(ValueError, match="folds"):
        mc.control_variates(y, h[:, :1], folds=0)


def test_defensive_mixture_runs_and_is_a_control_variate_result():
    rng = np.random.default_rng(4)
    n = 1000
    x = np.where(rng.random(n) < 0.5, rng.normal(0, 1, n), rng.normal(3, 1, n))
    p = scipy.stats.norm.pdf(x)
    q = np.column_stack([p, scipy.stats.norm.pdf(x, 3, 1)])
    f = (x > 2.5).astype(float)
    r = mc.defensive_mixture(f * p, q, [0.5, 0.5])
    exact = scipy.stats.norm.sf(2.5)
    assert isinstance(r, mc.ControlVariateResult)
    assert abs(r.estimate - exact) < 5 * r.standard_error  # fixed seed, 5 SE


def test_log_round_trips_through_dict_and_files(tmp_path):
    y = np.array([0.0, 1.0, 0.0, 1.0])
    w = np.array([1.0, 0.25, 2.0, 0.5])
    h = np.array([[0.1], [-0.2], [0.3], [-0.2]])
    log = mc.test_log(y, weights=w, controls=h, control_names=["gap"])
    d = log.to_dict()
    np.testing.assert_array_equal(d["results"], y)
    np.testing.assert_array_equal(d["weights"], w)
    np.testing.assert_array_equal(d["controls"], h)
    assert d["control_names"] == ["gap"] and d["first_step"].tolist() == [0, 0, 0, 0, 0]
    assert len(log) == 4 and "TestLog(tests=4" in repr(log) and not log.naturalistic
    for write, name in ((mc.write_test_log_csv, "log.csv"), (mc.write_test_log_npy, "npy")):
        write(str(tmp_path / name), log)
        back = mc.read_test_log(str(tmp_path / name)).to_dict()
        for key in ("results", "weights", "controls"):
            np.testing.assert_array_equal(back[key], d[key])


def test_bad_logs():
    with pytest.raises(OSError, match="no-such-log.csv"):
        mc.read_test_log("/nonexistent/no-such-log.csv")
    with pytest.raises(ValueError, match="weight"):
        mc.test_log([1.0], weights=[-2.0])
    with pytest.raises(ValueError, match="'weights' has 1 entries for 2 results"):
        mc.test_log([1.0, 0.0], weights=[1.0])
    with pytest.raises(ValueError, match=r"'results' has a non-finite entry nan at \[1\]"):
        mc.test_log([1.0, np.nan])
    assert sampo.mc.crude is mc.crude

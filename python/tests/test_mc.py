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


# --- per-step logs from arrays (sampo::mc::TestLogBuilder) ---

def _cli_log():
    import os
    here = os.path.dirname(os.path.abspath(__file__))  # python/tests in the source tree
    return mc.read_test_log(os.path.join(here, "..", "..", "tests", "cli", "data", "mc_log.csv"))


def test_a_per_step_log_from_arrays_round_trips_through_to_dict():
    log = _cli_log()
    d = log.to_dict()
    assert d["features"] == ["danger"] and d["surrogates"] == ["sm"]
    assert d["feature_values"].shape == (log.steps, 1)
    assert d["surrogate_values"].shape == d["surrogate_means"].shape == (log.steps, 1)
    back = mc.test_log(**d)
    assert back == log  # every column, bit for bit
    assert back.steps == log.steps > 0
    # Per-test logs too (first_step all zeros, empty step columns).
    flat = mc.test_log([0.0, 1.0], weights=[1.0, 0.5], controls=[[0.1], [-0.1]])
    assert mc.test_log(**flat.to_dict()) == flat
    import pickle
    assert pickle.loads(pickle.dumps(log)) == log


def test_estimators_give_the_same_numbers_from_arrays_as_from_the_csv_log(tmp_path):
    csv_log = _cli_log()
    d = csv_log.to_dict()
    # The arrays as a user would hold them: plain lists / other integer dtypes are accepted.
    arrays_log = mc.test_log(
        d["results"], first_step=d["first_step"].astype(np.int32), p=d["p"], q=d["q"],
        ordinal=d["ordinal"].tolist(), epsilon=d["epsilon"], weights=d["weights"],
        feature_values=d["feature_values"], features=["danger"],
        surrogate_values=d["surrogate_values"], surrogate_means=d["surrogate_means"],
        surrogates=["sm"])
    mc.write_test_log_csv(str(tmp_path / "again.csv"), arrays_log)
    assert mc.read_test_log(str(tmp_path / "again.csv")) == csv_log
    for estimate in (lambda g: mc.importance_sampling(g),
                     lambda g: mc.sparse_control_variates(g, folds=2, seed=3),
                     lambda g: mc.sparse_control_variates(g, stratification="by-critical-count",
                                                          folds=1),
                     lambda g: mc.multi_surrogate(g, folds=2, seed=3)):
        a, b = estimate(arrays_log), estimate(csv_log)
        assert (a.estimate, a.standard_error, a.variance) == \
               (b.estimate, b.standard_error, b.variance)


def test_without_weights_a_per_step_test_weighs_the_product_of_p_over_q():
    log = mc.test_log([1.0, 0.0, 0.0], first_step=[0, 2, 2, 3], p=[0.1, 0.9, 0.5],
                      q=[0.5, 0.5, 0.25], ordinal=[1, 2, 7], epsilon=[0.2, 0.2, 0.0])
    # 0.1/0.5 * 0.9/0.5 and 0.5/0.25 in the builder's order: one or two roundings each.
    np.testing.assert_allclose(log.to_dict()["weights"], [0.36, 1.0, 2.0], rtol=4e-16)
    assert log.steps == 3 and log.tests == 3


def test_bad_per_step_arrays_name_the_argument_the_test_and_the_step():
    ok = dict(first_step=[0, 1], p=[0.1], q=[0.5], ordinal=[0], epsilon=[0.0])
    with pytest.raises(ValueError, match="'first_step' has 3 entries for 1 results"):
        mc.test_log([1.0], **{**ok, "first_step": [0, 1, 1]})
    with pytest.raises(ValueError, match=r"'first_step' = 1 at \[2\]: must not decrease"):
        mc.test_log([1.0, 0.0], **{**ok, "first_step": [0, 2, 1], "p": [0.1, 0.2],
                                    "q": [0.5, 0.5], "ordinal": [0, 1], "epsilon": [0, 0]})
    with pytest.raises(ValueError, match="'q' is missing"):
        mc.test_log([1.0], **{**ok, "q": None})
    with pytest.raises(ValueError, match="'p' has 2 entries for 1 steps"):
        mc.test_log([1.0], **{**ok, "p": [0.1, 0.2]})
    with pytest.raises(TypeError, match="'ordinal' must be a 1-D integer array"):
        mc.test_log([1.0], **{**ok, "ordinal": [0.5]})
    with pytest.raises(ValueError, match="'feature_values' is missing"):
        mc.test_log([1.0], **ok, features=["gap"])
    with pytest.raises(ValueError, match=r"'feature_values' has shape \(1, 2\), expected \(1, 1\)"):
        mc.test_log([1.0], **ok, features=["gap"], feature_values=[[1.0, 2.0]])
    with pytest.raises(ValueError, match="'p' given without first_step"):
        mc.test_log([1.0], p=[0.1])
    # The builder's own checks: q = 0 cannot have been sampled; named with the test.
    with pytest.raises(ValueError, match="q"):
        mc.test_log([1.0], **{**ok, "q": [0.0]})
    with pytest.raises(ValueError, match="epsilon"):
        mc.test_log([1.0], **{**ok, "epsilon": [1.5]})


# --- the Gaussian benchmark (sampo mc gaussian) ---

def test_gaussian_benchmark_exact_figures():
    e = mc.gaussian_limit_state_exact(4.0)
    # Phi(-4) and exp(16) Phi(-8): the library's normal CDF against SciPy's, a few ulps.
    assert e.probability == pytest.approx(scipy.stats.norm.sf(4.0), rel=1e-13)
    assert e.shifted_second_moment == pytest.approx(np.exp(16.0) * scipy.stats.norm.sf(8.0),
                                                    rel=1e-12)
    assert e.shifted_relative_variance == pytest.approx(
        e.shifted_second_moment / e.probability ** 2 - 1, rel=1e-14)
    assert "GaussianLimitStateExact(probability=" in repr(e)
    with pytest.raises(ValueError, match="'beta' = -1"):
        mc.gaussian_limit_state_exact(-1.0)


def test_gaussian_benchmark_logs_estimate_the_exact_probability(tmp_path):
    p = mc.gaussian_limit_state_exact(3.0).probability
    shifted = mc.gaussian_limit_state_log(beta=3.0, dim=3, tests=20000, seed=5)
    assert shifted.tests == 20000 and not shifted.naturalistic
    r = mc.importance_sampling(shifted)
    assert abs(r.estimate - p) < 4 * r.standard_error  # fixed seed, 4 SE
    mixture = mc.gaussian_limit_state_log(beta=3.0, tests=20000, seed=5, sampling="mixture",
                                          alpha=0.2)
    assert mixture.to_dict()["control_names"] == ["mixture"]
    cv = mc.control_variates(mixture)
    assert abs(cv.estimate - p) < 4 * cv.standard_error
    natural = mc.gaussian_limit_state_log(beta=1.0, tests=20000, seed=5, sampling="naturalistic")
    crude = mc.crude(natural)
    assert abs(crude.estimate - scipy.stats.norm.sf(1.0)) < 4 * crude.standard_error
    # The same log as the command line's --log-out: a pure function of (seed, i); the CSV
    # round trip and the estimators agree exactly.
    assert mc.gaussian_limit_state_log(beta=3.0, dim=3, tests=20000, seed=5) == shifted
    mc.write_test_log_csv(str(tmp_path / "g.csv"), shifted)
    again = mc.importance_sampling(mc.read_test_log(str(tmp_path / "g.csv")))
    assert (again.estimate, again.standard_error) == (r.estimate, r.standard_error)
    doc = mc.gaussian_limit_state_log.__doc__
    assert "beta: float = 4.0" in doc and "sampling: str = 'shifted'" in doc
    with pytest.raises(ValueError, match="alpha"):
        mc.gaussian_limit_state_log(sampling="mixture", alpha=1.5)
    with pytest.raises(ValueError, match="sampling"):
        mc.gaussian_limit_state_log(sampling="uniform")


def test_ctrl_c_stops_the_gaussian_benchmark():
    import os
    import signal
    import threading
    import time

    # 10^9 tests of dimension 50: many minutes; stopped within a few ms of the signal (the
    # flag is polled every 1024 tests).
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        mc.gaussian_limit_state_log(tests=10**9, dim=50)
    timer.join()
    assert time.perf_counter() - start < 10.0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

"""sampo.cav smoke tests: the exact benchmark's published values, the importance-sampling
estimate of its tests against the exact moments, NDE against NADE on a risky scenario, seeds
and thread counts."""
import numpy as np
import pytest

from sampo import cav, mc


def test_exact_benchmark_reference_values():
    e = cav.ExactCarFollowing(epsilon=0.1)
    # docs/cav.md: values of an independent DP, reproduced to 1e-12 relative (sums of
    # positive terms).
    assert e.crash_probability == pytest.approx(6.76122011010664e-8, rel=1e-12)
    assert e.surrogate_crash_probability == pytest.approx(1.46613438556261e-9, rel=1e-12)
    assert e.is_second_moment == pytest.approx(3.43845908003966e-12, rel=1e-12)
    assert e.is_mean == pytest.approx(e.crash_probability, rel=1e-12)  # ε > 0: unbiased
    assert e.value(0, 20, 25, 25) == pytest.approx(e.crash_probability, rel=1e-15)
    critical, q = e.importance_pmf(0, 20, 25, 25)
    assert q.shape == (7,) and q.sum() == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(e.lead_pmf, [0.001, 0.005, 0.02, 0.15, 0.649, 0.15, 0.025])
    # a follower parameter through set (dict or 'key=value')
    a = cav.ExactCarFollowing(set={"T": 1.5})
    b = cav.ExactCarFollowing(set=["T=1.5"])
    assert a.crash_probability == b.crash_probability == pytest.approx(
        e.surrogate_crash_probability, rel=1e-12)  # the surrogate is the CAV with T = 1.5
    with pytest.raises(ValueError, match="lead_pmf"):
        cav.ExactCarFollowing(lead_pmf=[0.5, 0.5])
    with pytest.raises(ValueError, match="nope"):
        cav.ExactCarFollowing(set=["nope=1"])


def test_exact_benchmark_importance_sampling_log():
    e = cav.ExactCarFollowing(epsilon=0.5)
    n = 4000
    log = e.test_log(n, seed=3)
    assert log.tests == n and not log.naturalistic
    est = mc.importance_sampling(log)
    # The exact standard error sqrt((E[Y²] − P²)/n) (relative variance ~37 at ε = 0.5: ~10 %
    # of P); a fixed seed, 4 standard errors.
    se = np.sqrt((e.is_second_moment - e.crash_probability ** 2) / n)
    assert abs(est.estimate - e.crash_probability) <= 4 * se
    t = e.sample(3, 0)
    assert t.result == (t.likelihood_ratio if t.crash else 0.0)
    assert log.to_dict()["weights"][0] == t.likelihood_ratio
    # naturalistic tests: every weight 1
    assert cav.ExactCarFollowing().test_log(10, naturalistic=True).naturalistic


def risky():
    # docs/cav.md's risky cut-in: the aggressive vehicle under test among background drivers
    # that cut in far more often than the default, 3 steps (P ~ 1.5e-3).
    return dict(scenario="cut-in", preset="aggressive", steps=3,
                naturalistic={"lane_change_intercept": -3.0, "lane_change_risk": 0.3})


def test_nde_and_nade_agree_on_a_risky_scenario():
    nde = cav.run_tests(30000, environment="nde", seed=11, **risky())
    nade = cav.run_tests(4000, environment="nade", epsilon=0.5, seed=12, **risky())
    assert nde.crashes > 15
    d = nde.to_dict()
    assert nde.estimate == pytest.approx(d["result"].mean(), rel=1e-12)
    assert nde.crashes == d["crash"].sum() and np.all(d["likelihood_ratio"] == 1.0)
    # NADE weights are at most (1/ε)^3 = 8 with ε = 0.5, 3 steps: bounded variance, the CLT
    # applies to both means; 4 combined standard errors with fixed seeds.
    assert nade.to_dict()["result"].max() <= 8.0
    se = np.hypot(nde.standard_error, nade.standard_error)
    assert abs(nde.estimate - nade.estimate) <= 4 * se
    assert nade.standard_error < nde.standard_error


def test_batches_are_pure_functions_of_seed_and_index():
    kw = dict(environment="nade", epsilon=0.5, seed=5, **risky())
    one = cav.run_tests(300, threads=1, **kw)
    two = cav.run_tests(300, threads=2, block_size=7, **kw)
    for k, v in one.to_dict().items():
        np.testing.assert_array_equal(v, two.to_dict()[k])
    t = cav.run_test(17, **kw)
    assert t.index == 17 and t.likelihood_ratio == one.tests[17].likelihood_ratio
    assert [c.p for c in t.critical] == [c.p for c in one.tests[17].critical]
    log = cav.run_test_log(300, **kw)
    np.testing.assert_array_equal(log.to_dict()["results"], one.to_dict()["result"] > 0)
    np.testing.assert_array_equal(log.to_dict()["weights"], one.to_dict()["likelihood_ratio"])
    assert "normal" in cav.driver_preset_names() and "T" in cav.driver_parameter_keys()


def test_bad_options_name_the_argument():
    with pytest.raises(ValueError, match="scenario|highway"):
        cav.run_tests(10, scenario="highway")
    with pytest.raises(ValueError, match="preset|reckless"):
        cav.run_tests(10, preset="reckless")
    with pytest.raises(ValueError, match="'naturalistic' has the unknown key 'speed'"):
        cav.run_tests(10, naturalistic={"speed": 1.0})
    with pytest.raises(ValueError, match="set"):
        cav.run_tests(10, set=["a_max"])  # no '='
    with pytest.raises(TypeError, match="'set'"):
        cav.run_tests(10, set="a_max=1")
    with pytest.raises(ValueError, match="epsilon"):
        cav.run_tests(10, environment="nade", epsilon=0.0)


def test_sparse_and_multi_surrogate_control_variates_on_the_exact_benchmark():
    # Per-step NADE logs of the exact benchmark (ε = 0.5): the unbiased sparse CV and the
    # multi-surrogate estimate are within 4 of their own standard errors of the exact P, and
    # reduce the variance of IS; the stratified form reports its bias diagnostic; a seed
    # reproduces a result, any thread count gives the same bits.
    e = cav.ExactCarFollowing(epsilon=0.5)
    log = e.test_log(6000, seed=11)
    p = e.crash_probability
    scv = mc.sparse_control_variates(log, folds=5, seed=1)
    assert abs(scv.estimate - p) <= 4 * scv.standard_error
    assert scv.variance < mc.importance_sampling(log).variance
    assert scv.control_names[0] == "w1-1" and 0 <= scv.r_squared <= 1
    again = mc.sparse_control_variates(log, folds=5, seed=1, threads=2)
    assert again.estimate == scv.estimate
    strat = mc.sparse_control_variates(log, stratification="by-critical-count", folds=1)
    assert len(strat.strata) >= 1 and strat.strata[0].n > 0
    assert isinstance(strat.bias_suspected, bool)
    ms = mc.multi_surrogate(log, folds=5, seed=1)
    assert abs(ms.estimate - p) <= 4 * ms.standard_error
    assert abs(ms.weights.sum() - 1.0) <= 1e-12  # simplex weights
    with pytest.raises(ValueError, match="stratification"):
        mc.sparse_control_variates(log, stratification="by-step")
    with pytest.raises(ValueError, match="folds"):
        mc.multi_surrogate(log, folds=0)


def test_logged_surrogates_feed_the_multi_surrogate_estimator():
    # More surrogate models in the log: what is sampled does not change, a logged 'nade' equals
    # NADE's own surrogate bit for bit, and mc.multi_surrogate combines the columns with simplex
    # or free weights.
    assert cav.surrogate_preset_names()[0] == "nade"
    kw = dict(scenario="cut-in", environment="nade", preset="aggressive", seed=3)
    plain = cav.run_tests(60, **kw)
    logged = cav.run_tests(60, surrogates=["nade", "cautious"], **kw)
    steps = 0
    for a, b in zip(plain.tests, logged.tests):
        assert a.crash == b.crash and a.likelihood_ratio == b.likelihood_ratio
        assert len(b.surrogate_values) == 2 * len(b.critical) == len(b.surrogate_means)
        for j, c in enumerate(b.critical):
            assert b.surrogate_values[2 * j] == c.surrogate_value
            assert b.surrogate_means[2 * j] == c.criticality
        steps += len(b.critical)
    assert steps > 0
    log = cav.run_test_log(200, surrogates={"normal": {"sd": 1.0}, "aggressive": None}, **kw)
    simplex = mc.multi_surrogate(log, folds=2)
    free = mc.multi_surrogate(log, weights="free", folds=2)
    assert simplex.surrogate_names == ["sm", "normal", "aggressive"] == free.surrogate_names
    assert abs(simplex.weights.sum() - 1.0) <= 1e-12  # simplex weights
    assert np.isfinite(free.estimate)
    with pytest.raises(ValueError, match="surrogate_preset"):
        cav.run_tests(5, surrogates=["reckless"], **kw)
    with pytest.raises(TypeError, match="'surrogates'"):
        cav.run_tests(5, surrogates="normal", **kw)
    with pytest.raises(ValueError, match="'weights' = magic"):
        mc.multi_surrogate(log, weights="magic")


def test_exact_control_variate_moments():
    # The exact variances of mc's control-variate estimators on the benchmark (ε = 0.5): the
    # sparse controls as mc names them, a variance below IS's at the optimal coefficients, the
    # surrogate control with weight 1 (mc's simplex with one surrogate) and, when the surrogate is
    # the vehicle under test, zero variance up to rounding (1e-10 of E[Y²]: a difference of moments
    # of that size).
    e = cav.ExactCarFollowing(epsilon=0.5)
    scv = e.control_variates()
    assert scv.names[:3] == ["w1-1", "w2-1", "w3+-1"] and len(scv.names) == 6
    assert 0 < scv.variance <= scv.is_variance and scv.variance_reduction >= 1
    assert abs(scv.is_variance - (e.is_second_moment - e.crash_probability ** 2)) <= 1e-12 * scv.is_variance
    assert scv.second_moment.shape == (6, 6) and scv.cross_moment.shape == (6,)
    sm = e.control_variates(sparse=False, surrogate=True)
    assert sm.names == ["sm"]
    assert sm.variance_at([1.0]) < sm.is_variance
    oracle = cav.ExactCarFollowing(epsilon=0.5, set={"T": 1.0}, surrogate_set={"T": 1.0})
    o = oracle.control_variates(sparse=False, surrogate=True)
    assert abs(o.variance_at([1.0])) <= 1e-10 * o.second_moment_y
    assert "ExactControlVariateResult(" in repr(o)
    # The fourth central moment of the values: at β = 0 the values are Y, and
    # E[(Y − P)⁴] = E[Y⁴] − 4P·E[Y³] + 6P²E[Y²] − 3P⁴ lies below E[Y⁴] by at most
    # 4P·sqrt(E[Y²]E[Y⁴]) (Cauchy–Schwarz), 1.6e-4 of E[Y⁴] here (kurtosis 1.6e7).
    m4 = e.control_variate_fourth_moment([0.0] * 6)
    p, m2, f = e.crash_probability, e.is_second_moment, e.is_fourth_moment
    assert 0 < f - m4 <= 4 * p * (m2 * f) ** 0.5 + 6 * p * p * m2
    assert e.control_variate_fourth_moment(scv.coefficients) > scv.variance ** 2
    with pytest.raises(ValueError, match="positions"):
        e.control_variates(positions=0)
    with pytest.raises(ValueError, match="epsilon"):
        cav.ExactCarFollowing(epsilon=0.0).control_variates()

"""sampo.riemann's functions against NumPy / scikit-learn implementations of the formulas in
the C++ headers (written here independently), closed forms and invariants.

Tolerances: every reference below is the same formula in float64 through a different
eigensolver (LAPACK via NumPy against Eigen), so agreement is to a few ulps times the
condition number of the eigenproblem; with condition <= 10 and C <= 6, 1e-12 relative leaves a
margin of ~100 over the observed differences."""
import numpy as np
import pytest
import scipy.linalg

import sampo
from sampo import riemann as R
from conftest import expm_sym, invsqrtm, logm, spd_stack, sqrtm, upper_np

TOL = dict(rtol=1e-12, atol=1e-12)


# ---- covariance ---------------------------------------------------------------------------

def test_sample_covariance_is_numpy_cov(trials):
    x = trials[0]
    np.testing.assert_allclose(R.sample_covariance(x), np.cov(x), **TOL)
    np.testing.assert_allclose(R.covariance(x), np.cov(x), **TOL)
    np.testing.assert_allclose(R.covariance(x, estimator="cov"), np.cov(x), **TOL)


def test_shrinkage_estimators_are_scikit_learns(trials):
    from sklearn.covariance import ledoit_wolf, oas
    x = trials[1]
    for ours, theirs in ((R.ledoit_wolf, ledoit_wolf), (R.oas, oas)):
        c, s = ours(x)
        c_ref, s_ref = theirs(x.T)
        np.testing.assert_allclose(c, c_ref, **TOL)
        assert s == pytest.approx(s_ref, rel=1e-12)
    np.testing.assert_allclose(R.covariance(x, estimator="lwf"), ledoit_wolf(x.T)[0], **TOL)
    np.testing.assert_allclose(R.covariance(x, estimator="oas"), oas(x.T)[0], **TOL)


def test_regularized_covariance(trials):
    x = trials[2]
    np.testing.assert_allclose(R.regularized_covariance(x, 0.5), np.cov(x) + 0.5 * np.eye(4), **TOL)
    np.testing.assert_allclose(R.covariance(x, estimator="regularized", regularization=0.5),
                               np.cov(x) + 0.5 * np.eye(4), **TOL)
    with pytest.raises(ValueError, match="regularization"):
        R.covariance(x, estimator="regularized", regularization=-1.0)


def test_covariances_of_a_stack_and_of_a_list_of_trials_of_different_lengths(trials):
    out = R.covariances(trials)
    assert out.shape == (20, 4, 4) and out.flags.c_contiguous
    for k in range(20):
        np.testing.assert_allclose(out[k], np.cov(trials[k]), **TOL)
    ragged = [trials[0], trials[1][:, :40]]
    out = R.covariances(ragged, estimator="lwf")
    from sklearn.covariance import ledoit_wolf
    np.testing.assert_allclose(out[1], ledoit_wolf(trials[1][:, :40].T)[0], **TOL)


def test_rank_deficient_trial_is_not_spd_with_advice():
    x = np.random.default_rng(3).standard_normal((6, 4))  # 4 samples < 6 channels
    with pytest.raises(sampo.NotSPDError, match="shrinkage"):
        R.covariance(x)
    with pytest.raises(ValueError, match="estimator"):
        R.covariance(x, estimator="nope")
    assert R.covariance(x, require_spd=False).shape == (6, 6)


def augment_np(x, order, lag):
    if order == 1:
        return x
    c, t = x.shape
    n = t - order * lag
    return np.vstack([x[:, k * lag:k * lag + n] for k in range(order)])


def test_augment_and_augmented_covariance_follow_moabb(trials):
    x = trials[3]
    for order, lag in ((1, 3), (2, 1), (3, 4)):
        np.testing.assert_array_equal(R.augment(x, order, lag), augment_np(x, order, lag))
        np.testing.assert_allclose(R.augmented_covariance(x, order, lag),
                                   np.cov(augment_np(x, order, lag)), **TOL)
    stack = R.augmented_covariances(trials, 2, 2)
    assert stack.shape == (20, 8, 8)
    np.testing.assert_allclose(stack[5], np.cov(augment_np(trials[5], 2, 2)), **TOL)
    with pytest.raises(ValueError, match="order"):
        R.augment(x, 0, 1)


# ---- distances, geodesics -------------------------------------------------------------------

def test_distances_against_generalized_eigenvalues_and_logs(spd):
    a, b = spd[0], spd[1]
    lam = scipy.linalg.eigh(a, b, eigvals_only=True)
    d_ref = np.sqrt(np.sum(np.log(lam) ** 2))
    assert R.distance_riemann(a, b) == pytest.approx(d_ref, rel=1e-12)
    assert R.distance(a, b) == R.distance_riemann(a, b)
    assert R.distance(a, b, "logeuclid") == pytest.approx(
        np.linalg.norm(logm(a) - logm(b)), rel=1e-12)
    assert R.distance_logeuclid(a, b) == R.distance(a, b, "logeuclid")
    assert R.distance_euclid(a, b) == pytest.approx(np.linalg.norm(a - b), rel=1e-14)
    # Affine invariance: d(W A W^T, W B W^T) = d(A, B) for invertible W.
    w = np.random.default_rng(9).standard_normal((5, 5)) + 3 * np.eye(5)
    assert R.distance_riemann(w @ a @ w.T, w @ b @ w.T) == pytest.approx(d_ref, rel=1e-10)
    # Diagonal (commuting) matrices: sqrt(sum log^2(a_i / b_i)).
    da, db = np.diag([1.0, 2.0, 5.0]), np.diag([3.0, 1.0, 0.5])
    assert R.distance_riemann(da, db) == pytest.approx(
        np.sqrt(np.sum(np.log(np.diag(da) / np.diag(db)) ** 2)), rel=1e-14)
    with pytest.raises(ValueError, match="metric"):
        R.distance(a, b, "manhattan")


def test_distances_of_a_stack(spd):
    d = R.distances(spd, spd[0])
    assert d.shape == (12,) and d[0] == pytest.approx(0.0, abs=1e-12)
    for k in range(12):
        assert d[k] == pytest.approx(R.distance_riemann(spd[k], spd[0]), rel=1e-12, abs=1e-13)
    np.testing.assert_allclose(R.distances(spd, spd[1], "euclid"),
                               [np.linalg.norm(s - spd[1]) for s in spd], **TOL)


def test_distances_to_a_stack_of_references(spd):
    # b a 3-D stack: the n x K table, column k equal (bit for bit) to distances(xs, b[k]).
    for metric in ("riemann", "logeuclid", "euclid"):
        table = R.distances(spd, spd[:3], metric)
        assert table.shape == (12, 3)
        for k in range(3):
            np.testing.assert_array_equal(table[:, k], R.distances(spd, spd[k], metric))
    bad = spd[:3].copy()
    bad[2][0, 0] = -1.0
    with pytest.raises(ValueError, match=r"refs\[2\]"):
        R.distances(spd, bad)


def test_geodesic_closed_forms(spd):
    a, b = spd[2], spd[3]
    half = sqrtm(a) @ sqrtm(invsqrtm(a) @ b @ invsqrtm(a)) @ sqrtm(a)
    np.testing.assert_allclose(R.geodesic(a, b, 0.5), half, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(R.geodesic(a, b, 0.0), a, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(R.geodesic(a, b, 0.3, "euclid"), 0.7 * a + 0.3 * b, **TOL)
    np.testing.assert_allclose(R.geodesic(a, b, 0.3, "logeuclid"),
                               expm_sym(0.7 * logm(a) + 0.3 * logm(b)), rtol=1e-10, atol=1e-10)
    # d(A, gamma(t)) = |t| d(A, B)
    assert R.distance(a, R.geodesic(a, b, 0.25)) == pytest.approx(0.25 * R.distance(a, b),
                                                                   rel=1e-10)


# ---- means ----------------------------------------------------------------------------------

def mean_riemann_np(xs, tol=1e-8, maxiter=50):
    """The iteration of sampo/riemann/mean.hpp (pyRiemann's), in NumPy."""
    m = xs.mean(axis=0)
    nu, tau, crit = 1.0, np.inf, np.inf
    for _ in range(maxiter):
        s, si = sqrtm(m), invsqrtm(m)
        j = np.mean([logm(si @ x @ si) for x in xs], axis=0)
        m = s @ expm_sym(nu * j) @ s
        crit = np.linalg.norm(j)
        h = nu * crit
        if h < tau:
            nu, tau = 0.95 * nu, h
        else:
            nu *= 0.5
        if crit <= tol or nu <= tol:
            break
    return m


def test_mean_riemann_reproduces_the_iteration(spd):
    r = R.mean(spd, step_rule="pyriemann")
    assert isinstance(r, R.MeanResult) and r.run.converged and r.gradient_norm <= 1e-8
    # Up to 50 passes, each a few ulps x condition: 1e-10 relative.
    np.testing.assert_allclose(r.mean, mean_riemann_np(spd), rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(R.mean_riemann(spd, step_rule="pyriemann").mean, r.mean)
    # The default (secant) rule reaches the same minimizer: both stop at ||J|| <= 1e-8, and
    # d(M, M*) <= 11 ||J|| for each (tests/riemann/test_mean.cpp, stop_error).
    d = R.mean(spd)
    assert d.run.converged and d.run.iterations <= r.run.iterations
    assert R.distance(d.mean, r.mean) <= 11 * (d.gradient_norm + r.gradient_norm) + 1e-12
    with pytest.raises(ValueError, match="step rule"):
        R.mean(spd, step_rule="newton")
    # The gradient at the mean vanishes: sum log(M^-1/2 X M^-1/2) ~ 0.
    si = invsqrtm(r.mean)
    assert np.linalg.norm(np.mean([logm(si @ x @ si) for x in spd], axis=0)) < 1e-8
    assert "MeanResult(shape=(5, 5)" in repr(r)


def test_means_of_commuting_matrices_are_closed_forms():
    d = np.array([np.diag(v) for v in ([1.0, 2.0, 4.0], [4.0, 8.0, 1.0], [2.0, 1.0, 2.0])])
    geo = np.diag(np.exp(np.mean(np.log(np.array([np.diag(x) for x in d])), axis=0)))
    np.testing.assert_allclose(R.mean(d).mean, geo, rtol=1e-9)
    np.testing.assert_allclose(R.mean(d, "logeuclid").mean, geo, rtol=1e-13)
    np.testing.assert_allclose(R.mean_logeuclid(d), geo, rtol=1e-13)
    np.testing.assert_allclose(R.mean_euclid(d), d.mean(axis=0), rtol=1e-15)
    w = np.array([1.0, 0.0, 3.0])
    np.testing.assert_allclose(R.mean_euclid(d, weights=w), (d[0] + 3 * d[2]) / 4, rtol=1e-15)
    r = R.mean(d, "euclid")
    assert r.run.converged and r.run.iterations == 0


def test_mean_options_and_bad_input(spd):
    r = R.mean(spd, max_iterations=1)
    assert r.run.termination == "max_iterations" and r.run.iterations == 1
    r0 = R.mean(spd, max_iterations=0, init=spd[0])
    np.testing.assert_allclose(r0.mean, spd[0], **TOL)
    with pytest.raises(ValueError, match="tolerance"):
        R.mean(spd, tolerance=0.0)
    with pytest.raises(ValueError, match="weight"):
        R.mean(spd, weights=-np.ones(12))
    with pytest.raises(ValueError, match="'weights' must be a 1-D array"):
        R.mean(spd, weights=np.ones((12, 1)))
    bad = spd.copy()
    bad[4] = -bad[4]
    with pytest.raises(sampo.NotSPDError, match="matrix 4"):
        R.mean(bad)


def test_mean_stall_passes(spd):
    # Off by default; with a tolerance below ||J||'s rounding floor the run spends every pass
    # unless stall_passes stops it a few passes after the floor (numerical_failure, "stalled").
    assert R.mean(spd).run.iterations == R.mean(spd, stall_passes=5).run.iterations
    full = R.mean_riemann(spd, tolerance=1e-30)
    assert full.run.termination == "max_iterations"
    stopped = R.mean_riemann(spd, tolerance=1e-30, stall_passes=4)
    assert stopped.run.termination == "numerical_failure"
    assert "stalled" in stopped.run.message
    assert 5 <= stopped.run.iterations < full.run.iterations
    # Both inside the floor: the same mean to rounding (n eps cond, 1e4 n eps allowed).
    assert R.distance_riemann(stopped.mean, full.mean) <= 1e4 * spd.shape[1] * np.finfo(float).eps
    with pytest.raises(TypeError):
        R.mean(spd, stall_passes=-1)


def test_mean_is_the_same_for_one_and_two_threads(spd):
    import os
    import subprocess
    import sys
    code = ("import numpy as np, sampo; from conftest import spd_stack;"
            "print(sampo.riemann.mean(spd_stack(40, 6, seed=11)).mean.tobytes().hex())")
    outs = []
    for threads in ("1", "2"):
        env = dict(os.environ, OMP_NUM_THREADS=threads)
        outs.append(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                   capture_output=True, text=True,
                                   cwd=os.path.dirname(__file__)).stdout)
    assert outs[0] == outs[1]


# ---- tangent space --------------------------------------------------------------------------

def test_upper_and_unupper(spd):
    s = logm(spd[0])
    v = R.upper(s)
    np.testing.assert_allclose(v, upper_np(s), **TOL)
    assert np.linalg.norm(v) == pytest.approx(np.linalg.norm(s), rel=1e-14)
    np.testing.assert_allclose(R.unupper(v), s, **TOL)
    with pytest.raises(ValueError):
        R.unupper(np.ones(4))  # not a triangular number


def test_log_and_exp_maps(spd):
    x, c = spd[0], spd[1]
    ref = logm(invsqrtm(c) @ x @ invsqrtm(c))
    np.testing.assert_allclose(R.log_map(x, c), ref, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(R.exp_map(R.log_map(x, c), c), x, rtol=1e-11, atol=1e-11)
    v = R.tangent_vector(x, c)
    np.testing.assert_allclose(v, upper_np(ref), rtol=1e-11, atol=1e-11)
    assert np.linalg.norm(v) == pytest.approx(R.distance_riemann(x, c), rel=1e-10)


def test_tangent_space_round_trip(spd):
    c = R.mean(spd).mean
    t = R.tangent_space(spd, c)
    assert t.shape == (12, 15)
    for k in range(12):
        np.testing.assert_allclose(t[k], R.tangent_vector(spd[k], c), rtol=1e-12, atol=1e-12)
    back = R.untangent_space(t, c)
    np.testing.assert_allclose(back, spd, rtol=1e-10, atol=1e-10)
    with pytest.raises(ValueError):
        R.untangent_space(t[:, :10], c)


# ---- MDM ------------------------------------------------------------------------------------

def two_classes(n=20, c=4, seed=5):
    a = spd_stack(n, c, seed=seed)
    b = spd_stack(n, c, seed=seed + 1) * np.linspace(1, 3, c)[:, None] * np.linspace(1, 3, c)
    x = np.concatenate([a, b])
    y = np.array([0] * n + [1] * n)
    return x, y


def test_mdm_means_distances_and_probabilities():
    x, y = two_classes()
    m = R.Mdm()
    m.fit(x, y)
    np.testing.assert_array_equal(m.classes, [0, 1])
    means = m.means
    np.testing.assert_allclose(means[0], R.mean(x[y == 0]).mean, **TOL)
    np.testing.assert_allclose(means[1], R.mean(x[y == 1]).mean, **TOL)
    d = m.transform(x)
    np.testing.assert_allclose(d[:, 1], R.distances(x, means[1]), **TOL)
    np.testing.assert_array_equal(m.predict(x), np.argmin(d, axis=1))
    p = m.predict_proba(x)
    e = np.exp(-(d ** 2 - (d ** 2).min(axis=1, keepdims=True)))
    np.testing.assert_allclose(p, e / e.sum(axis=1, keepdims=True), **TOL)
    np.testing.assert_allclose(R.softmax_neg_squared(d), p, **TOL)
    assert len(m.mean_runs) == 2 and all(r.converged for r in m.mean_runs)


def test_mdm_bad_input():
    x, y = two_classes()
    with pytest.raises(ValueError):
        R.Mdm().fit(x, np.zeros(len(y), dtype=int))  # a single class
    with pytest.raises(TypeError, match="integer labels"):
        R.Mdm().fit(x, y.astype(float))
    with pytest.raises(ValueError):
        R.Mdm().predict(x)  # not fitted


def test_ctrl_c_stops_mdm_fit_and_keeps_the_previous_fit():
    import os
    import signal
    import threading
    import time

    # tolerance 1e-300: a class mean iterates until its secant step falls to the tolerance
    # at the rounding floor, about 1000 passes; 16 matrices of 128 x 128 (one-matrix steps,
    # at most two blocks of 8 to share among threads) make that ~30 s here, so the Ctrl-C
    # at 0.5 s lands inside the fit on any machine (300 matrices of 12 x 12 took 0.3 s).
    xs = spd_stack(32, 128, seed=6)
    labels = np.repeat([0, 1], 16)
    m = sampo.riemann.Mdm(tolerance=1e-300, max_iterations=10**9)
    small = sampo.riemann.Mdm()
    small.fit(xs[:4, :12, :12], [0, 0, 1, 1])
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        m.fit(xs, labels)
    timer.join()
    assert time.perf_counter() - start < 10.0  # stopped at the next pass of the mean
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(ValueError, match="not fitted"):  # the interrupted fit left nothing
        m.predict(xs[:2])
    # The scikit-learn estimator wraps the same fit.
    est = sampo.riemann.MDM(tolerance=1e-300, max_iterations=10**9)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        est.fit(xs, labels)
    timer.join()
    assert not hasattr(est, "classes_")
    # An ordinary fit is unchanged: the same means as before the Ctrl-C support.
    again = sampo.riemann.Mdm()
    again.fit(xs[:4, :12, :12], [0, 0, 1, 1])
    np.testing.assert_array_equal(again.means, small.means)


@pytest.mark.parametrize("cls", ["Fgda", "FgMdm"])
def test_ctrl_c_stops_fgda_and_fgmdm_fit(cls):
    import os
    import signal
    import threading
    import time

    # tolerance 1e-300 on 32 matrices of 128 x 128: the Riemannian mean iterates for ~30 s
    # (see the Mdm test above), so the Ctrl-C at 0.5 s lands inside the fit.
    xs = spd_stack(32, 128, seed=7)
    labels = np.repeat([0, 1], 16)
    model = getattr(sampo.riemann, cls)(tolerance=1e-300, max_iterations=10**9)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model.fit(xs, labels)
    timer.join()
    # Returned at the mean's next pass, without the tangent space and the LDA of 8256
    # features that would follow a finished mean (tens of seconds here).
    assert time.perf_counter() - start < 10.0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # A fit after the interrupted one works and gives the same numbers as a fresh object.
    small = spd_stack(20, 12, seed=8)
    small_labels = np.repeat([0, 1], 10)
    ok = getattr(sampo.riemann, cls)()
    ok.fit(small, small_labels)
    fresh = getattr(sampo.riemann, cls)()
    fresh.fit(small, small_labels)
    np.testing.assert_array_equal(ok.transform(small[:3]), fresh.transform(small[:3]))

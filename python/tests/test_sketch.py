"""sampo.sketch against NumPy / SciPy computations of the formulas in sampo/sketch/*.hpp."""
import numpy as np
import pytest
import scipy.sparse

import sampo
from sampo import sketch as S


def tall(n=60, d=4, seed=0, scale_rows=True):
    """A Fortran-ordered tall matrix (no copy on the way in), with rows of unequal weight so
    that the scores differ."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, d))
    if scale_rows:
        a *= np.exp(rng.uniform(-1, 1, n))[:, None]
    return np.asfortranarray(a)


def leverage_np(a):
    q, _ = np.linalg.qr(a)
    return np.sum(q * q, axis=1)


def test_leverage_scores_are_the_row_norms_of_q():
    a = tall()
    tau = leverage_np(a)
    for method in ("automatic", "qr", "gram"):
        r = S.leverage_scores(a, method=method)
        # Householder QR here and in NumPy (or the Gram route, κ(A)² eps ~ 1e-14 for this
        # well-conditioned A): agreement to ~1e-12 relative.
        np.testing.assert_allclose(r.scores, tau, rtol=1e-11, atol=1e-14)
        assert r.rank == 4 and r.run.converged
    assert S.leverage_scores(a, method="qr").method_used == "qr"
    assert S.leverage_scores(a).scores.sum() == pytest.approx(4.0, rel=1e-12)
    # a C-ordered matrix is accepted too (copied once)
    np.testing.assert_allclose(S.leverage_scores(np.ascontiguousarray(a)).scores, tau,
                               rtol=1e-11, atol=1e-14)
    with pytest.raises(ValueError, match="'method'"):
        S.leverage_scores(a, method="svd")
    with pytest.raises(ValueError, match="'a'"):
        S.leverage_scores(a.T)  # wide


def test_root_leverage_scores_formula():
    tau = leverage_np(tall())
    n = tau.size
    np.testing.assert_allclose(S.root_leverage_scores(tau, 1.0), tau ** 0.5, rtol=1e-15)
    np.testing.assert_allclose(S.root_leverage_scores(tau, 3.0),
                               np.minimum(1.0, n ** 0.5 * tau ** 1.5), rtol=1e-14)
    with pytest.raises(ValueError, match="'p'"):
        S.root_leverage_scores(tau, 0.5)


def test_approximate_leverage_scores_within_their_stated_ratio():
    a = tall(n=2000, d=3, seed=1)
    tau = leverage_np(a)
    r = S.approximate_leverage_scores(a, epsilon=0.5, delta=0.1, seed=3)
    ratio = r.scores / tau
    # The bound holds with probability >= 1 - 2δ; with this fixed seed it holds (a
    # deterministic draw: RandomStream(seed, ...)).
    assert r.ratio_lower <= ratio.min() and ratio.max() <= r.ratio_upper
    assert r.rank == 3
    again = S.approximate_leverage_scores(a, epsilon=0.5, delta=0.1, seed=3)
    np.testing.assert_array_equal(r.scores, again.scores)
    # The sparse overload draws the same streams: equal up to rounding.
    sp = S.approximate_leverage_scores(scipy.sparse.csc_matrix(a), epsilon=0.5, delta=0.1,
                                       seed=3)
    np.testing.assert_allclose(sp.scores, r.scores, rtol=1e-10)
    assert sp.sketch_rows == r.sketch_rows and sp.jl_dimension == r.jl_dimension
    with pytest.raises(TypeError, match="float32"):
        S.approximate_leverage_scores(scipy.sparse.csc_matrix(a.astype(np.float32)))
    with pytest.raises(ValueError, match="epsilon"):
        S.approximate_leverage_scores(a, epsilon=1.5)


def test_lewis_weights_p2_are_leverage_and_satisfy_the_fixed_point():
    a = tall()
    tau = leverage_np(a)
    r2 = S.lewis_weights(a, 2.0)
    np.testing.assert_allclose(r2.weights, tau, rtol=1e-11)
    for p in (1.0, 3.0):
        r = S.lewis_weights(a, p)
        assert r.run.converged and r.rank == 4
        w = r.weights
        assert w.sum() == pytest.approx(4.0, rel=1e-8)
        # w_i = (a_iᵀ (Aᵀ W^{1-2/p} A)⁻¹ a_i)^{p/2}, computed here; the fixed point is met to
        # the tolerance 1e-10 on log w (so ~1e-9 relative after the map).
        m = a.T @ (w[:, None] ** (1 - 2 / p) * a)
        t = np.einsum("ij,ij->i", a, np.linalg.solve(m, a.T).T) ** (p / 2)
        np.testing.assert_allclose(w, t, rtol=1e-8)


def test_approximate_lewis_weights_within_their_stated_error():
    a = tall(n=1500, d=4, seed=6)
    for p in (1.0, 3.0):
        exact = S.lewis_weights(a, p).weights
        r = S.approximate_lewis_weights(a, p, jl_dimension=1000, seed=4)
        assert r.run.converged and r.rank == 4
        assert 0.0 < r.failure_probability < 0.5
        # The stated bound E on max |log(w~/w)| holds with probability >= 1 - failure_probability;
        # this fixed seed is one draw (RandomStream(seed, ...)), so it holds here.
        assert np.max(np.abs(np.log(r.weights / exact))) <= r.error_bound
        gamma = abs(1 - p / 2)
        assert r.error_bound == pytest.approx(
            (gamma * r.last_change + p / 2 * r.leverage_log_error) / (1 - gamma), rel=1e-14)
        again = S.approximate_lewis_weights(a, p, jl_dimension=1000, seed=4)
        np.testing.assert_array_equal(r.weights, again.weights)
    # p = 2: one step, the approximate leverage scores of that step (e^{log τ~}: a few ulps)
    r2 = S.approximate_lewis_weights(a, 2.0, jl_dimension=1000, seed=4)
    assert r2.run.evaluations == 1
    text = repr(r2)
    assert text.startswith("ApproxLewisResult(rank=4, error_bound=") and "run=" in text
    # scipy.sparse input (CSR and CSC) stays sparse in C++ and draws the same streams as the
    # dense path: equal up to the order of the sums (1e-10 relative). A zero row keeps w = 0.
    az = a.copy(order="F")
    az[7, :] = 0.0
    dense = S.approximate_lewis_weights(az, 1.5, jl_dimension=500, sketch_rows=600, delta=0.1,
                                        seed=2)
    for sp in (scipy.sparse.csr_matrix(az), scipy.sparse.csc_matrix(az)):
        r = S.approximate_lewis_weights(sp, 1.5, jl_dimension=500, sketch_rows=600, delta=0.1,
                                        seed=2)
        np.testing.assert_allclose(r.weights, dense.weights, rtol=1e-10)
        assert r.weights[7] == 0.0 and r.run.evaluations == dense.run.evaluations
    with pytest.raises(ValueError, match="'p'"):
        S.approximate_lewis_weights(a, 4.0)
    with pytest.raises(ValueError, match="max_iterations"):
        S.approximate_lewis_weights(a, 1.0, max_iterations=0)
    with pytest.raises(ValueError, match="delta"):
        S.approximate_lewis_weights(scipy.sparse.csr_matrix(a), 1.0, delta=2.0)
    with pytest.raises(TypeError, match="float32"):
        S.approximate_lewis_weights(scipy.sparse.csr_matrix(a.astype(np.float32)), 1.0)


def test_exact_scores_of_a_sparse_matrix_stay_sparse():
    rng = np.random.default_rng(9)
    a = tall(n=500, d=5, seed=9) * (rng.uniform(size=(500, 5)) < 0.3)
    a[np.arange(5), np.arange(5)] = 1.0  # full column rank
    a[11, :] = 0.0
    tau = leverage_np(a)
    for fmt in (scipy.sparse.csr_matrix, scipy.sparse.csc_matrix):
        r = S.leverage_scores(fmt(a))
        # sparse Gram route: relative error O(κ²·eps), κ(a) < 10 here
        np.testing.assert_allclose(r.scores, tau, rtol=1e-12, atol=1e-300)
        assert r.rank == 5 and r.method_used == "gram" and "sparse" in r.run.message
        assert r.scores[11] == 0.0
        # Both stop at a log residual of 1e-10: the dense weights to ~1e-9 relative.
        for p in (1.0, 3.0):
            w = S.lewis_weights(fmt(a), p)
            np.testing.assert_allclose(w.weights, S.lewis_weights(a, p).weights, rtol=1e-8)
            assert w.weights[11] == 0.0 and w.run.converged
    # a dependent column: the sparse R route, Σ h = rank = 4
    b = a.copy()
    b[:, 4] = b[:, 0] - b[:, 1]
    r = S.leverage_scores(scipy.sparse.csr_matrix(b))
    assert r.rank == 4 and r.method_used == "qr"
    np.testing.assert_allclose(r.scores, leverage_np(b[:, :4]), rtol=1e-10, atol=1e-15)
    with pytest.raises(TypeError, match="float32"):
        S.lewis_weights(scipy.sparse.csr_matrix(a.astype(np.float32)), 1.0)


def test_lp_sensitivities_bounds():
    a = tall(n=40, d=3, seed=2)
    tau = leverage_np(a)
    s2 = S.lp_sensitivities(a, 2.0)
    # p = 2: σ = τ, certified to the tolerance 1e-8 on each row's minimum norm.
    np.testing.assert_allclose(s2.sensitivities, tau, rtol=1e-7)
    assert s2.total == pytest.approx(3.0, rel=1e-7)
    s1 = S.lp_sensitivities(a, 1.0)
    w1 = S.lewis_weights(a, 1.0).weights
    assert s1.run.converged and s1.unconverged_rows == 0
    d = 3
    # p < 2: d^{p/2-1} w <= σ <= w and σ <= τ^{p/2}, up to the certified gaps (1e-8) and the
    # Lewis tolerance.
    assert np.all(s1.sensitivities <= w1 * (1 + 1e-6))
    assert np.all(s1.sensitivities >= d ** (-0.5) * w1 * (1 - 1e-6))
    assert np.all(s1.sensitivities <= tau ** 0.5 * (1 + 1e-6))
    assert np.all(s1.sensitivities <= s1.upper_bounds * (1 + 1e-12))
    # the same bits for any thread count (each row serial)
    np.testing.assert_array_equal(S.lp_sensitivities(a, 1.0, threads=1).sensitivities,
                                  S.lp_sensitivities(a, 1.0, threads=2).sensitivities)



def test_lp_sensitivities_of_a_sparse_matrix_stay_sparse():
    rng = np.random.default_rng(12)
    a = tall(n=60, d=4, seed=12) * (rng.uniform(size=(60, 4)) < 0.5)
    a[np.arange(4), np.arange(4)] = 1.0  # full column rank
    a[9, :] = 0.0
    for p in (1.0, 1.5, 3.0):
        dense = S.lp_sensitivities(a, p)
        # Both certify each row to a relative gap of 1e-8 on its minimum norm, so their σ
        # (both in [1/U^p, 1/L^p]) differ by at most about 2p·1e-8 relative.
        tol = 2 * p * 1e-8 + 1e-10
        for fmt in (scipy.sparse.csr_matrix, scipy.sparse.csc_matrix):
            r = S.lp_sensitivities(fmt(a), p)
            assert r.run.converged and "sparse" in r.run.message
            assert r.sensitivities[9] == 0.0
            np.testing.assert_allclose(r.sensitivities, dense.sensitivities, rtol=tol, atol=0)
    sp = scipy.sparse.csr_matrix(a)
    np.testing.assert_array_equal(S.lp_sensitivities(sp, 1.0, threads=1).sensitivities,
                                  S.lp_sensitivities(sp, 1.0, threads=2).sensitivities)
    with pytest.raises(ValueError, match="use_glpk"):
        S.lp_sensitivities(sp, 1.0, use_glpk=True)
    with pytest.raises(TypeError, match="float32"):
        S.lp_sensitivities(scipy.sparse.csr_matrix(a.astype(np.float32)), 1.0)

def test_sample_rows_by_seed_and_its_rescaling():
    a = tall(n=200, d=3, seed=4)
    scores = S.sampling_scores(a, 2.0, "leverage")
    np.testing.assert_allclose(scores, leverage_np(a), rtol=1e-11)
    r = S.sample_rows(a, scores, p=2.0, expected_rows=50.0, seed=7)
    q = np.minimum(1.0, scores / r.alpha)
    # α solves Σ min(1, s/α) = 50 (sort-based, up to rounding)
    assert q.sum() == pytest.approx(50.0, rel=1e-12)
    assert r.expected_rows == pytest.approx(50.0, rel=1e-12)
    assert S.alpha_for_expected_rows(scores, 50.0) == pytest.approx(r.alpha, rel=1e-15)
    np.testing.assert_allclose(r.probabilities, q, rtol=1e-15)
    idx = r.indices
    assert idx.dtype == np.int64 and np.all(np.diff(idx) > 0)
    np.testing.assert_allclose(r.weights, q[idx] ** -0.5, rtol=1e-15)
    np.testing.assert_allclose(r.rows, r.weights[:, None] * a[idx], rtol=1e-15)
    same = S.sample_rows(a, scores, p=2.0, expected_rows=50.0, seed=7)
    other = S.sample_rows(a, scores, p=2.0, expected_rows=50.0, seed=8)
    np.testing.assert_array_equal(same.indices, idx)
    assert not np.array_equal(other.indices, idx)
    # the other stream of the same seed is another sample
    assert not np.array_equal(
        S.sample_rows(a, scores, p=2.0, expected_rows=50.0, seed=7, stream=1).indices, idx)
    with pytest.raises(ValueError, match="alpha|expected_rows"):
        S.sample_rows(a, scores, expected_rows=10.0, alpha=0.1)
    with pytest.raises(ValueError, match="kind|uniformly"):
        S.sampling_scores(a, 2.0, "uniformly")
    eps = S.alpha_for_epsilon(0.5, 0.1, 3)
    assert eps == pytest.approx(0.25 / (3 * np.log(60.0)), rel=1e-15)


def test_leverage_sensitivity_scores_and_the_leverage_share():
    a = tall(n=80, d=3, seed=5)
    sigma = S.sampling_scores(a, 3.0, "sensitivity")
    tau = S.sampling_scores(a, 3.0, "leverage")
    # NumPy's pairwise Σσ and Στ may differ from the C++ sums in the last bits, so against NumPy
    # the entries agree to a few ulps (rtol 1e-14); the identities among sampo's own results
    # below are exact.
    sig_n, tau_n = sigma / sigma.sum(), tau / tau.sum()
    half = S.leverage_sensitivity_scores(sigma, tau)
    np.testing.assert_allclose(half, sig_n + tau_n, rtol=1e-14)
    # the default is λ = 1/2, and what sampling_scores(..., "leverage-sensitivity") returns
    np.testing.assert_array_equal(half, S.leverage_sensitivity_scores(sigma, tau,
                                                                      leverage_share=0.5))
    np.testing.assert_array_equal(S.sampling_scores(a, 3.0, "leverage-sensitivity"), half)
    # λ = 0 and 1: sensitivity and leverage sampling scaled to Σs = 2; their sum is twice the
    # λ = 1/2 scores bit for bit (2x + 2y = 2(x + y) in floating point)
    s0 = S.leverage_sensitivity_scores(sigma, tau, leverage_share=0.0)
    s1 = S.leverage_sensitivity_scores(sigma, tau, leverage_share=1.0)
    np.testing.assert_allclose(s0, 2.0 * sig_n, rtol=1e-14)
    np.testing.assert_allclose(s1, 2.0 * tau_n, rtol=1e-14)
    np.testing.assert_array_equal(s0 + s1, 2.0 * half)
    for share in (0.1, 0.37, 0.8):
        s = S.leverage_sensitivity_scores(sigma, tau, leverage_share=share)
        # the mixture of the two: (1 − λ)s0 + λs1, a few roundings of each entry
        np.testing.assert_allclose(s, (1 - share) * s0 + share * s1, rtol=1e-14)
        # Σs = 2 up to the rounding of sums of 80 terms
        assert s.sum() == pytest.approx(2.0, rel=1e-13)
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match="leverage_share"):
            S.leverage_sensitivity_scores(sigma, tau, leverage_share=bad)
    with pytest.raises(TypeError):
        S.leverage_sensitivity_scores(sigma, tau, 0.3)  # keyword only


def test_lp_regression_and_distortion_against_numpy():
    a = tall(n=80, d=3, seed=5)
    rng = np.random.default_rng(5)
    b = a @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(80)
    r2 = S.lp_regression(a, b, 2.0)
    x_ls = np.linalg.lstsq(a, b, rcond=None)[0]
    # p = 2: one Newton step is the least-squares solution (certified gap <= 1e-8).
    np.testing.assert_allclose(r2.x, x_ls, rtol=1e-8, atol=1e-10)
    assert r2.objective == pytest.approx(np.linalg.norm(a @ x_ls - b), rel=1e-10)
    r1 = S.lp_regression(a, b, 1.0)
    assert r1.run.converged and r1.relative_gap <= 1e-8
    assert r1.lower_bound <= r1.objective
    assert r1.objective <= np.sum(np.abs(a @ x_ls - b))  # the ℓ1 optimum beats least squares
    assert r1.objective == pytest.approx(np.sum(np.abs(a @ r1.x - b)), rel=1e-12)

    # distortion, p = 2: the extreme squared singular values of (SA) R⁻¹, A = QR.
    scores = S.sampling_scores(a, 2.0, "leverage")
    s = S.sample_rows(a, scores, expected_rows=40.0, seed=1)
    _, rr = np.linalg.qr(a)
    sv = np.linalg.svd(s.rows @ np.linalg.inv(rr), compute_uv=False)
    d = S.distortion(a, s.rows, 2.0)
    assert d.exact
    assert d.f_max == pytest.approx(sv.max() ** 2, rel=1e-10)
    assert d.f_min == pytest.approx(sv.min() ** 2, rel=1e-10)
    assert d.distortion == pytest.approx(max(sv.max() ** 2 - 1, 1 - sv.min() ** 2), rel=1e-9)
    # p ≠ 2: a lower bound, attained values only
    d1 = S.distortion(a, S.sample_rows(a, S.sampling_scores(a, 1.0, "lewis"), p=1.0,
                                       expected_rows=40.0, seed=1).rows, 1.0)
    assert not d1.exact and 0.0 < d1.f_min <= d1.f_max
    assert d1.distortion == max(d1.f_max - 1.0, 1.0 - d1.f_min)
    ratio = S.regression_error_ratio(a, b, s.indices, s.weights, 2.0)
    assert ratio.ratio >= 1.0 - 1e-8 and ratio.run.converged
    with pytest.raises(ValueError, match="'sa.cols\\(\\)' = 2"):
        S.distortion(a, s.rows[:, :2], 2.0)
    with pytest.raises(ValueError, match="'b.size\\(\\)' = 10"):
        S.lp_regression(a, b[:10], 2.0)
    assert isinstance(ratio.full.run, sampo.Run)

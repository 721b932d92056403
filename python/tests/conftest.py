"""Shared data for the sampo Python tests: seeded NumPy draws (the tests are data; fixed seeds)
and small NumPy reference implementations written from the formulas in the C++ headers."""
import numpy as np
import pytest


def spd_stack(n, c, seed, condition=10.0):
    """n random SPD c x c matrices with eigenvalues log-spaced in [1, condition]."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, c, c))
    for k in range(n):
        q, _ = np.linalg.qr(rng.standard_normal((c, c)))
        lam = np.exp(rng.uniform(0.0, np.log(condition), c))
        out[k] = (q * lam) @ q.T
        out[k] = 0.5 * (out[k] + out[k].T)
    return out


def spd_function(a, f):
    lam, v = np.linalg.eigh(a)
    return (v * f(lam)) @ v.T


def logm(a):
    return spd_function(a, np.log)


def expm_sym(a):
    return spd_function(a, np.exp)


def invsqrtm(a):
    return spd_function(a, lambda x: 1.0 / np.sqrt(x))


def sqrtm(a):
    return spd_function(a, np.sqrt)


def upper_np(s):
    c = s.shape[0]
    i, j = np.triu_indices(c)
    w = np.where(i == j, 1.0, np.sqrt(2.0))
    return s[i, j] * w


@pytest.fixture
def spd():
    return spd_stack(12, 5, seed=1)


@pytest.fixture
def trials():
    rng = np.random.default_rng(7)
    return rng.standard_normal((20, 4, 64))

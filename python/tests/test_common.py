"""The common layer: version, exceptions, NumPy argument checks, no-copy views, Run, Ctrl-C."""
import os
import signal
import threading
import time

import numpy as np
import pytest

import sampo
from sampo import _sampo
from conftest import spd_stack


def test_version_is_the_library_version():
    assert sampo.__version__ == _sampo.header_version
    assert sampo.__version__.count(".") == 2


def test_invalid_argument_is_value_error_with_the_library_message():
    a = np.eye(3)
    with pytest.raises(ValueError, match=r"argument 't' = inf"):
        sampo.riemann.geodesic(a, a, float("inf"))


def test_not_spd_is_a_value_error_subclass():
    assert issubclass(sampo.NotSPDError, ValueError)
    bad = np.diag([1.0, -1.0, 2.0])
    with pytest.raises(sampo.NotSPDError, match="smallest eigenvalue"):
        sampo.riemann.distance_riemann(bad, np.eye(3))


def test_numerical_error_is_an_arithmetic_error():
    assert issubclass(sampo.NumericalError, ArithmeticError)


@pytest.mark.parametrize("kind, python_type", [
    ("invalid_argument", ValueError), ("not_spd_error", sampo.NotSPDError),
    ("io_error", OSError), ("numerical_error", sampo.NumericalError)])
def test_every_cpp_exception_maps_with_its_message(kind, python_type):
    message = f"f: argument 'x' = 1: {kind}"
    with pytest.raises(python_type) as info:
        _sampo._throw(kind, message)
    assert str(info.value) == message
    assert type(info.value) is python_type  # the most specific type, not a base


def test_wrong_dtype_is_a_type_error_naming_the_argument():
    with pytest.raises(TypeError, match=r"sampo.riemann.distance: argument 'b' has dtype int64"):
        sampo.riemann.distance(np.eye(2), np.eye(2, dtype=np.int64))
    with pytest.raises(TypeError, match=r"argument 'a' has dtype float32"):
        sampo.riemann.distance(np.eye(2, dtype=np.float32), np.eye(2))


def test_wrong_shape_is_a_value_error_naming_the_argument():
    with pytest.raises(ValueError, match=r"argument 'a' must be a 2-D array, got shape \(3,\)"):
        sampo.riemann.distance(np.ones(3), np.eye(3))
    with pytest.raises(ValueError, match=r"argument 'xs' must be a 3-D array"):
        sampo.riemann.mean(np.eye(3))


def test_non_finite_entry_is_a_value_error_with_its_index():
    a = np.eye(3)
    a[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"argument 'a' has a non-finite entry nan at \[1, 2\]"):
        sampo.riemann.distance_euclid(a, np.eye(3))
    xs = spd_stack(4, 3, seed=2)
    xs[2, 0, 1] = np.inf
    with pytest.raises(ValueError, match=r"argument 'xs' has a non-finite entry inf at \[2, 0, 1\]"):
        sampo.riemann.mean(xs)


def test_lists_are_converted():
    assert sampo.riemann.distance_euclid([[1.0, 0.0], [0.0, 1.0]], [[1, 0], [0, 2]]) == 1.0


def test_no_copy_views():
    a = spd_stack(1, 4, seed=3)[0]
    f = np.asfortranarray(a)
    c = np.ascontiguousarray(a)
    assert _sampo._viewed_in_place(f, symmetric=False)
    assert _sampo._viewed_in_place(f, symmetric=True)
    assert _sampo._viewed_in_place(c, symmetric=True)       # a symmetric C array is its transpose
    assert not _sampo._viewed_in_place(c, symmetric=False)  # a general C array is copied once
    big = np.asfortranarray(np.zeros((8, 8)))
    assert _sampo._viewed_in_place(big[:4, :4])              # a column-major block: outer stride
    assert not _sampo._viewed_in_place(big[::2, ::2])        # strided rows: copied
    # A C-order general matrix gives the same answer as its Fortran copy (the copy is right).
    x = np.random.default_rng(0).standard_normal((3, 50))
    np.testing.assert_array_equal(sampo.riemann.sample_covariance(x),
                                  sampo.riemann.sample_covariance(np.asfortranarray(x)))


def test_results_come_back_as_numpy_arrays_without_a_copy():
    m = sampo.riemann.mean(spd_stack(5, 3, seed=4)).mean
    assert isinstance(m, np.ndarray) and m.dtype == np.float64 and m.shape == (3, 3)
    assert m.flags.f_contiguous  # Eigen's storage handed over, not copied into C order


def test_run_repr_and_attributes():
    r = sampo.riemann.mean(spd_stack(6, 3, seed=5)).run
    assert isinstance(r, sampo.Run)
    assert r.termination == "converged" and r.converged
    assert r.iterations >= 1 and r.evaluations >= r.iterations and r.seconds >= 0.0
    text = repr(r)
    assert text.startswith("Run(termination='converged', iterations=") and "message=" in text
    assert "converged after" in r.brief_report()


def _long_mean_args():
    # tolerance 1e-300: the mean iterates until its secant step falls to 1e-300 at the rounding
    # floor, about 1000 passes; 16 matrices of 128 x 128 (one-matrix steps, at most two blocks
    # of 8 to share among threads) make that ~30 s here, so the SIGINT at 0.5 s lands inside
    # the call on any machine. (300 matrices of 12 x 12 took 0.3 s: the signal missed the call.)
    return spd_stack(16, 128, seed=6), dict(tolerance=1e-300, max_iterations=10**9)


def test_ctrl_c_cancels_a_long_call_and_raises_keyboard_interrupt():
    xs, kw = _long_mean_args()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sampo.riemann.mean(xs, **kw)
    elapsed = time.perf_counter() - start
    timer.join()
    assert elapsed < 10.0  # stopped at the next pass, not after the whole run
    # Python's handler is back: a later SIGINT is Python's KeyboardInterrupt again.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1.0)


def test_a_user_sigint_handler_is_respected():
    xs, kw = _long_mean_args()
    seen = []
    previous = signal.signal(signal.SIGINT, lambda s, f: seen.append(s))
    try:
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        r = sampo.riemann.mean(xs, **kw)  # the user's handler runs; no exception
        timer.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert seen == [signal.SIGINT]
    assert r.run.termination == "user_stopped"

"""sampo.knots.fit on Python callables and muParser formulas: values, derivatives and integrals
against closed forms; options and errors; exceptions from the callable; Ctrl-C."""
import math

import numpy as np
import pytest

import sampo


def gauss(x):
    return math.exp(-x * x)


def test_fit_meets_the_tolerance_on_a_smooth_function():
    r = sampo.knots.fit(gauss, -3.0, 3.0, rtol=1e-10, atol=1e-3)
    assert r.run.termination == "converged" and r.run.converged
    assert r.run.evaluations == r.x.size == r.y.size == r.t.size
    xs = np.linspace(-3.0, 3.0, 1001)
    err = np.abs(r(xs) - np.exp(-xs * xs)) / (np.exp(-xs * xs) + 1e-3)
    # The error estimate is a posterior bound on the same relative measure; the observed error
    # is below rtol up to the estimate's safety factor (docs/knots.md: well under 10 rtol).
    assert err.max() < 10 * 1e-10
    np.testing.assert_array_equal(r.y, [gauss(x) for x in r.x])  # every evaluation is a knot


def test_result_is_callable_on_scalars_and_arrays_of_any_shape():
    r = sampo.knots.fit(gauss, -3.0, 3.0, rtol=1e-10, atol=1e-3)
    assert isinstance(r(0.5), float)
    grid = np.linspace(-2, 2, 12).reshape(3, 4)
    out = r(grid)
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out, r.interpolant(grid))
    assert r(1) == r(1.0)  # integers are numbers here


def test_derivative_and_integral_against_closed_forms():
    r = sampo.knots.fit(gauss, -3.0, 3.0, rtol=1e-12, atol=1e-3)
    x = np.array([-1.0, 0.25, 2.0])
    # Derivatives of an interpolant lose about one order of h per derivative: 1e-7 relative to
    # max|f'| ~ 0.86 is far above rtol 1e-12 and far below any real error.
    np.testing.assert_allclose(r.derivative(x), -2 * x * np.exp(-x * x), atol=1e-7)
    np.testing.assert_allclose(r.interpolant.second_derivative(x),
                               (4 * x * x - 2) * np.exp(-x * x), atol=1e-5)
    exact = math.sqrt(math.pi) * math.erf(3.0)
    # The integral of an interpolant with pointwise relative error <= rtol (|f| + atol):
    # |error| <= rtol * (integral of |f| + 6 atol) ~ 2e-12; 1e-10 leaves the estimator's margin.
    assert abs(r.integral(-3.0, 3.0) - exact) < 1e-10
    assert r.integral(3.0, -3.0) == -r.integral(-3.0, 3.0)
    g = r.interpolant
    assert (g.lower, g.upper, g.scale) == (-3.0, 3.0, "linear")


def test_log_scale_on_a_power_law():
    r = sampo.knots.fit(lambda x: x ** -2.5, 1e-2, 1e3, scale="log", rtol=1e-9)
    assert r.run.converged and r.interpolant.scale == "log"
    x = np.geomspace(1e-2, 1e3, 50)
    # rtol 1e-9 relative, with the same 10x allowance as above.
    np.testing.assert_allclose(r(x), x ** -2.5, rtol=1e-8)


def test_both_strategies_and_the_options_defaults_in_help():
    for strategy in ("autoknots", "high_order"):
        r = sampo.knots.fit(math.sin, 0.0, 3.0, rtol=1e-8, atol=1.0, strategy=strategy)
        assert r.run.converged, r.run
    doc = sampo.knots.fit.__doc__
    assert "rtol: float = 1e-08" in doc and "strategy: str = 'high_order'" in doc


def test_budget_is_an_outcome_not_an_exception():
    r = sampo.knots.fit(lambda x: math.sin(200 * x), 0.0, 10.0, rtol=1e-12, max_knots=40)
    assert r.run.termination == "max_evaluations"
    assert r.run.evaluations <= 40
    assert "FitResult(knots=" in repr(r) and "max_evaluations" in repr(r)


def test_bad_options_and_interval_name_the_field():
    with pytest.raises(ValueError, match="rtol"):
        sampo.knots.fit(gauss, 0.0, 1.0, rtol=-1.0)
    with pytest.raises(ValueError, match="scale"):
        sampo.knots.fit(gauss, 0.0, 1.0, scale="cubic")
    with pytest.raises(ValueError, match="'b'"):
        sampo.knots.fit(gauss, 1.0, 0.0)
    with pytest.raises(TypeError):
        sampo.knots.fit(gauss, 0.0, 1.0, 1e-8)  # options are keyword-only


def test_non_finite_values_of_f_are_value_errors_naming_x():
    with pytest.raises(ValueError, match="x"):
        sampo.knots.fit(lambda x: math.nan if x > 0.5 else 1.0, 0.0, 1.0)


def test_an_exception_from_f_propagates_as_itself_with_a_note():
    class Boom(Exception):
        pass

    def f(x):
        if x > 0.7:
            raise Boom("too far")
        return x

    with pytest.raises(Boom, match="too far") as info:
        sampo.knots.fit(f, 0.0, 1.0)
    notes = getattr(info.value, "__notes__", [])
    if hasattr(BaseException, "add_note"):  # Python 3.11+
        assert any("x = " in n for n in notes), notes


def test_keyboard_interrupt_in_f_stops_the_fit():
    calls = []

    def f(x):
        calls.append(x)
        if len(calls) == 20:
            raise KeyboardInterrupt
        return math.sin(x)

    with pytest.raises(KeyboardInterrupt):
        sampo.knots.fit(f, 0.0, 100.0, rtol=1e-12)
    assert len(calls) == 20


def test_f_returning_a_non_number_is_a_type_error():
    with pytest.raises(TypeError, match="str"):
        sampo.knots.fit(lambda x: "one", 0.0, 1.0)


# --- formulas (sampo::knots::Expression): evaluated in C++, GIL released, threads allowed ---

def test_a_formula_gives_the_same_fit_as_the_equivalent_callable():
    f = lambda x: math.sin(x) * math.exp(-x)  # noqa: E731
    by_callable = sampo.knots.fit(f, 0.0, 10.0, rtol=1e-10, atol=1e-3)
    by_text = sampo.knots.fit("sin(x)*exp(-x)", 0.0, 10.0, rtol=1e-10, atol=1e-3)
    by_object = sampo.knots.fit(sampo.knots.Expression("sin(x)*exp(-x)"), 0.0, 10.0,
                                rtol=1e-10, atol=1e-3)
    # muParser and Python's math call the same libm sin and exp and multiply once: the same
    # values, hence the same knots, bit for bit.
    np.testing.assert_array_equal(by_text.x, by_callable.x)
    np.testing.assert_array_equal(by_text.y, by_callable.y)
    np.testing.assert_array_equal(by_object.y, by_callable.y)
    assert by_text.run.converged


def test_a_formula_fit_does_not_depend_on_threads():
    one = sampo.knots.fit("exp(-x^2)*cos(40*x)", -3.0, 3.0, rtol=1e-9, atol=1e-3, threads=1)
    two = sampo.knots.fit("exp(-x^2)*cos(40*x)", -3.0, 3.0, rtol=1e-9, atol=1e-3, threads=2)
    np.testing.assert_array_equal(one.x, two.x)
    np.testing.assert_array_equal(one.y, two.y)
    assert one.error_estimate == two.error_estimate


def test_expression_objects_evaluate_on_arrays_and_pickle():
    import pickle

    e = sampo.knots.Expression("x < 1 ? x : 2 - x")
    assert e.text == "x < 1 ? x : 2 - x"
    assert repr(e) == "Expression('x < 1 ? x : 2 - x')"
    x = np.linspace(0.0, 2.0, 9).reshape(3, 3)
    np.testing.assert_array_equal(e(x), np.where(x < 1, x, 2 - x))  # exact: one subtraction
    assert e(1.5) == 0.5
    assert sampo.knots.Expression("_pi")(0.0) == math.pi  # the nearest double, not muParser's
    assert pickle.loads(pickle.dumps(e))(0.25) == 0.25


def test_a_bad_formula_is_a_value_error_naming_the_position():
    with pytest.raises(ValueError, match=r"'expression' = 'sin\(x': Missing parenthesis "
                                         r"\(at position 6\)"):
        sampo.knots.Expression("sin(x")
    with pytest.raises(ValueError, match=r"Unexpected token \"y\" found at position 4"):
        sampo.knots.fit("sin(y)", 0.0, 1.0)
    with pytest.raises(ValueError, match="non-finite value at x = 0.5"):
        sampo.knots.fit("1/(x-0.5)", 0.0, 1.0)


def test_threads_apply_to_formulas_only_and_f_must_be_callable():
    with pytest.raises(ValueError, match="'threads' = 2"):
        sampo.knots.fit(gauss, 0.0, 1.0, threads=2)
    with pytest.raises(TypeError, match="'f' is a float"):
        sampo.knots.fit(1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="threads"):
        sampo.knots.fit("x", 0.0, 1.0, threads=-1)
    assert "threads: int = 1" in sampo.knots.fit.__doc__


def test_ctrl_c_cancels_a_formula_fit():
    import os
    import signal
    import threading
    import time

    # sin(1e4 x) on [0, 100] to rtol 1e-13: millions of knots, many seconds; the budget bounds
    # the memory if the cancellation were missed.
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sampo.knots.fit("sin(1e4*x)", 0.0, 100.0, rtol=1e-13, max_knots=20_000_000)
    timer.join()
    assert time.perf_counter() - start < 10.0  # stopped at the next pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

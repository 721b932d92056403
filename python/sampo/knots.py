"""Adaptive knot allocation (sampo::knots): tabulate a costly f on [a, b] until an interpolant
meets a relative tolerance.

>>> import math, sampo
>>> r = sampo.knots.fit(lambda x: math.exp(-x * x), -3.0, 3.0, rtol=1e-10)
>>> r.run.termination, r(0.5), r.integral(-3.0, 3.0)
>>> s = sampo.knots.fit("sin(x)*exp(-x)", 0.0, 10.0, rtol=1e-10, atol=1e-3, threads=2)

``fit`` calls a Python ``f`` with one float at a time, serially, with the GIL held; an
exception raised by ``f`` (``KeyboardInterrupt`` included) propagates as itself, with the x
where it happened added as a note. A formula (a str in muParser syntax, or an ``Expression``)
is evaluated in C++ with the GIL released, on ``threads`` threads, and Ctrl-C cancels it. The result is callable on numbers and arrays, with ``derivative``,
``second_derivative`` (on ``result.interpolant``) and ``integral``. See docs/knots.md for the
strategies and the error model.
"""
from ._sampo.knots import Expression, FitResult, Interpolant, fit

__all__ = ["fit", "Expression", "FitResult", "Interpolant"]

"""Bilevel optimization on counted oracles (sampo::bilevel):

    min_x Phi(x) = f(x, y*(x)),   y*(x) = argmin_y g(x, y),   g(x, .) strongly convex.

- ``Problem``: subclass it and write the oracles in NumPy (see its docstring), or use a
  built-in problem: ``QuadraticProblem`` / ``make_quadratic``, ``StochasticQuadraticProblem`` /
  ``make_stochastic_quadratic``, ``RidgeHpoProblem`` / ``make_ridge_hpo``,
  ``HypercleanLsProblem`` / ``make_hyperclean_ls``, ``CoshProblem`` / ``make_cosh``,
  ``DegenerateProblem``, ``HypercleanLogisticProblem``; the named benchmarks of
  ``sampo bilevel``: ``make_benchmark(name, ...)`` (``benchmark_names()``); data
  hyper-cleaning: ``load_digits``, ``make_hyperclean``, ``score_hyperclean``,
  ``reference_accuracy``.
- Solvers, each with its options as keywords (defaults: the C++ Options structs) and the
  shared ones (``max_iterations``, ``max_oracle_calls``, ``batch_size``, ``seed``,
  ``trace_every``, ``gradient_tolerance``, ``check_curvature``, ``curvature_every``,
  ``lanczos_steps``, ``curvature_tolerance``, ``callback``): ``borep``, ``aid_cg``, ``itd``,
  ``stocbio``, ``ttsa``, ``soba``, ``ma_soba``, ``f2sa``; or by name:
  ``solve(problem, x0, y0, 'aid-cg', settings={'outer_step': 0.1}, max_iterations=500)``.
  They return a ``BilevelResult`` (``x``, ``y``, ``z``, ``oracle_counts``, ``trace``,
  ``curvature``, ``run``). Ctrl-C stops a run at its next iteration (KeyboardInterrupt).
- ``from_callables(dim_x, dim_y, f=..., g=..., grad_x_f=..., ...)``: a Problem from plain
  callables (lambdas on NumPy arrays), without writing a class.
- Tools: ``check_oracles`` (finite differences), ``solve_lower_level`` (Newton-CG),
  ``implicit_hypergradient``.

``callback(info)`` is called after each outer iteration with an ``IterationInfo``
(``iteration``, ``x``, ``y``, ``counts``, ``seconds``); returning ``False`` stops the run
(``run.termination == 'user_stopped'``), ``None`` or ``True`` goes on.
"""
import inspect as _inspect

from ._sampo import bilevel as _b
from ._sampo.bilevel import (  # noqa: F401  (re-exported)
    Benchmark, BilevelResult, CoshProblem, CurvatureReport, DegenerateProblem,
    HypercleanLogisticProblem, HypercleanLsProblem, HypercleanScores, HypercleanTask,
    IterationInfo, LowerSolveResult, OracleCheckResult, OracleCheckRow, OracleCounts, Problem,
    QuadraticProblem, RidgeHpoProblem, StochasticQuadraticProblem, benchmark_names,
    check_oracles, implicit_hypergradient, load_digits, make_benchmark, make_cosh,
    make_hyperclean, make_hyperclean_ls, make_quadratic, make_ridge_hpo,
    make_stochastic_quadratic, reference_accuracy, score_hyperclean, solve_lower_level,
    solver_names, solver_settings)

_P = _inspect.Parameter
_COMMON = _b._common_defaults()

_DOCS = {
    "borep": "BO-REP (Hao, Gong, Liu, ICLR 2024): normalized momentum on x, z tracking "
             "H^-1 grad_y f, lower-level initialization refinement, periodic lower updates.",
    "aid_cg": "AID with conjugate gradient: K warm-started lower steps, H v = grad_y f by CG, "
              "x <- x - outer_step (grad_x f - J v).",
    "itd": "ITD: K unrolled lower steps, hypergradient by reverse mode through the unroll.",
    "stocbio": "stocBiO: N warm-started SGD steps on y, Neumann series for H^-1 grad_y f.",
    "ttsa": "TTSA: one SGD step on y, HIA Neumann estimate, decaying steps.",
    "soba": "SOBA: single loop on (x, y, z) with decaying steps.",
    "ma_soba": "MA-SOBA: SOBA's y and z steps, moving average of the hypergradient.",
    "f2sa": "F2SA: fully first order (needs grad_x_g), multiplier lambda growing to lambda_max.",
}


def _keyword_parameters(own):
    params = [_P(k, _P.KEYWORD_ONLY, default=v) for k, v in own.items()]
    params += [_P(k, _P.KEYWORD_ONLY, default=v) for k, v in _COMMON.items()]
    params.append(_P("callback", _P.KEYWORD_ONLY, default=None))
    return params


def _make_solver(name):
    own = _b._solver_defaults(name)
    sig = _inspect.Signature(
        [_P("problem", _P.POSITIONAL_OR_KEYWORD), _P("x0", _P.POSITIONAL_OR_KEYWORD),
         _P("y0", _P.POSITIONAL_OR_KEYWORD)] + _keyword_parameters(own))

    def solver(*args, **kwargs):
        arguments = sig.bind(*args, **kwargs).arguments  # TypeError for an unknown keyword
        problem, x0, y0 = (arguments.pop(k) for k in ("problem", "x0", "y0"))
        return _b._run(name, problem, x0, y0, arguments)

    solver.__name__ = solver.__qualname__ = name
    solver.__module__ = __name__
    solver.__signature__ = sig
    solver.__doc__ = (_DOCS[name] + "\n\nOwn options (sampo::bilevel): " + ", ".join(own)
                      + ". Shared options: " + ", ".join(_COMMON) + ", callback.\n"
                      "Returns a BilevelResult; non-convergence is reported in result.run.")
    return solver


borep = _make_solver("borep")
aid_cg = _make_solver("aid_cg")
itd = _make_solver("itd")
stocbio = _make_solver("stocbio")
ttsa = _make_solver("ttsa")
soba = _make_solver("soba")
ma_soba = _make_solver("ma_soba")
f2sa = _make_solver("f2sa")


def _setting(key, value):
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value)  # shortest round-trip form, read back exactly
    else:
        text = str(value)
    return f"{key}={text}"


def _solve(problem, x0, y0, solver, settings=None, **common):
    if settings is None:
        settings = []
    elif isinstance(settings, dict):
        settings = [_setting(k, v) for k, v in settings.items()]
    else:
        settings = list(settings)
    return _b._solve(problem, x0, y0, solver, settings, common)


_ORACLES = ("f", "g", "grad_x_f", "grad_y_f", "grad_y_g", "hvp_yy_g", "jvp_xy_g")
_OPTIONAL_ORACLES = ("grad_x_g",)
_CLOSED_FORMS = ("lower_solution", "hypergradient", "value", "optimal_value", "minimizer")


def _oracle_method(fn, finite_sum):
    if finite_sum:
        return lambda self, *args: fn(*args)  # (x, y[, v], batch)
    return lambda self, *args: fn(*args[:-1])  # the batch (always None) is left out


def from_callables(dim_x, dim_y, *, f, g, grad_x_f, grad_y_f, grad_y_g, hvp_yy_g, jvp_xy_g,
                   grad_x_g=None, lower_solution=None, hypergradient=None, value=None,
                   optimal_value=None, minimizer=None, name="callables", outer_samples=0,
                   inner_samples=0):
    """A Problem whose oracles are the given callables: ``f(x, y)``, ``g(x, y)``,
    ``grad_x_f(x, y)``, ``grad_y_f(x, y)``, ``grad_y_g(x, y)``, ``hvp_yy_g(x, y, v)``,
    ``jvp_xy_g(x, y, v)`` and optionally ``grad_x_g(x, y)`` (F2SA) and the closed forms
    ``lower_solution(x)``, ``hypergradient(x)``, ``value(x)``, ``optimal_value()``,
    ``minimizer()``. When ``outer_samples`` or ``inner_samples`` is positive (finite sums), the
    oracles take the mini-batch as a last argument (None: the full sum), as the methods of a
    ``Problem`` subclass do. An optional callable left out is not provided (as a subclass that
    does not define the method)."""
    finite_sum = outer_samples > 0 or inner_samples > 0
    given = dict(f=f, g=g, grad_x_f=grad_x_f, grad_y_f=grad_y_f, grad_y_g=grad_y_g,
                 hvp_yy_g=hvp_yy_g, jvp_xy_g=jvp_xy_g, grad_x_g=grad_x_g)
    namespace = {
        "name": lambda self: name,
        "dim_x": lambda self: dim_x,
        "dim_y": lambda self: dim_y,
        "outer_samples": lambda self: outer_samples,
        "inner_samples": lambda self: inner_samples,
    }
    for key, fn in given.items():
        if fn is None:
            if key in _ORACLES:
                raise TypeError(f"sampo.bilevel.from_callables: argument '{key}' is required")
            continue
        if not callable(fn):
            raise TypeError(f"sampo.bilevel.from_callables: argument '{key}' is not callable")
        namespace[key] = _oracle_method(fn, finite_sum)
    closed = dict(lower_solution=lower_solution, hypergradient=hypergradient, value=value,
                  optimal_value=optimal_value, minimizer=minimizer)
    for key, fn in closed.items():
        if fn is not None:
            if not callable(fn):
                raise TypeError(f"sampo.bilevel.from_callables: argument '{key}' is not "
                                "callable")
            namespace[key] = (lambda fn: lambda self, *args: fn(*args))(fn)
    cls = type("CallableProblem", (Problem,), namespace)
    return cls()


_solve_signature = _inspect.Signature(
    [_P(k, _P.POSITIONAL_OR_KEYWORD) for k in ("problem", "x0", "y0", "solver")]
    + [_P("settings", _P.POSITIONAL_OR_KEYWORD, default=None)] + _keyword_parameters({}))


def solve(*args, **kwargs):
    """Runs the named solver (``solver_names()``: 'borep', 'aid-cg', 'itd', 'stocbio', 'ttsa',
    'soba', 'ma-soba', 'f2sa'; 'aid_cg' and 'ma_soba' are accepted too) with its own options
    from ``settings`` (a dict ``{'outer_step': 0.1}`` or a list of ``'key=value'`` strings, as
    the command line takes them) and the shared options as keywords (sampo::bilevel::solve).
    An unknown solver or setting is a ValueError naming it."""
    arguments = _solve_signature.bind(*args, **kwargs).arguments
    return _solve(**arguments)


solve.__signature__ = _solve_signature

__all__ = ["Problem", "from_callables", "QuadraticProblem", "make_quadratic", "StochasticQuadraticProblem",
           "make_stochastic_quadratic", "RidgeHpoProblem", "make_ridge_hpo",
           "HypercleanLsProblem", "make_hyperclean_ls", "CoshProblem", "make_cosh",
           "DegenerateProblem", "HypercleanLogisticProblem", "Benchmark", "make_benchmark",
           "benchmark_names", "load_digits", "make_hyperclean", "HypercleanTask",
           "score_hyperclean", "HypercleanScores", "reference_accuracy", "borep", "aid_cg",
           "itd", "stocbio", "ttsa", "soba", "ma_soba", "f2sa", "solve", "solver_names",
           "solver_settings", "BilevelResult", "OracleCounts", "CurvatureReport",
           "IterationInfo", "check_oracles", "OracleCheckResult", "OracleCheckRow",
           "solve_lower_level", "LowerSolveResult", "implicit_hypergradient"]

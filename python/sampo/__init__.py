"""sampo: evaluation and sampling (adaptive splines, SPD geometry, ...) from Python.

The compiled library is wrapped by the extension ``sampo._sampo``; this package re-exports it
by module:

- :mod:`sampo.knots`: adaptive tabulation of a Python callable (``sampo.knots.fit``).
- :mod:`sampo.riemann`: covariance estimators, augmented covariance, SPD distances, means,
  tangent space, the scikit-learn estimators ``MDM``, ``TangentSpace``,
  ``AugmentedCovariance`` and ``Covariances``, and the cross-validation of sampo's pipelines.
- :mod:`sampo.signal`: Butterworth band-pass filtering and epoching of EEG.
- :mod:`sampo.learn`: folds, ROC-AUC / accuracy, shrinkage LDA.
- :mod:`sampo.mc`: rare-event estimators over test logs.
- :mod:`sampo.bilevel`: bilevel problems (built-in or written in NumPy) and their solvers.
- :mod:`sampo.sketch`: leverage scores, Lewis weights, sensitivities, ℓp row sampling.
- :mod:`sampo.cav`: NDE / NADE tests of automated vehicles, the exact car-following benchmark.

Errors: bad input raises ``ValueError`` (a non-SPD matrix: ``sampo.NotSPDError``, a
``ValueError``) or ``TypeError`` (a wrong dtype), a file ``OSError``, a computation that
cannot go on ``sampo.NumericalError`` (an ``ArithmeticError``); the message is the library's.
See docs/python.md.
"""
from . import _sampo
from ._sampo import NotSPDError, NumericalError, Run

__version__ = _sampo.__version__

from . import bilevel, cav, knots, learn, mc, riemann, signal, sketch  # noqa: E402  (after the extension is loaded)

__all__ = ["__version__", "NotSPDError", "NumericalError", "Run", "bilevel", "cav", "knots", "learn", "mc",
           "riemann", "signal", "sketch"]

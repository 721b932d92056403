"""Unbiased rare-event estimators over logged tests (sampo::mc): crude Monte Carlo,
importance sampling, cross-fitted control variates, the defensive mixture, precision reports.

- ``test_log(results, weights=None, controls=None, control_names=(), *, first_step=None, p,
  q, ordinal, epsilon, feature_values, features, surrogate_values, surrogate_means,
  surrogates)`` builds a ``TestLog`` from per-test and (optionally) per-step arrays;
  ``read_test_log(path)`` reads a CSV file or an NPY directory; ``write_test_log_csv`` /
  ``write_test_log_npy`` write one; ``log.to_dict()`` gives the log as a dict of arrays, and
  ``test_log(**log.to_dict())`` rebuilds it.
- ``gaussian_limit_state_log(beta=, dim=, tests=, seed=, sampling=, alpha=)`` draws the tests
  of the linear Gaussian benchmark (``sampo mc gaussian``); ``gaussian_limit_state_exact(beta)``
  gives its exact probability and variances.
- ``crude(log)``, ``importance_sampling(log)``, ``control_variates(y, h)`` or
  ``control_variates(log)``, ``defensive_mixture(fp, components, alpha)``: results with
  ``estimate``, ``standard_error``, ``ci_lower`` / ``ci_upper``, ``relative_half_width``,
  ``variance``, ``n``, ``precision`` (a ``PrecisionReport``), ``values`` (with
  ``keep_values=True``) and ``run``. Results are the same for any ``threads``.
- ``sparse_control_variates(log, stratification="none"|"by-critical-count", order, positions,
  ...)`` and ``multi_surrogate(log, folds, seed)`` on per-step logs (e.g. from ``sampo.cav``).

See docs/mc.md for the estimators and the log layout.
"""
from ._sampo.mc import (  # noqa: F401
    ControlVariateResult, CrudeResult, Estimate, GaussianLimitStateExact, ImportanceSamplingResult,
    MultiSurrogateResult, PrecisionReport, SparseControlVariateResult, Stratum, TestLog,
    confidence_z, control_variates, crude, defensive_mixture, gaussian_limit_state_exact,
    gaussian_limit_state_log, importance_sampling, multi_surrogate, precision_report,
    read_test_log, sparse_control_variates, test_log, write_test_log_csv, write_test_log_npy)

__all__ = ["TestLog", "test_log", "read_test_log", "write_test_log_csv", "write_test_log_npy",
           "crude", "importance_sampling", "control_variates", "defensive_mixture",
           "confidence_z", "precision_report", "Estimate", "CrudeResult",
           "ImportanceSamplingResult", "ControlVariateResult", "PrecisionReport",
           "sparse_control_variates", "multi_surrogate", "SparseControlVariateResult",
           "MultiSurrogateResult", "Stratum", "gaussian_limit_state_log",
           "gaussian_limit_state_exact", "GaussianLimitStateExact"]

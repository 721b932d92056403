"""Leverage scores, ℓp Lewis weights and sensitivities, ℓp row sampling, ℓp regression
(sampo::sketch, with sampo::linalg's exact leverage scores).

- ``leverage_scores(a, method='automatic')`` (dense or ``scipy.sparse``; a ``LeverageResult``:
  ``scores``, ``rank``, ``method_used``, ``condition_estimate``), ``root_leverage_scores(tau, p)``,
  ``approximate_leverage_scores(a, epsilon, delta, ...)`` (dense or ``scipy.sparse``);
- ``lewis_weights(a, p)`` (dense or ``scipy.sparse``), ``approximate_lewis_weights(a, p, epsilon, delta, ...)`` (dense or
  ``scipy.sparse``, 1 <= p < 4, with a stated ``error_bound`` on max |log(w̃/w)|),
  ``lp_sensitivities(a, p)`` (dense or ``scipy.sparse``; certified bounds);
- ``sampling_scores(a, p, kind)``, ``leverage_sensitivity_scores(sigma, tau,
  leverage_share=0.5)`` (p > 2), ``alpha_for_expected_rows(scores, m)``,
  ``alpha_for_epsilon(epsilon, delta, d)``, ``sample_rows(a, scores, p=..., expected_rows=...,
  seed=...)`` (reproducible by seed and stream, whatever the thread count);
- ``lp_regression(a, b, p)``, ``regression_error_ratio(a, b, indices, weights, p)``,
  ``distortion(a, sa, p)`` (exact for p = 2, a lower bound otherwise).

Every call releases the GIL; the results carry a ``run`` (``sampo.Run``). See docs/sketch.md.
"""
from ._sampo.sketch import (  # noqa: F401  (re-exported)
    ApproxLeverageResult, ApproxLewisResult, DistortionResult, LeverageResult, LewisResult,
    LpRegressionResult, RegressionRatioResult, SampleResult, SensitivityResult,
    alpha_for_epsilon, alpha_for_expected_rows, approximate_leverage_scores,
    approximate_lewis_weights, distortion, leverage_scores, leverage_sensitivity_scores,
    lewis_weights, lp_regression,
    lp_sensitivities, regression_error_ratio, root_leverage_scores, sample_rows,
    sampling_scores)

__all__ = ["leverage_scores", "root_leverage_scores", "approximate_leverage_scores",
           "lewis_weights", "approximate_lewis_weights", "lp_sensitivities", "sampling_scores",
           "leverage_sensitivity_scores",           "alpha_for_expected_rows", "alpha_for_epsilon", "sample_rows", "lp_regression",
           "regression_error_ratio", "distortion", "LeverageResult", "ApproxLeverageResult",
           "LewisResult", "ApproxLewisResult", "SensitivityResult", "SampleResult",
           "LpRegressionResult", "RegressionRatioResult", "DistortionResult"]

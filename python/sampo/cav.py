"""Testing automated vehicles (sampo::cav): batches of naturalistic (NDE) or naturalistic and
adversarial (NADE, importance sampling) tests of a scenario, their sampo.mc test log, and the
exact car-following benchmark.

>>> from sampo import cav, mc
>>> b = cav.run_tests(2000, scenario="car-following", environment="nde", preset="aggressive",
...                   seed=1)
>>> b.estimate, b.crashes, b.to_dict()["result"]
>>> log = cav.run_test_log(2000, environment="nade", epsilon=0.1, seed=1)
>>> mc.importance_sampling(log)
>>> e = cav.ExactCarFollowing(epsilon=0.1)
>>> e.crash_probability, e.is_second_moment, mc.importance_sampling(e.test_log(1000))
>>> e.control_variates().variance_reduction      # mc's sparse CV at its optimal coefficients
>>> e.control_variates(sparse=False, surrogate=True).variance_at([1.0])  # mc multi-surrogate

The vehicle under test: ``preset`` (``driver_preset_names()``) and ``set`` ('key=value'
strings or a dict, keys ``driver_parameter_keys()``); NADE's surrogate: ``surrogate_set``;
more surrogate models logged at NADE's critical steps (for ``mc.multi_surrogate``):
``surrogates`` (names of ``surrogate_preset_names()``, or a dict {name: settings}).
Results are the same for any ``threads`` and ``block_size``; Ctrl-C stops a batch
(KeyboardInterrupt). See docs/cav.md.
"""
from ._sampo.cav import (  # noqa: F401  (re-exported)
    BatchResult, CriticalStep, DpTest, ExactCarFollowing, ExactControlVariateResult, TestRecord,
    dp_parameter_keys,
    driver_parameter_keys, driver_preset_names, run_test, run_test_log, run_tests,
    surrogate_parameter_keys, surrogate_preset_names)

__all__ = ["run_test", "run_tests", "run_test_log", "ExactCarFollowing",
           "ExactControlVariateResult", "BatchResult",
           "TestRecord", "CriticalStep", "DpTest", "driver_preset_names", "driver_parameter_keys",
           "surrogate_parameter_keys", "surrogate_preset_names", "dp_parameter_keys"]

"""A formula tabulated to a tolerance (sampo.knots.fit of a muParser expression, evaluated in
C++ on two threads), and the Gaussian rare-event benchmark estimated three ways from its logs
(sampo.mc), each checked against its closed form. Run: PYTHONPATH=build/python python3 this
file (or, installed, python3 this file)."""
import math

import numpy as np

import sampo

# --- knots: f(x) = sin(x) e^{-x} on [0, 10] to rtol 1e-10 (atol 1e-3 where f crosses 0) ---
r = sampo.knots.fit("sin(x)*exp(-x)", 0.0, 10.0, rtol=1e-10, atol=1e-3, threads=2)
x = np.linspace(0.0, 10.0, 2001)
f = np.sin(x) * np.exp(-x)
err = np.max(np.abs(r(x) - f) / (np.abs(f) + 1e-3))
exact = 0.5 * (1.0 - math.exp(-10.0) * (math.sin(10.0) + math.cos(10.0)))  # ∫ sin x e^{-x}
print(f"knots: {r.run.evaluations} knots, {r.run.termination}, max scaled error {err:.2g}, "
      f"integral {r.integral(0.0, 10.0):.12f} (exact {exact:.12f})")
assert r.run.converged and err < 10 * 1e-10  # the fit's tolerance, with docs/knots.md's margin
assert abs(r.integral(0.0, 10.0) - exact) < 1e-9

# --- mc: P(aᵀX/‖a‖ >= 3) = Φ(-3), from naturalistic, mean-shifted and mixture logs ---
p = sampo.mc.gaussian_limit_state_exact(3.0).probability
for sampling, estimator in (("naturalistic", sampo.mc.crude),
                            ("shifted", sampo.mc.importance_sampling),
                            ("mixture", sampo.mc.control_variates)):
    log = sampo.mc.gaussian_limit_state_log(beta=3.0, tests=20000, seed=1, sampling=sampling)
    e = estimator(log)
    print(f"mc {sampling:12s}: {e.estimate:.4e} ± {e.standard_error:.1e} (exact {p:.4e})")
    assert abs(e.estimate - p) < 5 * e.standard_error  # fixed seed, 5 standard errors

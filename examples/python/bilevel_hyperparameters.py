"""Ridge regression with one regularization weight per feature, tuned on a validation set as a
bilevel problem written in NumPy (a subclass of sampo.bilevel.Problem), checked against finite
differences, solved by AID-CG and compared with sampo's built-in RidgeHpoProblem on the same
data. Run: PYTHONPATH=build/python python3 this file (or, installed, python3 this file)."""
import numpy as np

import sampo
from sampo import bilevel as B


class Ridge(B.Problem):
    """x = λ (log-weights), y = w: g = ½‖X w − t‖² + ½Σ e^{λ_j} w_j², f = ½‖V w − u‖²."""

    def __init__(self, X, t, V, u):
        super().__init__()
        self.X, self.t, self.V, self.u = X, t, V, u

    def name(self):
        return "ridge-numpy"

    def dim_x(self):
        return self.X.shape[1]

    def dim_y(self):
        return self.X.shape[1]

    def f(self, lam, w, batch):
        return 0.5 * np.sum((self.V @ w - self.u) ** 2)

    def g(self, lam, w, batch):
        return 0.5 * np.sum((self.X @ w - self.t) ** 2) + 0.5 * np.sum(np.exp(lam) * w ** 2)

    def grad_x_f(self, lam, w, batch):
        return np.zeros_like(lam)

    def grad_y_f(self, lam, w, batch):
        return self.V.T @ (self.V @ w - self.u)

    def grad_y_g(self, lam, w, batch):
        return self.X.T @ (self.X @ w - self.t) + np.exp(lam) * w

    def grad_x_g(self, lam, w, batch):
        return 0.5 * np.exp(lam) * w ** 2

    def hvp_yy_g(self, lam, w, v, batch):
        return self.X.T @ (self.X @ v) + np.exp(lam) * v

    def jvp_xy_g(self, lam, w, v, batch):
        return np.exp(lam) * w * v


rng = np.random.default_rng(0)
p = 5
w_true = np.array([2.0, 0.0, -1.0, 0.0, 0.5])
X, V = rng.standard_normal((40, p)), rng.standard_normal((40, p))
t = X @ w_true + 0.5 * rng.standard_normal(40)
u = V @ w_true + 0.5 * rng.standard_normal(40)

mine = Ridge(X, t, V, u)
check = B.check_oracles(mine, np.zeros(p), rng.standard_normal(p))
print(f"sampo {sampo.__version__}: oracle check {'passed' if check.passed else 'FAILED'} "
      f"(max error {check.max_error:.1e})")
assert check.passed

x0, y0 = np.zeros(p), np.zeros(p)
options = dict(outer_step=0.05, inner_step=0.01, inner_steps=20, max_iterations=300)
r = B.aid_cg(mine, x0, y0, **options)
builtin = B.RidgeHpoProblem(X, t, V, u)
s = B.aid_cg(builtin, x0, y0, **options)
print(f"  at λ = 0:      Φ = {builtin.value(x0):.6f}, "
      f"‖∇Φ‖ = {np.linalg.norm(builtin.hypergradient(x0)):.2e}")
print(f"  NumPy problem: {r.run.termination}, Φ = {builtin.value(r.x):.6f}, "
      f"oracle calls {r.oracle_counts.total_calls}")
print(f"  built-in:      {s.run.termination}, Φ = {builtin.value(s.x):.6f}, "
      f"‖∇Φ‖ = {np.linalg.norm(builtin.hypergradient(s.x)):.2e}")
print(f"  weights e^λ:   {np.round(np.exp(r.x), 3)}")
assert builtin.value(s.x) < builtin.value(x0)
# The same iterations on the same numbers: the two runs agree to rounding.
assert np.allclose(r.x, s.x, rtol=1e-8, atol=1e-10), (r.x, s.x)

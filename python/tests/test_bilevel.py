"""sampo.bilevel against closed forms computed here with numpy.linalg, a problem written in
NumPy as a subclass of sampo.bilevel.Problem, and the binding's contracts (errors, seeds,
callbacks, Ctrl-C)."""
import os
import signal
import threading
import time

import numpy as np
import pytest

import sampo
from sampo import bilevel as B

SOURCE = os.environ.get("SAMPO_SOURCE_DIR",
                        os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
DIGITS = os.path.join(SOURCE, "data", "digits", "digits.csv")


class NumpyQuadraticNoGradXG(B.Problem):
    """g(x, y) = ½yᵀAy + xᵀCy + aᵀy,  f(x, y) = ½‖y − t‖² + (ρ/2)‖x‖², in NumPy.

    y*(x) = Px + q with P = −A⁻¹Cᵀ, q = −A⁻¹a; Φ(x) = ½‖Px + q − t‖² + (ρ/2)‖x‖² is a convex
    quadratic with minimizer x* = −(PᵀP + ρI)⁻¹Pᵀ(q − t)."""

    def __init__(self, seed=0, dx=3, dy=5, rho=0.1, with_closed_forms=True):
        super().__init__()
        rng = np.random.default_rng(seed)
        q, _ = np.linalg.qr(rng.standard_normal((dy, dy)))
        self.A = (q * np.linspace(1.0, 3.0, dy)) @ q.T
        self.A = 0.5 * (self.A + self.A.T)
        self.C = 0.5 * rng.standard_normal((dx, dy))
        self.a = rng.standard_normal(dy)
        self.t = rng.standard_normal(dy)
        self.rho = rho
        self.dx, self.dy = dx, dy
        self.calls = 0
        self.closed = with_closed_forms

    # the closed forms, in NumPy (the references of the tests)
    def P(self):
        return -np.linalg.solve(self.A, self.C.T)

    def q(self):
        return -np.linalg.solve(self.A, self.a)

    def x_star(self):
        P = self.P()
        return -np.linalg.solve(P.T @ P + self.rho * np.eye(self.dx), P.T @ (self.q() - self.t))

    def phi(self, x):
        y = self.P() @ x + self.q()
        return 0.5 * np.sum((y - self.t) ** 2) + 0.5 * self.rho * x @ x

    # the Problem interface
    def name(self):
        return "numpy-quadratic"

    def dim_x(self):
        return self.dx

    def dim_y(self):
        return self.dy

    def f(self, x, y, batch):
        self.calls += 1
        return 0.5 * np.sum((y - self.t) ** 2) + 0.5 * self.rho * x @ x

    def g(self, x, y, batch):
        return 0.5 * y @ self.A @ y + x @ self.C @ y + self.a @ y

    def grad_x_f(self, x, y, batch):
        return self.rho * x

    def grad_y_f(self, x, y, batch):
        return y - self.t

    def grad_y_g(self, x, y, batch):
        return self.A @ y + self.C.T @ x + self.a

    def hvp_yy_g(self, x, y, v, batch):
        return self.A @ v

    def jvp_xy_g(self, x, y, v, batch):
        return self.C @ v

    def lower_solution(self, x):
        return self.P() @ x + self.q() if self.closed else None

    def value(self, x):
        return self.phi(x) if self.closed else None

    def minimizer(self):
        return self.x_star() if self.closed else None


class NumpyQuadratic(NumpyQuadraticNoGradXG):
    """The same with ∇_x g = C y (for F2SA)."""

    def grad_x_g(self, x, y, batch):
        return self.C @ y


def test_a_numpy_problem_solved_by_aid_cg_reaches_its_closed_form_minimizer():
    p = NumpyQuadratic()
    x0, y0 = np.zeros(3), np.zeros(5)
    # Steps for L_g = 3 (A's largest eigenvalue) and Φ's curvature (<= ~1): AID-CG's fixed
    # point is exact (CG solves the 5 x 5 system in 5 iterations), so x converges linearly.
    r = B.aid_cg(p, x0, y0, outer_step=0.5, inner_step=0.3, inner_steps=10, cg_iterations=5,
                 max_iterations=400)
    assert r.solver == "aid-cg"
    assert r.run.iterations == 400 and r.run.termination == "max_iterations"
    x_star = p.x_star()
    # 400 contractions of rate <= 1 - 0.5·λ_min(∇²Φ) (λ_min >= ρ = 0.1): well under 1e-8,
    # down to the rounding of the 5 x 5 solves.
    np.testing.assert_allclose(r.x, x_star, rtol=0, atol=1e-8)
    np.testing.assert_allclose(r.y, p.P() @ r.x + p.q(), rtol=0, atol=1e-8)
    # The counts are by oracle name; AID-CG never calls f, g or grad_x_g.
    calls = r.oracle_counts.calls
    assert set(calls) == {"f", "g", "grad_x_f", "grad_y_f", "grad_x_g", "grad_y_g", "hvp_yy_g",
                          "jvp_xy_g"}
    assert calls["f"] == calls["g"] == calls["grad_x_g"] == 0 and p.calls == 0
    assert calls["grad_x_f"] == calls["jvp_xy_g"] == 400
    assert calls["grad_y_g"] == 400 * 10
    assert r.oracle_counts.total_calls == sum(calls.values()) == r.run.evaluations
    # The trace reads the Python closed forms: Φ at the last point is Φ(x*), ‖y − y*‖ ~ 0;
    # the hypergradient is not given (NaN).
    t = r.trace
    assert list(t["iteration"][[0, -1]]) == [0, 400]
    assert t["value"][-1] == pytest.approx(p.phi(x_star), rel=1e-12)
    assert t["inner_distance"][-1] < 1e-8
    assert np.all(np.isnan(t["gradient_norm"]))
    assert np.all(np.diff(t["oracle_calls"]) > 0)
    # The curvature check saw A's spectrum [1, 3] (Lanczos on 5 dimensions: exact).
    assert r.curvature.checked and r.curvature.strongly_convex
    assert r.curvature.min_ritz == pytest.approx(1.0, rel=1e-8)
    assert r.curvature.max_ritz == pytest.approx(3.0, rel=1e-8)
    assert "BilevelResult(solver='aid-cg'" in repr(r)
    assert repr(p).startswith("NumpyQuadratic(name='numpy-quadratic', dim_x=3, dim_y=5")


def test_every_solver_runs_on_the_numpy_problem_and_decreases_phi():
    p = NumpyQuadratic(seed=2)
    x0, y0 = np.ones(3), np.zeros(5)
    phi0, phi_star = p.phi(x0), p.phi(p.x_star())
    for name in ["borep", "aid_cg", "itd", "stocbio", "ttsa", "soba", "ma_soba", "f2sa"]:
        r = getattr(B, name)(p, x0, y0, max_iterations=300, trace_every=0)
        assert r.run.iterations == 300, name
        # Default steps are small (0.01-0.02): 300 iterations close part of the gap only.
        assert p.phi(r.x) < phi0 - 0.1 * (phi0 - phi_star), name
        assert r.trace["iteration"].size == 0
    # solve() by the library's names (and the Python ones) gives the same bits.
    a = B.solve(p, x0, y0, "aid-cg", settings={"outer_step": 0.2, "warm_start": False},
                max_iterations=50)
    b = B.aid_cg(p, x0, y0, outer_step=0.2, warm_start=False, max_iterations=50)
    c = B.solve(p, x0, y0, "aid_cg", settings=["outer_step=0.2", "warm_start=false"],
                max_iterations=50)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.x, c.x)
    assert "aid-cg" in B.solver_names()
    # The keyword tables of the binding list the library's own settings, in its order (the
    # binding reads them from the library's table, sampo::bilevel::settings_of).
    from sampo._sampo import bilevel as _b
    for name in B.solver_names():
        assert list(_b._solver_defaults(name)) == B.solver_settings(name), name
    assert B.solver_settings("aid_cg") == ["outer_step", "inner_step", "inner_steps",
                                           "cg_iterations", "cg_tolerance", "warm_start"]


def test_check_oracles_passes_on_the_numpy_problem_and_catches_a_wrong_gradient():
    p = NumpyQuadratic()
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(3), rng.standard_normal(5)
    r = B.check_oracles(p, x, y)
    assert r.passed, r.rows
    assert {row.oracle for row in r.rows} == {"grad_x_f", "grad_y_f", "grad_x_g", "grad_y_g",
                                              "hvp_yy_g", "jvp_xy_g"}
    assert len(r.rows) == 6 * 3  # three directions each
    assert r.run.converged

    class Wrong(NumpyQuadratic):
        def jvp_xy_g(self, x, y, v, batch):
            return 1.1 * self.C @ v

    bad = B.check_oracles(Wrong(), x, y)
    assert not bad.passed
    assert {row.oracle for row in bad.rows if not row.passed} == {"jvp_xy_g"}

    # Without grad_x_g the check skips it and says so.
    skip = B.check_oracles(NumpyQuadraticNoGradXG(), x, y)
    assert skip.passed and "grad_x_g" not in {row.oracle for row in skip.rows}


def test_tools_on_the_numpy_problem_match_numpy():
    p = NumpyQuadratic(seed=4)
    x = np.array([0.3, -1.0, 2.0])
    y_star = p.P() @ x + p.q()
    low = B.solve_lower_level(p, x, np.zeros(5))
    assert low.run.converged
    # Newton-CG on a quadratic: one exact step up to the CG accuracy, tolerance 1e-10.
    np.testing.assert_allclose(low.y, y_star, rtol=0, atol=1e-9)
    # ∇Φ(x) = Pᵀ(y* − t) + ρx; CG to 1e-12 relative residual.
    grad = p.P().T @ (y_star - p.t) + p.rho * x
    np.testing.assert_allclose(B.implicit_hypergradient(p, x, y_star), grad, rtol=1e-10,
                               atol=1e-12)
    # The base class methods work on a Python problem too (they dispatch to its methods).
    assert B.Problem.g(p, x, y_star) == pytest.approx(p.g(x, y_star, None), rel=1e-15)


def test_quadratic_problem_closed_forms_against_numpy():
    rng = np.random.default_rng(5)
    dx, dy = 3, 4
    def spd(n, lo, hi):
        q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        m = (q * np.linspace(lo, hi, n)) @ q.T
        return 0.5 * (m + m.T)
    A, B_, F, H = spd(dy, 1, 2), spd(dx, 0.5, 1), spd(dy, 0.5, 1), spd(dx, 1, 2)
    C, K = 0.3 * rng.standard_normal((dx, dy)), 0.1 * rng.standard_normal((dx, dy))
    a, b, f0, h = (rng.standard_normal(n) for n in (dy, dx, dy, dx))
    p = B.QuadraticProblem(A, B_, C, a, b, F, H, K, f0, h, g0=0.5, f_const=-1.0)
    P, q = -np.linalg.solve(A, C.T), -np.linalg.solve(A, a)
    hess = P.T @ F @ P + H + K @ P + P.T @ K.T
    x_star = -np.linalg.solve(hess, P.T @ F @ q + K @ q + P.T @ f0 + h)
    x = rng.standard_normal(dx)
    y_star = P @ x + q
    grad = H @ x + K @ y_star + h + P.T @ (F @ y_star + K.T @ x + f0)
    f_of = lambda x, y: 0.5 * y @ F @ y + 0.5 * x @ H @ x + x @ K @ y + f0 @ y + h @ x - 1.0
    # Closed forms through Cholesky / LU of 4 x 4 matrices of condition <= ~4: 1e-12 relative.
    np.testing.assert_allclose(p.lower_solution(x), y_star, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(p.hypergradient(x), grad, rtol=1e-12, atol=1e-13)
    assert p.value(x) == pytest.approx(f_of(x, y_star), rel=1e-12)
    np.testing.assert_allclose(p.hessian, hess, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(p.minimizer(), x_star, rtol=1e-11, atol=1e-12)
    assert p.optimal_value() == pytest.approx(f_of(x_star, P @ x_star + q), rel=1e-11)
    assert p.g(x, y_star) == pytest.approx(0.5 * y_star @ A @ y_star + 0.5 * x @ B_ @ x
                                           + x @ C @ y_star + a @ y_star + b @ x + 0.5,
                                           rel=1e-13)
    np.testing.assert_allclose(p.data["A"], A, rtol=0, atol=0)
    assert B.check_oracles(p, x, y_star).passed
    # A not SPD: sampo.NotSPDError, a ValueError naming A (a field of the C++ QuadraticData).
    with pytest.raises(sampo.NotSPDError, match="'data.A'"):
        B.QuadraticProblem(-A, B_, C, a, b, F, H, K, f0, h)


def test_ridge_hypergradient_formula_against_numpy():
    rng = np.random.default_rng(6)
    p_feat, n, m = 4, 30, 20
    xtr, xval = rng.standard_normal((n, p_feat)), rng.standard_normal((m, p_feat))
    ytr, yval = rng.standard_normal(n), rng.standard_normal(m)
    prob = B.RidgeHpoProblem(xtr, ytr, xval, yval)
    assert prob.inner_samples() == n and prob.outer_samples() == m
    lam = rng.uniform(-1, 1, p_feat)
    M = xtr.T @ xtr + np.diag(np.exp(lam))
    w = np.linalg.solve(M, xtr.T @ ytr)
    v = np.linalg.solve(M, xval.T @ (xval @ w - yval))
    grad = -np.exp(lam) * w * v
    # Gram matrix, Cholesky of a 4 x 4 SPD matrix of moderate condition: 1e-11 relative.
    np.testing.assert_allclose(prob.lower_solution(lam), w, rtol=1e-11)
    np.testing.assert_allclose(prob.hypergradient(lam), grad, rtol=1e-10, atol=1e-13)
    assert prob.value(lam) == pytest.approx(0.5 * np.sum((xval @ w - yval) ** 2), rel=1e-11)
    np.testing.assert_allclose(B.implicit_hypergradient(prob, lam, w), grad, rtol=1e-9,
                               atol=1e-12)
    # The oracles are finite sums: g = ½‖X w − y‖² + ½Σe^λ w²; a batch of every row once is
    # the full sum (scaled by n/|B| = 1).
    wr = rng.standard_normal(p_feat)
    g_np = 0.5 * np.sum((xtr @ wr - ytr) ** 2) + 0.5 * np.sum(np.exp(lam) * wr ** 2)
    assert prob.g(lam, wr) == pytest.approx(g_np, rel=1e-12)
    assert prob.g(lam, wr, np.arange(n)) == pytest.approx(g_np, rel=1e-12)
    np.testing.assert_allclose(prob.grad_y_g(lam, wr), xtr.T @ (xtr @ wr - ytr) + np.exp(lam) * wr,
                               rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="batch"):
        prob.g(lam, wr, [n])  # an index outside the samples
    assert B.make_ridge_hpo(features=5, seed=1).dim_x() == 5


def test_other_builtin_problems_closed_forms():
    # Cosh: x* = A c, Φ* = d, ∇Φ = A⁻¹ sinh(A⁻¹x − c).
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    A = (q * np.array([1.0, 2.0, 4.0])) @ q.T
    A = 0.5 * (A + A.T)
    c = rng.uniform(-1, 1, 3)
    p = B.CoshProblem(A, c)
    np.testing.assert_allclose(p.minimizer(), A @ c, rtol=1e-12, atol=1e-14)
    assert p.optimal_value() == 3.0
    x = rng.standard_normal(3)
    np.testing.assert_allclose(p.hypergradient(x),
                               np.linalg.solve(A, np.sinh(np.linalg.solve(A, x) - c)),
                               rtol=1e-11, atol=1e-13)
    assert B.make_cosh(4, seed=2).dim_x() == 4
    # Degenerate with ε > 0: x* = ½, Φ* = ¼; with ε = 0 no closed form and the curvature check
    # stops a solver with numerical_failure.
    d = B.DegenerateProblem(1.0)
    assert d.minimizer()[0] == 0.5 and d.optimal_value() == 0.25
    d0 = B.DegenerateProblem(0.0)
    assert d0.minimizer() is None and d0.lower_solution(np.array([1.0])) is None
    r = B.aid_cg(d0, np.array([1.0]), np.zeros(2), max_iterations=10)
    assert r.run.termination == "numerical_failure"
    assert not r.curvature.strongly_convex
    # Stochastic quadratic: its means are a QuadraticProblem; a batch of every sample once is
    # the full mean.
    s = B.make_stochastic_quadratic(dim_x=2, dim_y=3, inner_samples=40, outer_samples=30, seed=1)
    assert s.inner_samples() == 40 and s.outer_samples() == 30
    assert isinstance(s.means, B.QuadraticProblem)
    x, y = rng.standard_normal(2), rng.standard_normal(3)
    assert s.f(x, y, np.arange(30)) == pytest.approx(s.f(x, y), rel=1e-13)
    assert s.means.f(x, y) == pytest.approx(s.f(x, y), rel=1e-12)
    np.testing.assert_allclose(s.minimizer(), s.means.minimizer(), rtol=1e-12)
    # Hyperclean least squares: (problem, corrupted flags), 30% of 50 rows.
    hp, corrupted = B.make_hyperclean_ls(seed=3)
    assert isinstance(hp, B.HypercleanLsProblem) and corrupted.dtype == bool
    assert corrupted.sum() == 15 and hp.dim_x() == 50
    assert B.check_oracles(hp, np.zeros(50), np.zeros(5)).passed


def test_hyperclean_logistic_and_the_digits_task():
    rng = np.random.default_rng(8)
    xtr, xval = rng.standard_normal((40, 3)), rng.standard_normal((20, 3))
    ltr, lval = rng.integers(0, 3, 40), rng.integers(0, 3, 20)
    p = B.HypercleanLogisticProblem(xtr, ltr, xval, lval, 3, 0.1)
    assert p.dim_x() == 40 and p.dim_y() == 3 * 4 and p.classes == 3
    assert B.check_oracles(p, 0.5 * rng.standard_normal(40), 0.1 * rng.standard_normal(12)).passed
    # W = 0: every score ties, the smallest label wins.
    np.testing.assert_array_equal(p.predict(np.zeros(12), xval), np.zeros(20, dtype=np.int32))
    with pytest.raises(ValueError, match="labels_train"):
        B.HypercleanLogisticProblem(xtr, ltr + 5, xval, lval, 3, 0.1)

    features, labels = B.load_digits(DIGITS)
    assert features.shape == (1797, 64) and labels.shape == (1797,)
    # A subset keeps the test short: 400 samples, 10 classes (>= 4 per class).
    task = B.make_hyperclean(features[:400], labels[:400], 10, seed=1)
    assert task.x_train.shape[0] + task.x_val.shape[0] + task.x_test.shape[0] == 400
    assert task.corrupted.sum() == pytest.approx(0.5 * task.x_train.shape[0], abs=1)
    clean = B.reference_accuracy(task, True)
    assert 0.5 < clean <= 1.0
    r = B.soba(task.problem, np.zeros(task.problem.dim_x()), np.zeros(task.problem.dim_y()),
               max_iterations=20, trace_every=0)
    s = B.score_hyperclean(task, r.x, r.y)
    assert 0.0 <= s.test_accuracy <= 1.0 and s.flagged <= task.x_train.shape[0]
    with pytest.raises(OSError):
        B.load_digits(os.path.join(SOURCE, "no-such-file.csv"))


def test_make_benchmark():
    assert "quadratic" in B.benchmark_names()
    bm = B.make_benchmark("quadratic", dim=4, seed=2)
    assert bm.name == "quadratic" and bm.x0.shape == (4,) and bm.y0.shape == (4,)
    assert isinstance(bm.problem, B.QuadraticProblem) and bm.hyperclean is None
    r = B.aid_cg(bm.problem, bm.x0, bm.y0, max_iterations=5)
    assert r.run.iterations == 5
    with pytest.raises(ValueError, match="name"):
        B.make_benchmark("no-such-problem")


def test_same_seed_same_bits_other_seed_other_run():
    p = B.make_stochastic_quadratic(dim_x=3, dim_y=3, inner_samples=64, outer_samples=64, seed=2)
    x0, y0 = np.zeros(3), np.zeros(3)
    kw = dict(batch_size=8, max_iterations=50, trace_every=10)
    a = B.soba(p, x0, y0, seed=3, **kw)
    b = B.soba(p, x0, y0, seed=3, **kw)
    c = B.soba(p, x0, y0, seed=4, **kw)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    np.testing.assert_array_equal(a.trace["value"], b.trace["value"])
    assert not np.array_equal(a.x, c.x)
    # mini-batches: 8 samples per stochastic call
    assert a.oracle_counts.samples["grad_y_g"] == 8 * a.oracle_counts.calls["grad_y_g"]
    # the same through solve()
    d = B.solve(p, x0, y0, "soba", seed=3, **kw)
    np.testing.assert_array_equal(a.x, d.x)


def test_bad_input_raises_naming_the_argument():
    p = NumpyQuadratic()
    x0, y0 = np.zeros(3), np.zeros(5)
    with pytest.raises(ValueError, match="'x0'"):
        B.aid_cg(p, np.zeros(4), y0)
    with pytest.raises(ValueError, match="'y0'"):
        B.aid_cg(p, x0, np.full(5, np.nan))
    with pytest.raises(TypeError, match="'x0' has dtype int64"):
        B.aid_cg(p, np.zeros(3, dtype=np.int64), y0)
    with pytest.raises(ValueError, match="outer_step"):
        B.aid_cg(p, x0, y0, outer_step=-1.0)
    with pytest.raises(ValueError, match="'inner_steps' = -1"):
        B.aid_cg(p, x0, y0, inner_steps=-1)
    with pytest.raises(TypeError, match="warm_start"):
        B.aid_cg(p, x0, y0, warm_start="yes")
    with pytest.raises(TypeError, match="unexpected keyword argument 'momentum'"):
        B.aid_cg(p, x0, y0, momentum=0.5)
    with pytest.raises(ValueError, match="'setting'"):
        B.solve(p, x0, y0, "aid-cg", settings={"momentum": 0.5})
    with pytest.raises(ValueError, match="'solver'"):
        B.solve(p, x0, y0, "newton")
    with pytest.raises(TypeError, match="'problem'"):
        B.aid_cg("not a problem", x0, y0)
    with pytest.raises(ValueError, match="'c'"):
        B.CoshProblem(np.eye(2), np.zeros(3))
    with pytest.raises(ValueError, match="'step'"):
        B.check_oracles(p, x0, y0, step=0.0)


def test_bad_oracle_answers_are_reported():
    class WrongSize(NumpyQuadratic):
        def grad_y_g(self, x, y, batch):
            return np.zeros(4)

    with pytest.raises(ValueError, match=r"WrongSize.grad_y_g returned an array of shape \(4,\); "
                                         r"expected \(5,\) \(dim_y\)"):
        B.aid_cg(WrongSize(), np.zeros(3), np.zeros(5))

    class WrongType(NumpyQuadratic):
        def hvp_yy_g(self, x, y, v, batch):
            return (self.A @ v).astype(np.float32)

    with pytest.raises(TypeError, match="WrongType.hvp_yy_g returned an array of dtype float32"):
        B.aid_cg(WrongType(), np.zeros(3), np.zeros(5))

    class NotFinite(NumpyQuadratic):
        def jvp_xy_g(self, x, y, v, batch):
            return np.full(3, np.nan)

    # A non-finite value ends the run (numerical_failure, naming the oracle), not an exception.
    r = B.aid_cg(NotFinite(), np.zeros(3), np.zeros(5), max_iterations=10)
    assert r.run.termination == "numerical_failure" and "jvp_xy_g" in r.run.message

    class Incomplete(B.Problem):
        def dim_x(self):
            return 1

        def dim_y(self):
            return 1

    with pytest.raises(TypeError, match="Incomplete.grad_y_g is not defined"):
        B.aid_cg(Incomplete(), np.zeros(1), np.zeros(1), check_curvature=False)

    # F2SA needs grad_x_g: a problem without it is refused, naming it.
    with pytest.raises(ValueError, match="grad_x_g"):
        B.f2sa(NumpyQuadraticNoGradXG(), np.zeros(3), np.zeros(5))


def test_an_exception_in_a_python_oracle_propagates():
    class Boom(NumpyQuadratic):
        def hvp_yy_g(self, x, y, v, batch):
            self.hvps = getattr(self, "hvps", 0) + 1
            if self.hvps == 30:
                raise RuntimeError("boom in hvp_yy_g")
            return self.A @ v

    p = Boom()
    with pytest.raises(RuntimeError, match="boom in hvp_yy_g"):
        B.aid_cg(p, np.zeros(3), np.zeros(5), max_iterations=100)
    assert p.hvps == 30
    # the interpreter is fine afterwards: the same problem class runs again
    assert B.aid_cg(NumpyQuadratic(), np.zeros(3), np.zeros(5), max_iterations=3).run.iterations == 3


def test_callback_sees_iterations_and_may_stop_the_run():
    p = NumpyQuadratic()
    seen = []

    def callback(info):
        seen.append((info.iteration, info.x.copy(), info.counts.total_calls))
        return info.iteration < 5

    r = B.aid_cg(p, np.zeros(3), np.zeros(5), callback=callback, max_iterations=100)
    assert r.run.termination == "user_stopped" and r.run.iterations == 5
    assert [s[0] for s in seen] == [1, 2, 3, 4, 5]
    np.testing.assert_array_equal(seen[-1][1], r.x)
    # an exception in the callback propagates
    def raising(info):
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        B.soba(p, np.zeros(3), np.zeros(5), callback=raising)
    # None goes on
    r = B.soba(p, np.zeros(3), np.zeros(5), callback=lambda info: None, max_iterations=7)
    assert r.run.iterations == 7


def _long_run_args():
    p = B.make_quadratic(dim_x=30, dim_y=30, seed=1)
    return p, np.zeros(30), np.zeros(30), dict(max_iterations=10**9, trace_every=0)


def test_ctrl_c_stops_a_solver_and_raises_keyboard_interrupt():
    p, x0, y0, kw = _long_run_args()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        B.aid_cg(p, x0, y0, **kw)
    timer.join()
    assert time.perf_counter() - start < 10.0  # stopped at the next iteration
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_user_sigint_handler_gets_a_user_stopped_result():
    p, x0, y0, kw = _long_run_args()
    seen = []
    previous = signal.signal(signal.SIGINT, lambda s, f: seen.append(s))
    try:
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        r = B.solve(p, x0, y0, "soba", **kw)
        timer.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert seen == [signal.SIGINT]
    assert r.run.termination == "user_stopped" and r.run.iterations < 10**9


def test_ctrl_c_stops_a_solver_on_a_python_problem():
    # The solver gives the GIL back between the Python oracle calls, so the timer thread runs
    # and its SIGINT reaches the run's cancellation flag.
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        B.soba(NumpyQuadratic(), np.zeros(3), np.zeros(5), max_iterations=10**9, trace_every=0)
    timer.join()
    assert time.perf_counter() - start < 10.0


def test_a_python_finite_sum_problem_receives_its_batches():
    class Sums(NumpyQuadratic):
        """The same problem declared as sums over 10 inner and 6 outer samples; its oracles
        record the batches and return the full values (trivially unbiased)."""

        def __init__(self):
            super().__init__()
            self.inner_batches, self.outer_batches = [], []

        def inner_samples(self):
            return 10

        def outer_samples(self):
            return 6

        def grad_y_g(self, x, y, batch):
            self.inner_batches.append(batch)
            return super().grad_y_g(x, y, batch)

        def grad_y_f(self, x, y, batch):
            self.outer_batches.append(batch)
            return super().grad_y_f(x, y, batch)

    p = Sums()
    r = B.soba(p, np.zeros(3), np.zeros(5), batch_size=4, seed=2, max_iterations=20,
               check_curvature=False, trace_every=0)
    assert r.run.iterations == 20
    assert len(p.inner_batches) == 20 and len(p.outer_batches) == 20
    for b in p.inner_batches:
        assert b.dtype == np.int64 and b.shape == (4,) and b.min() >= 0 and b.max() < 10
    for b in p.outer_batches:
        assert b.shape == (4,) and b.max() < 6
    # samples are counted by batch size
    assert r.oracle_counts.samples["grad_y_g"] == 4 * 20
    # full sums: batch is None
    p = Sums()
    B.soba(p, np.zeros(3), np.zeros(5), max_iterations=3, check_curvature=False)
    assert all(b is None for b in p.inner_batches)


def test_gradient_tolerance_uses_the_python_hypergradient():
    class WithGradient(NumpyQuadratic):
        def hypergradient(self, x):
            y = self.P() @ x + self.q()
            return self.P().T @ (y - self.t) + self.rho * x

    p = WithGradient()
    r = B.aid_cg(p, np.zeros(3), np.zeros(5), outer_step=0.5, inner_step=0.3, cg_iterations=5,
                 gradient_tolerance=1e-6, max_iterations=10000)
    assert r.run.termination == "converged" and r.run.iterations < 10000
    assert r.trace["gradient_norm"][-1] <= 1e-6
    assert np.linalg.norm(p.hypergradient(r.x)) <= 1e-6


def test_a_problem_from_callables():
    # g = ½‖y‖² − xᵀy (y* = x), f = ½‖y − 1‖² + ½‖x‖²: Φ = ½‖x − 1‖² + ½‖x‖², x* = ½.
    p = B.from_callables(
        2, 2,
        f=lambda x, y: 0.5 * np.sum((y - 1) ** 2) + 0.5 * x @ x,
        g=lambda x, y: 0.5 * y @ y - x @ y,
        grad_x_f=lambda x, y: x, grad_y_f=lambda x, y: y - 1, grad_y_g=lambda x, y: y - x,
        hvp_yy_g=lambda x, y, v: v, jvp_xy_g=lambda x, y, v: -v,
        lower_solution=lambda x: x.copy(), minimizer=lambda: np.full(2, 0.5), name="toy")
    assert p.name() == "toy" and p.dim_x() == 2
    check = B.check_oracles(p, np.array([0.3, -0.2]), np.array([1.0, 2.0]))
    assert check.passed and "grad_x_g" not in {row.oracle for row in check.rows}
    r = B.aid_cg(p, np.zeros(2), np.zeros(2), outer_step=0.5, inner_step=0.5,
                 max_iterations=200)
    # Φ'' = 2: the outer step 0.5 is exact once y has converged; 200 iterations reach x* to
    # rounding.
    np.testing.assert_allclose(r.x, [0.5, 0.5], rtol=0, atol=1e-12)
    assert r.trace["inner_distance"][-1] < 1e-12
    with pytest.raises(ValueError, match="grad_x_g"):
        B.f2sa(p, np.zeros(2), np.zeros(2))
    with pytest.raises(TypeError, match="'hvp_yy_g' is required"):
        B.from_callables(1, 1, f=abs, g=abs, grad_x_f=abs, grad_y_f=abs, grad_y_g=abs,
                         hvp_yy_g=None, jvp_xy_g=abs)

#!/usr/bin/env python3
"""The bilevel solvers' update rules written in NumPy, against sampo::bilevel (docs/benchmarks.md).

The same computation on the same data: `bench_bilevel --export=DIR` writes the quadratic
problems' matrices (make_benchmark("quadratic"), d = 100 and 1000), the digits hyper-cleaning
task's standardized data and the iterates of short deterministic (full-batch) runs of every
solver; this script implements the problems' oracles and the solvers' updates in NumPy,
following src/bilevel/solvers.cpp step by step (the same number and kind of oracle calls per
iteration, the same default options), then

  1. checks that NumPy and sampo agree: the iterates (x, y) after 10 full-batch iterations
     (relative 2-norm difference; TTSA is left out: its Neumann depth is drawn from sampo's
     counter-based stream), and the digits oracles at a fixed point;
  2. runs bench_bilevel (Google Benchmark, JSON) for sampo's times, then times the NumPy
     solvers and oracles in the same script run, and prints the table with the ratios
     NumPy / sampo. Both sides are CPU times on one thread (sampo: Google Benchmark's CPU
     time; NumPy: best of --repeat runs by time.process_time), since the machines these
     figures come from are shared and wall times there count other jobs.

Mini-batches (digits, batch 64) are drawn with NumPy's generator: the same count and size of
batches per iteration as sampo, not the same indices (timing only).

Needs NumPy only (Debian's python3-numpy); threadpoolctl, when importable, limits the BLAS to
one thread (sampo's solver rows run on one thread) and names the BLAS.

    python3 bench/bilevel_numpy.py --bench build-bench/bin/bench_bilevel [--repeat 5]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ITERATIONS = 20        # outer iterations per timed solve (bench_bilevel's kIterations)
CHECK_ITERATIONS = 10  # iterations of the exported runs (bench_bilevel's kCheckIterations)
SOLVERS = ["borep", "aid-cg", "itd", "stocbio", "ttsa", "soba", "ma-soba", "f2sa"]


# ---------------------------------------------------------------------------------------------
# Problems


class Quadratic:
    """g = ½yᵀAy + ½xᵀBx + xᵀCy + aᵀy + bᵀx, f = ½yᵀFy + ½xᵀHx + xᵀKy + f0ᵀy + hᵀx."""

    def __init__(self, d, prefix):
        load = lambda n: np.load(f"{prefix}quad{d}_{n}.npy")
        self.A, self.B, self.C = load("A"), load("B"), load("C")
        self.F, self.H, self.K = load("F"), load("H"), load("K")
        self.a, self.b, self.f0, self.h = load("a"), load("b"), load("f0"), load("h")
        self.dim_x, self.dim_y = self.C.shape
        self.inner_samples = self.outer_samples = 0

    def grad_x_f(self, x, y, batch):
        return self.H @ x + self.K @ y + self.h

    def grad_y_f(self, x, y, batch):
        return self.F @ y + self.K.T @ x + self.f0

    def grad_x_g(self, x, y, batch):
        return self.B @ x + self.C @ y + self.b

    def grad_y_g(self, x, y, batch):
        return self.A @ y + self.C.T @ x + self.a

    def hvp_yy_g(self, x, y, v, batch):
        return self.A @ v

    def jvp_xy_g(self, x, y, v, batch):
        return self.C @ v


def sigmoid(t):
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(t):
    s = sigmoid(t)
    return s * (1.0 - s)


class Logistic:
    """HypercleanLogisticProblem: W = y as K x (p+1) column-major (last column: intercepts);
    g = (1/n)Σ σ(λ_i) CE_i + (c/2)‖W‖², f = (1/m)Σ CE_j; a batch of b samples weighs 1/b."""

    def __init__(self, prefix, classes=10):
        self.xtr = np.load(prefix + "digits_xtr.npy")
        self.xval = np.load(prefix + "digits_xval.npy")
        self.ltr = np.load(prefix + "digits_ltr.npy").astype(np.intp)
        self.lval = np.load(prefix + "digits_lval.npy").astype(np.intp)
        self.c = float(np.load(prefix + "digits_c.npy")[0])
        self.k = classes
        self.p = self.xtr.shape[1]
        self.dim_x = self.inner_samples = self.xtr.shape[0]
        self.outer_samples = self.xval.shape[0]
        self.dim_y = classes * (self.p + 1)

    def _mat(self, y):
        return y.reshape((self.k, self.p + 1), order="F")

    def _rows(self, train, batch):
        feat, lab = (self.xtr, self.ltr) if train else (self.xval, self.lval)
        if batch is None:
            return feat, lab
        return feat[batch], lab[batch]

    def _probabilities(self, X, W):
        Z = X @ W[:, : self.p].T + W[:, self.p]
        Z -= Z.max(axis=1, keepdims=True)
        E = np.exp(Z)
        total = E.sum(axis=1, keepdims=True)
        return E / total, Z, total

    def _accumulate(self, X, M):
        """Σ_i m_i ũ_iᵀ as the flat (column-major) K x (p+1) vector."""
        G = np.empty((self.k, self.p + 1), order="F")
        G[:, : self.p] = M.T @ X
        G[:, self.p] = M.sum(axis=0)
        return G.ravel(order="F")

    def _omega(self, x, batch, n):
        if batch is None:
            return sigmoid(x) / n
        return sigmoid(x[batch]) / len(batch)

    def grad_x_f(self, x, y, batch):
        return np.zeros(self.dim_x)

    def grad_y_f(self, x, y, batch):
        X, lab = self._rows(False, batch)
        P, _, _ = self._probabilities(X, self._mat(y))
        P[np.arange(len(lab)), lab] -= 1.0
        return self._accumulate(X, P / len(lab))

    def grad_y_g(self, x, y, batch):
        X, lab = self._rows(True, batch)
        P, _, _ = self._probabilities(X, self._mat(y))
        P[np.arange(len(lab)), lab] -= 1.0
        P *= self._omega(x, batch, len(lab))[:, None]
        return self.c * y + self._accumulate(X, P)

    def hvp_yy_g(self, x, y, v, batch):
        X, lab = self._rows(True, batch)
        P, _, _ = self._probabilities(X, self._mat(y))
        V = self._mat(v)
        T = X @ V[:, : self.p].T + V[:, self.p]
        pt = (P * T).sum(axis=1, keepdims=True)
        M = P * (T - pt) * self._omega(x, batch, len(lab))[:, None]
        return self.c * v + self._accumulate(X, M)

    def _per_sample(self, x, batch, values):
        scale = 1.0 / len(values)
        if batch is None:
            return scale * sigmoid_prime(x) * values
        out = np.zeros(self.dim_x)
        np.add.at(out, batch, scale * sigmoid_prime(x[batch]) * values)
        return out

    def jvp_xy_g(self, x, y, v, batch):
        X, lab = self._rows(True, batch)
        P, _, _ = self._probabilities(X, self._mat(y))
        V = self._mat(v)
        T = X @ V[:, : self.p].T + V[:, self.p]
        P[np.arange(len(lab)), lab] -= 1.0
        return self._per_sample(x, batch, (P * T).sum(axis=1))

    def grad_x_g(self, x, y, batch):
        X, lab = self._rows(True, batch)
        _, Z, total = self._probabilities(X, self._mat(y))
        ce = np.log(total[:, 0]) - Z[np.arange(len(lab)), lab]
        return self._per_sample(x, batch, ce)


# ---------------------------------------------------------------------------------------------
# Solvers: src/bilevel/solvers.cpp line by line, default options of include/sampo/bilevel/solvers.hpp


class Batches:
    def __init__(self, problem, batch, seed=1):
        self.problem, self.batch = problem, batch
        self.rng = np.random.default_rng(seed)

    def inner(self):
        n = self.problem.inner_samples
        return None if self.batch <= 0 or n <= 0 else self.rng.integers(0, n, self.batch)

    def outer(self):
        n = self.problem.outer_samples
        return None if self.batch <= 0 or n <= 0 else self.rng.integers(0, n, self.batch)


def lower_steps(pb, bt, x, y, steps, step):
    for _ in range(steps):
        y -= step * pb.grad_y_g(x, y, bt.inner())


def borep(pb, bt, x, y, iters, outer_step=0.02, inner_step=0.01, aux_step=0.01, momentum=0.9,
          period=2, lower=3, refine_epochs=0, refine_steps=10, aux_radius=0.0):
    z, m = np.zeros(pb.dim_y), np.zeros(pb.dim_x)
    start = y.copy()
    for k in range(refine_epochs):
        steps, step = refine_steps << k, inner_step / (1 << k)
        yk, total = start.copy(), np.zeros(pb.dim_y)
        for _ in range(steps):
            yk -= step * pb.grad_y_g(x, yk, bt.inner())
            total += yk
        start = total / steps
    y[:] = start
    for t in range(iters):
        if t > 0 and t % period == 0:
            lower_steps(pb, bt, x, y, lower, inner_step)
        bo, bi = bt.outer(), bt.inner()
        hz = pb.hvp_yy_g(x, y, z, bi)
        gyf = pb.grad_y_f(x, y, bo)
        ghat = pb.grad_x_f(x, y, bo) - pb.jvp_xy_g(x, y, z, bi)
        z -= aux_step * (hz - gyf)
        if aux_radius > 0.0:
            nz = np.linalg.norm(z)
            if nz > aux_radius:
                z *= aux_radius / nz
        m = momentum * m + (1.0 - momentum) * ghat
        nm = np.linalg.norm(m)
        if nm > 0.0:
            x -= (outer_step / nm) * m
    return x, y


def conjugate_gradient(pb, x, y, batch, b, v, iterations, tolerance):
    r = b - pb.hvp_yy_g(x, y, v, batch)
    stop = tolerance * np.linalg.norm(b)
    p = r.copy()
    rr = r @ r
    for _ in range(iterations):
        if not math.sqrt(rr) > stop:
            break
        hp = pb.hvp_yy_g(x, y, p, batch)
        php = p @ hp
        if not php > 0.0:
            break
        a = rr / php
        v += a * p
        r -= a * hp
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new


def aid_cg(pb, bt, x, y, iters, outer_step=0.01, inner_step=0.1, inner_steps=10, cg_iterations=10,
           cg_tolerance=1e-10, warm_start=True):
    v = np.zeros(pb.dim_y)
    for _ in range(iters):
        lower_steps(pb, bt, x, y, inner_steps, inner_step)
        bo, bh, bj = bt.outer(), bt.inner(), bt.inner()
        b = pb.grad_y_f(x, y, bo)
        if not warm_start:
            v[:] = 0.0
        conjugate_gradient(pb, x, y, bh, b, v, cg_iterations, cg_tolerance)
        x -= outer_step * (pb.grad_x_f(x, y, bo) - pb.jvp_xy_g(x, y, v, bj))
    return x, y


def itd(pb, bt, x, y, iters, outer_step=0.01, inner_step=0.1, inner_steps=20, warm_start=False):
    start = y.copy()
    for _ in range(iters):
        yk = start.copy()
        ys, batches = [], []
        for _ in range(inner_steps):
            ys.append(yk.copy())
            batches.append(bt.inner())
            yk -= inner_step * pb.grad_y_g(x, yk, batches[-1])
        bo = bt.outer()
        a = pb.grad_y_f(x, yk, bo)
        gx = pb.grad_x_f(x, yk, bo)
        for k in reversed(range(inner_steps)):
            gx -= inner_step * pb.jvp_xy_g(x, ys[k], a, batches[k])
            a -= inner_step * pb.hvp_yy_g(x, ys[k], a, batches[k])
        x -= outer_step * gx
        y = yk
        if warm_start:
            start = yk
    return x, y


def stocbio(pb, bt, x, y, iters, outer_step=0.01, inner_step=0.1, inner_steps=10, neumann_terms=10,
            neumann_step=0.1):
    for _ in range(iters):
        lower_steps(pb, bt, x, y, inner_steps, inner_step)
        bo = bt.outer()
        b = pb.grad_y_f(x, y, bo)
        term, v = b.copy(), b.copy()
        for _ in range(neumann_terms):
            term -= neumann_step * pb.hvp_yy_g(x, y, term, bt.inner())
            v += term
        v *= neumann_step
        bj = bt.inner()
        x -= outer_step * (pb.grad_x_f(x, y, bo) - pb.jvp_xy_g(x, y, v, bj))
    return x, y


def ttsa(pb, bt, x, y, iters, outer_step=0.01, inner_step=0.1, inner_decay=0.4, outer_decay=0.6,
         neumann_terms=10, neumann_step=0.1):
    for t in range(iters):
        tt = float(t + 1)
        beta, alpha = inner_step * tt ** -inner_decay, outer_step * tt ** -outer_decay
        lower_steps(pb, bt, x, y, 1, beta)
        depth = int(bt.rng.integers(0, neumann_terms))  # sampo: its own counter-based stream
        bo = bt.outer()
        v = pb.grad_y_f(x, y, bo)
        for _ in range(depth):
            v -= neumann_step * pb.hvp_yy_g(x, y, v, bt.inner())
        v *= neumann_terms * neumann_step
        bj = bt.inner()
        x -= alpha * (pb.grad_x_f(x, y, bo) - pb.jvp_xy_g(x, y, v, bj))
    return x, y


def soba_directions(pb, bt, x, y, z, rho):
    bl, bo, bs = bt.inner(), bt.outer(), bt.inner()
    gy = pb.grad_y_g(x, y, bl)
    hz = pb.hvp_yy_g(x, y, z, bs)
    gyf = pb.grad_y_f(x, y, bo)
    ghat = pb.grad_x_f(x, y, bo) - pb.jvp_xy_g(x, y, z, bs)
    y -= rho * gy
    z -= rho * (hz - gyf)
    return ghat


def soba(pb, bt, x, y, iters, outer_step=0.01, inner_step=0.1, inner_decay=0.5, outer_decay=0.5):
    z = np.zeros(pb.dim_y)
    for t in range(iters):
        tt = float(t + 1)
        ghat = soba_directions(pb, bt, x, y, z, inner_step * tt ** -inner_decay)
        x -= (outer_step * tt ** -outer_decay) * ghat
    return x, y


def ma_soba(pb, bt, x, y, iters, outer_step=0.01, inner_step=0.1, momentum=0.9):
    z, h = np.zeros(pb.dim_y), np.zeros(pb.dim_x)
    for _ in range(iters):
        ghat = soba_directions(pb, bt, x, y, z, inner_step)
        h = momentum * h + (1.0 - momentum) * ghat
        x -= outer_step * h
    return x, y


def f2sa(pb, bt, x, y, iters, outer_step=0.01, inner_step=0.1, inner_steps=10, lambda_start=1.0,
         lambda_growth=0.1, lambda_max=1e3):
    zhat = y.copy()
    for t in range(iters):
        lam = min(lambda_start + lambda_growth * t, lambda_max)
        for _ in range(inner_steps):
            bz, bo, bp = bt.inner(), bt.outer(), bt.inner()
            zhat -= inner_step * pb.grad_y_g(x, zhat, bz)
            gyf = pb.grad_y_f(x, y, bo)
            gyg = pb.grad_y_g(x, y, bp)
            y -= inner_step * (gyf / lam + gyg)
        bo, bp = bt.outer(), bt.inner()
        gxf = pb.grad_x_f(x, y, bo)
        gxg1 = pb.grad_x_g(x, y, bp)
        gxg2 = pb.grad_x_g(x, zhat, bp)
        x -= outer_step * (gxf + lam * (gxg1 - gxg2))
    return x, y


SOLVER_FUNCTIONS = {"borep": borep, "aid-cg": aid_cg, "itd": itd, "stocbio": stocbio, "ttsa": ttsa,
                    "soba": soba, "ma-soba": ma_soba, "f2sa": f2sa}


def run_solver(name, pb, iters, batch=0):
    x, y = np.zeros(pb.dim_x), np.zeros(pb.dim_y)
    return SOLVER_FUNCTIONS[name](pb, Batches(pb, batch), x, y, iters)


# ---------------------------------------------------------------------------------------------
# Agreement, timing, table


def rel(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def check_agreement(problems, prefix):
    worst = 0.0
    for label, pb, tag in problems:
        for s in SOLVERS:
            if s == "ttsa":
                continue
            x, y = run_solver(s, pb, CHECK_ITERATIONS)
            ex = rel(x, np.load(f"{prefix}{tag}_run_{s}_x.npy"))
            ey = rel(y, np.load(f"{prefix}{tag}_run_{s}_y.npy"))
            worst = max(worst, ex, ey)
            print(f"  agree {label:16s} {s:8s} x {ex:.1e}  y {ey:.1e}")
    return worst


def check_digits_oracles(pb, prefix):
    ld = lambda n: np.load(f"{prefix}digits_pt_{n}.npy")
    x, y, v = ld("x"), ld("y"), ld("v")
    out = {
        "grad_y_g": rel(pb.grad_y_g(x, y, None), ld("grad_y_g")),
        "hvp_yy_g": rel(pb.hvp_yy_g(x, y, v, None), ld("hvp_yy_g")),
        "grad_y_f": rel(pb.grad_y_f(x, y, None), ld("grad_y_f")),
        "jvp_xy_g": rel(pb.jvp_xy_g(x, y, v, None), ld("jvp_xy_g")),
        "grad_x_g": rel(pb.grad_x_g(x, y, None), ld("grad_x_g")),
    }
    for k, e in out.items():
        print(f"  agree digits oracle {k:9s} {e:.1e}")
    return max(out.values())


def best_seconds(fn, repeat):
    """Best CPU time of the process over @p repeat calls (sampo's rows are CPU times too: on a
    shared machine, wall times count the other jobs' time slices)."""
    best = math.inf
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def sampo_times(bench, digits, min_time, repetitions):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    cmd = [bench, f"--benchmark_min_time={min_time}", f"--benchmark_repetitions={repetitions}",
           "--benchmark_filter=^solve/|BM_digits_oracle/.*threads:1|BM_ridge",
           f"--benchmark_out={out}", "--benchmark_out_format=json"]
    if digits:
        cmd.append(f"--digits={digits}")
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    with open(out) as f:
        data = json.load(f)
    os.unlink(out)
    best = {}
    for b in data["benchmarks"]:
        if b.get("run_type") != "iteration" or b.get("error_occurred"):
            continue
        name = b["run_name"]
        if name.startswith("solve/"):
            value = b["s_per_iter"]  # from CPU time (Google Benchmark's rates use it by default)
        else:  # CPU seconds per call (one thread)
            value = b["cpu_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        best[name] = min(best.get(name, math.inf), value)
    return best, data["context"]


def fmt(seconds):
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", required=True, help="build-bench/bin/bench_bilevel")
    ap.add_argument("--digits", help="digits CSV (default: bench_bilevel's, data/digits/digits.csv)")
    ap.add_argument("--repeat", type=int, default=5, help="NumPy: best of this many timed runs")
    ap.add_argument("--min-time", type=float, default=0.2, help="Google Benchmark min time per repetition")
    ap.add_argument("--repetitions", type=int, default=3, help="Google Benchmark repetitions (best kept)")
    ap.add_argument("--skip-timing", action="store_true", help="agreement checks only")
    args = ap.parse_args()

    try:
        from threadpoolctl import threadpool_info, threadpool_limits
        threadpool_limits(1)
        blas = ", ".join(f"{i.get('internal_api')} {i.get('version')} ({os.path.basename(i.get('filepath', ''))})"
                         for i in threadpool_info()) or "not reported"
    except ImportError:
        blas = "threadpoolctl missing: BLAS not reported"
    print(f"NumPy {np.__version__}; BLAS: {blas}")

    with tempfile.TemporaryDirectory() as tmp:
        prefix = tmp + "/"
        cmd = [args.bench, f"--export={tmp}"] + ([f"--digits={args.digits}"] if args.digits else [])
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, OMP_NUM_THREADS="1"))
        problems = [(f"quadratic d={d}", Quadratic(d, prefix), f"quad{d}") for d in (100, 1000)]
        digits = Logistic(prefix) if os.path.exists(prefix + "digits_xtr.npy") else None
        if digits is None:
            print("digits data absent: digits rows skipped")
        else:
            problems.append(("digits", digits, "digits"))

        print(f"Agreement after {CHECK_ITERATIONS} full-batch iterations (relative 2-norm of the difference):")
        worst = check_agreement(problems, prefix)
        if digits is not None:
            worst = max(worst, check_digits_oracles(digits, prefix))
        print(f"  worst: {worst:.1e}")
        if not worst <= 1e-10:  # rounding of a few hundred dot products stays far below this
            print("NumPy and sampo disagree: not the same computation, no timing")
            return 1
        if args.skip_timing:
            return 0

        sampo, context = sampo_times(args.bench, args.digits, args.min_time, args.repetitions)
        print(f"\nsampo: {context.get('num_cpus')} CPUs, load average {context.get('load_avg')}")
        rows = []
        cases = [(label, pb, f"solve/quadratic/d={label.split('=')[1]}", 0) for label, pb, _ in problems[:2]]
        if digits is not None:
            cases += [("digits, full batch", digits, "solve/digits/batch=0", 0),
                      ("digits, batch 64", digits, "solve/digits/batch=64", 64)]
        print(f"\n| problem | solver | sampo per iteration | NumPy per iteration | NumPy / sampo |")
        print("|---|---|---|---|---|")
        for label, pb, key, batch in cases:
            for s in SOLVERS:
                t_np = best_seconds(lambda: run_solver(s, pb, ITERATIONS, batch), args.repeat) / ITERATIONS
                t_sp = sampo.get(f"{key}/{s}", math.nan)
                rows.append((label, s, t_sp, t_np))
                print(f"| {label} | {s} | {fmt(t_sp)} | {fmt(t_np)} | {t_np / t_sp:.1f} |", flush=True)

        if digits is not None:
            print(f"\n| digits oracle, 1 thread | batch | sampo per call | NumPy per call | NumPy / sampo |")
            print("|---|---|---|---|---|")
            x = np.load(prefix + "digits_pt_x.npy")
            y = np.load(prefix + "digits_pt_y.npy")
            v = np.load(prefix + "digits_pt_v.npy")
            rng = np.random.default_rng(6)
            for hvp, oracle in ((0, "grad_y_g"), (1, "hvp_yy_g")):
                for batch in (64, 512, 0):
                    idx = None if batch == 0 else rng.integers(0, digits.inner_samples, batch)
                    if hvp:
                        call = lambda: digits.hvp_yy_g(x, y, v, idx)
                    else:
                        call = lambda: digits.grad_y_g(x, y, idx)
                    reps = 200
                    t_np = best_seconds(lambda: [call() for _ in range(reps)], args.repeat) / reps
                    t_sp = sampo.get(f"BM_digits_oracle/hvp:{hvp}/batch:{batch}/threads:1/real_time", math.nan)
                    print(f"| {oracle} | {batch or 'all'} | {fmt(t_sp)} | {fmt(t_np)} | {t_np / t_sp:.1f} |")
        t_ridge = sampo.get("BM_ridge_hypergradient/1000")
        if t_ridge is not None:
            print(f"\nsampo RidgeHpoProblem::hypergradient, 1000 features, 2000 + 2000 samples: {fmt(t_ridge)}")
        print(f"load average after the NumPy timings: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

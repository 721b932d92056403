#!/usr/bin/env python3
"""Side by side: sampo riemann (through its command-line program) against pyRiemann v0.7.

Part 1 (agreement) writes fixed-seed SPD matrices to .npy files, computes the same quantities
with pyRiemann and with `sampo riemann ...` on those files, and prints the largest relative
differences:
  - Riemannian, log-Euclidean and Euclidean means (and the iteration count of mean_riemann);
  - distances of every matrix to a reference (riemann, logeuclid, euclid);
  - tangent vectors at a given reference and at the Riemannian mean;
  - MDM and FgMDM predictions (train / test sets, two classes);
  - covariance estimators cov / scm / lwf / oas on fixed random trials, when the program has a
    `riemann covariance` action (reported as skipped otherwise).
Three data families: "well" (sample covariances of mixed white noise, cond ~ 10-100), "ill"
(X = G E Gᵀ, one G for all, cond(G Gᵀ) = 1e6, E well conditioned) and "2G" (one
independent G per class: pencils across classes of spread ~1e11, where agreement must fail).

Part 2 (timing) times mean_riemann of 500 matrices of 22 x 22 and 64 x 64 and MDM fit +
predict (200 matrices 22 x 22, two classes, predict the same 200) in both:
  - pyRiemann: time.perf_counter around the call, best of --repeat runs (at least; with
    --min-seconds S, in-process cases on both sides repeat until their runs add up to S);
  - sampo in process, on the same arrays: its Python package (build/python on PYTHONPATH),
    time.perf_counter around sampo.riemann.mean (default secant step rule, and pyRiemann's
    rule) and around sampo.riemann.MDM().fit(x, y).predict(x), best of --repeat runs;
  - sampo mean: the `seconds` of the run reported in `--json` (measured inside the program
    around mean_riemann, file reading excluded), best of --repeat runs;
  - sampo MDM: wall time of `sampo riemann classify --pipeline mdm` minus wall time of a no-op
    run that reads the same test file (`sampo riemann mean --metric euclid`), best of --repeat;
  - with --bench PATH (build/bin/bench_riemann, Google Benchmark, built with
    -DSAMPO_BUILD_BENCHMARKS=ON), also its in-process times for the same sizes (its data are
    generated in C++ from the same recipe, not the same numbers).
Threads: --threads N sets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS (before NumPy is imported)
for both, and sampo's --threads; the BLAS/OpenMP pools NumPy really uses are printed with
threadpoolctl when it is installed.

Usage:
  PYTHONPATH=/path/to/pyRiemann-0.7 python3 bench/riemann_vs_pyriemann.py \
      --sampo build/bin/sampo [--threads 1] [--bench build-bench/bin/bench_riemann] \
      [--part agreement|timing|all] [--repeat 5] [--min-seconds 0] [--work DIR]
Needs NumPy, SciPy, scikit-learn and pyRiemann 0.7; Debian's NumPy should run on OpenBLAS
(`apt-get install libopenblas0-pthread`), not on the reference BLAS. The tests never need this.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sampo", default="build/bin/sampo", help="the sampo program")
    p.add_argument("--bench", default="", help="bench_riemann program (optional)")
    p.add_argument("--threads", type=int, default=1, help="threads for both (BLAS and OpenMP)")
    p.add_argument("--part", choices=["agreement", "timing", "all"], default="all")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per case (at least)")
    p.add_argument("--min-seconds", type=float, default=0.0,
                   help="in-process timings: repeat each case until its runs add up to this")
    p.add_argument("--work", default="", help="folder for the .npy files (default: temporary)")
    return p.parse_args()


ARGS = parse_args()
# Must precede the NumPy import: OpenBLAS sizes its pool when it is loaded.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402
import pyriemann  # noqa: E402
import pyriemann.utils.mean as pr_mean  # noqa: E402
from pyriemann.classification import MDM, FgMDM  # noqa: E402
from pyriemann.utils.covariance import covariances  # noqa: E402
from pyriemann.utils.distance import distance  # noqa: E402
from pyriemann.utils.mean import mean_covariance, mean_riemann  # noqa: E402
from pyriemann.utils.tangentspace import tangent_space  # noqa: E402

EPS = np.finfo(float).eps


# ----------------------------------------------------------------------------------------------
# data (fixed seeds)
def mixed_covs(rng, count, n, boost=0.0):
    """Sample covariances (numpy.cov) of n-channel white noise mixed by I + 0.2 N, 4n samples."""
    mix = np.eye(n) + 0.2 * rng.standard_normal((n, n))
    mix[:, 0] *= 1.0 + boost
    return np.stack([np.cov(mix @ rng.standard_normal((n, 4 * n))) for _ in range(count)])


def conditioner(rng, n, cond):
    """G = U diag(s) Vᵀ with cond(G Gᵀ) = cond (U, V random orthogonal)."""
    u, _ = np.linalg.qr(rng.standard_normal((n, n)))
    v, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return u @ np.diag(np.logspace(0, 0.5 * np.log10(cond), n)) @ v.T


def congruent(g, xs):
    """G X_i Gᵀ, symmetrized."""
    ys = g @ xs @ g.T
    return 0.5 * (ys + np.swapaxes(ys, -1, -2))


def two_classes(rng, n_per_class, n, cond=1.0, shared=True):
    """Two classes of mixed_covs (the second with a boosted first source), labels 0 / 1, mapped
    by G Gᵀ of condition cond: one G for both classes (shared; exact answers are then those of
    the well-conditioned E_i by congruence invariance) or one independent G per class (pairs
    across classes then form pencils of spread up to ~cond²)."""
    a, b = mixed_covs(rng, n_per_class, n), mixed_covs(rng, n_per_class, n, boost=1.0)
    if cond > 1.0:
        g = conditioner(rng, n, cond)
        a, b = congruent(g, a), congruent(g if shared else conditioner(rng, n, cond), b)
    return np.concatenate([a, b]), np.repeat(np.arange(2, dtype=np.int64), n_per_class)


def pencil_spread(x, ref):
    """max over i of λ_max / λ_min of the generalized eigenvalues of (X_i, ref)."""
    from scipy.linalg import eigvalsh
    return max((lambda w: w[-1] / w[0])(eigvalsh(xi, ref)) for xi in x)


# ----------------------------------------------------------------------------------------------
# running sampo
class Sampo:
    def __init__(self, program, work, threads):
        self.program, self.work, self.threads = program, work, threads

    def path(self, name):
        return os.path.join(self.work, name)

    def run(self, *args, json_out=False):
        cmd = [self.program, "--quiet", "--threads", str(self.threads)]
        jpath = self.path("report.json")
        if json_out:
            cmd += ["--json", jpath]
        t0 = time.perf_counter()
        r = subprocess.run(cmd + ["riemann", *args], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if r.returncode not in (0, 3):  # 3: written, but the mean did not converge
            raise RuntimeError(f"{' '.join(cmd + ['riemann', *args])}: {r.stderr.strip()}")
        report = json.load(open(jpath)) if json_out else None
        return wall, report

    def save(self, name, array):
        np.save(self.path(name), np.ascontiguousarray(array))
        return self.path(name)

    def load(self, name):
        return np.load(self.path(name))

    def has_action(self, action):
        r = subprocess.run([self.program, "riemann", action, "--help"], capture_output=True,
                           text=True)
        return r.returncode == 0


def run_iterations(report):
    """Iterations and seconds from the 'run' line of a mean report."""
    m = re.search(r"after (\d+) iterations, \d+ evaluations, ([0-9.eE+-]+) s", report["run"])
    return int(m.group(1)), float(m.group(2))


def pyriemann_mean_iterations(x):
    """mean_riemann(x) and its iteration count (expm is called once per iteration)."""
    calls = [0]
    expm = pr_mean.expm

    def counting(*a, **k):
        calls[0] += 1
        return expm(*a, **k)

    pr_mean.expm = counting
    try:
        m = mean_riemann(x)
    finally:
        pr_mean.expm = expm
    return m, calls[0]


# ----------------------------------------------------------------------------------------------
# relative differences
def rel_matrix(a, b):
    """max over matrices of ||a - b||_F / ||b||_F."""
    a, b = np.atleast_3d(a), np.atleast_3d(b)
    return float(np.max(np.linalg.norm(a - b, axis=(-2, -1)) / np.linalg.norm(b, axis=(-2, -1))))


def rel_vectors(a, b):
    """max over rows of ||a - b|| / ||b||."""
    return float(np.max(np.linalg.norm(a - b, axis=-1) / np.linalg.norm(b, axis=-1)))


def rel_values(a, b):
    """max over entries of |a - b| / |b|."""
    return float(np.max(np.abs(a - b) / np.abs(b)))


def agreement(sampo):
    rng = np.random.default_rng(20261127)
    rows = []

    def row(quantity, data, diff, note=""):
        rows.append((quantity, data, diff, note))
        print(f"  {quantity:<40} {data:<14} {diff:10.2e}  {note}", flush=True)

    print(f"{'quantity':<42} {'data':<14} {'max rel diff':>10}  note")
    sets = {
        "well 8x8": two_classes(rng, 40, 8),
        "well 22x22": two_classes(rng, 40, 22),
        "ill 8x8": two_classes(rng, 40, 8, cond=1e6),
        "ill 22x22": two_classes(rng, 40, 22, cond=1e6),
        "2G 8x8": two_classes(rng, 40, 8, cond=1e6, shared=False),
    }
    for name, (x, y) in sets.items():
        tag = name.replace(" ", "_")
        f_in = sampo.save(f"{tag}.npy", x)
        n = x.shape[-1]
        # --- means
        m_py, it_py = pyriemann_mean_iterations(x)
        _, rep = sampo.run("mean", "--in", f_in, "--out", sampo.path("m.npy"), "--step-rule",
                           "pyriemann", json_out=True)
        it_s, _ = run_iterations(rep)
        cond_m = np.linalg.cond(m_py)
        row("mean riemann (pyRiemann's step rule)", name, rel_matrix(sampo.load("m.npy"), m_py),
            f"iterations sampo {it_s} / pyRiemann {it_py}; cond(M) {cond_m:.1e}, "
            f"n eps cond {n * EPS * cond_m:.1e}")
        _, rep = sampo.run("mean", "--in", f_in, "--out", sampo.path("m.npy"), json_out=True)
        row("mean riemann (default secant rule)", name, rel_matrix(sampo.load("m.npy"), m_py),
            f"iterations {run_iterations(rep)[0]}; both stop at ||J|| <= 1e-8")
        for metric in ("logeuclid", "euclid"):
            sampo.run("mean", "--in", f_in, "--out", sampo.path("m.npy"), "--metric", metric)
            row(f"mean {metric}", name,
                rel_matrix(sampo.load("m.npy"), mean_covariance(x, metric=metric)))
        # --- distances to a reference: pyRiemann's mean of the first class
        ref = mean_riemann(x[y == 0])
        f_ref = sampo.save("ref.npy", ref)
        spread = pencil_spread(x, ref)
        for metric in ("riemann", "logeuclid", "euclid"):
            sampo.run("distance", "--in", f_in, "--ref", f_ref, "--out", sampo.path("d.npy"),
                      "--metric", metric)
            d_py = distance(x, ref, metric=metric)[:, 0]
            row(f"distance {metric} (X_i, ref)", name, rel_values(sampo.load("d.npy"), d_py),
                f"pencil spread {spread:.1e}, eps spread {EPS * spread:.1e}"
                if metric == "riemann" else "")
        # --- tangent vectors
        sampo.run("tangent", "--in", f_in, "--ref", f_ref, "--out", sampo.path("t.npy"))
        row("tangent vectors at ref", name, rel_vectors(sampo.load("t.npy"), tangent_space(x, ref)))
        sampo.run("tangent", "--in", f_in, "--out", sampo.path("t.npy"))
        row("tangent vectors at own mean", name,
            rel_vectors(sampo.load("t.npy"), tangent_space(x, m_py)))
        # --- MDM: train on even indices, predict the odd ones
        tr, te = np.arange(0, len(x), 2), np.arange(1, len(x), 2)
        mdm = MDM().fit(x[tr], y[tr])
        p_py = mdm.predict(x[te])
        d = np.sort(mdm.transform(x[te]), axis=1)
        sampo.run("classify", "--train", sampo.save("xtr.npy", x[tr]), "--labels",
                  sampo.save("ytr.npy", y[tr]), "--test", sampo.save("xte.npy", x[te]),
                  "--pipeline", "mdm", "--out", sampo.path("p.npy"))
        p_s = sampo.load("p.npy")
        row("MDM predictions (mismatches)", name, float(np.sum(p_s != p_py)),
            f"of {len(te)}; smallest relative margin {np.min((d[:, 1] - d[:, 0]) / d[:, 1]):.1e}")
        # --- FgMDM (FGDA filter + MDM), same split
        fg = FgMDM().fit(x[tr], y[tr])
        sampo.run("classify", "--train", sampo.path("xtr.npy"), "--labels", sampo.path("ytr.npy"),
                  "--test", sampo.path("xte.npy"), "--pipeline", "fgmdm", "--out",
                  sampo.path("pf.npy"))
        row("FgMDM predictions (mismatches)", name,
            float(np.sum(sampo.load("pf.npy") != fg.predict(x[te]))), f"of {len(te)}")

    # --- covariance estimators on fixed random trials
    trials = np.einsum("ij,njt->nit", np.eye(8) + 0.3 * rng.standard_normal((8, 8)),
                       rng.standard_normal((20, 8, 250)))
    if not sampo.has_action("covariance"):
        print("  covariances cov/scm/lwf/oas: skipped (this sampo has no 'riemann covariance')")
    else:
        f_tr = sampo.save("trials.npy", trials)
        t = trials.shape[-1]
        for est, ours, scale in (("cov", "cov", 1.0), ("scm", "cov", (t - 1) / t),
                                 ("lwf", "lwf", 1.0), ("oas", "oas", 1.0)):
            sampo.run("covariance", "--in", f_tr, "--estimator", ours, "--out",
                      sampo.path("c.npy"))
            row(f"covariances {est}", "8 x 250",
                rel_matrix(scale * sampo.load("c.npy"), covariances(trials, estimator=est)),
                "sampo 'cov' x (T-1)/T (scm = np.cov(bias=1))" if est == "scm" else "")
    return rows


# ----------------------------------------------------------------------------------------------
# timing
def best_and_median(times):
    return min(times), statistics.median(times)


def time_py(fn, repeat):
    """Best and median of at least `repeat` runs, and of as many more as fit in --min-seconds
    (the same rule for both libraries: a fast call gets as many chances as a slow one to miss
    this shared VM's slow moments)."""
    times = []
    while len(times) < repeat or sum(times) < ARGS.min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return best_and_median(times)


def bench_times(program, threads):
    """In-process times (s) of bench_riemann's mean and MDM benchmarks, by name."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    r = subprocess.run([program, "--benchmark_filter=BM_mean_riemann|BM_mdm_fit_predict",
                        "--benchmark_min_time=0.5", "--benchmark_format=json"],
                       capture_output=True, text=True, env=env, check=True)
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    return {b["name"]: b["real_time"] * scale[b["time_unit"]]
            for b in json.loads(r.stdout)["benchmarks"]}


def in_process():
    """sampo's Python package (build/python on PYTHONPATH), or None."""
    try:
        import sampo as sampo_py
        return sampo_py
    except ImportError:
        return None


def timing(sampo, repeat):
    rng = np.random.default_rng(1)
    bench = bench_times(ARGS.bench, ARGS.threads) if ARGS.bench else {}
    sp = in_process()
    if sp is None:
        print("  sampo's Python package not importable (add build/python to PYTHONPATH): "
              "in-process columns skipped")
    print(f"{'case':<30} {'pyRiemann':>9} {'sampo':>8} {'ratio':>6} {'sampo, pyRiemann rule':>22} "
          f"{'ratio':>6}  passes s/s-pyr/pyR  CLI run  bench_riemann")
    out = []

    def line(case, py, s_def, s_pyr, passes, cli, b):
        out.append((case, py, s_def, s_pyr, cli, b))
        r_def = "" if s_def is None else f"{py[0] / s_def[0]:6.1f}"
        r_pyr = "" if s_pyr is None else f"{py[0] / s_pyr[0]:6.1f}"
        print(f"{case:<30} {py[0]:9.4f} {'' if s_def is None else f'{s_def[0]:8.4f}':>8} "
              f"{r_def:>6} {'' if s_pyr is None else f'{s_pyr[0]:22.4f}':>22} {r_pyr:>6}  "
              f"{passes:<18} {cli:8.4f}  {'' if b is None else f'{b:.4f}'}", flush=True)

    for n in (22, 64):
        x = mixed_covs(rng, 500, n)
        f_in = sampo.save(f"t{n}.npy", x)
        py = time_py(lambda: mean_riemann(x), repeat)
        m_py, it_py = pyriemann_mean_iterations(x)
        s_def = s_pyr = None
        passes = f"-/-/{it_py}"
        if sp is not None:
            r_def = sp.riemann.mean(x)
            r_pyr = sp.riemann.mean(x, step_rule="pyriemann")
            s_def = time_py(lambda: sp.riemann.mean(x), repeat)
            s_pyr = time_py(lambda: sp.riemann.mean(x, step_rule="pyriemann"), repeat)
            passes = f"{r_def.run.iterations}/{r_pyr.run.iterations}/{it_py}"
            print(f"  agreement with pyRiemann: secant {rel_matrix(r_def.mean, m_py):.1e}, "
                  f"pyRiemann rule {rel_matrix(r_pyr.mean, m_py):.1e}")
        runs = [sampo.run("mean", "--in", f_in, "--out", sampo.path("m.npy"), json_out=True)
                for _ in range(repeat)]
        cli = min(run_iterations(rep)[1] for _, rep in runs)
        line(f"mean_riemann 500 x {n}x{n}", py, s_def, s_pyr, passes, cli,
             bench.get(f"BM_mean_riemann/{n}/0"))
    x, y = two_classes(rng, 100, 22)
    f_x, f_y = sampo.save("mdm_x.npy", x), sampo.save("mdm_y.npy", y)
    py = time_py(lambda: MDM().fit(x, y).predict(x), repeat)
    s_def = None
    if sp is not None:
        s_def = time_py(lambda: sp.riemann.MDM().fit(x, y).predict(x), repeat)
        same = np.array_equal(sp.riemann.MDM().fit(x, y).predict(x), MDM().fit(x, y).predict(x))
        print(f"  MDM predictions equal to pyRiemann's: {same}")
    walls, noops = [], []
    for _ in range(repeat):
        walls.append(sampo.run("classify", "--train", f_x, "--labels", f_y, "--test", f_x,
                               "--pipeline", "mdm", "--out", sampo.path("p.npy"))[0])
        noops.append(sampo.run("mean", "--metric", "euclid", "--in", f_x, "--out",
                               sampo.path("m.npy"))[0])
    line("MDM fit+predict 200 x 22x22", py, s_def, None, "", min(walls) - min(noops),
         bench.get("BM_mdm_fit_predict"))
    return out


def main():
    work = ARGS.work or tempfile.mkdtemp(prefix="sampo_vs_pyriemann_")
    os.makedirs(work, exist_ok=True)
    sampo = Sampo(os.path.abspath(ARGS.sampo), work, ARGS.threads)
    print(f"pyRiemann {pyriemann.__version__}, NumPy {np.__version__}, Python "
          f"{sys.version.split()[0]}; threads {ARGS.threads}; files in {work}")
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            print(f"  pool: {pool['internal_api']} {pool.get('version')} "
                  f"{pool.get('threading_layer', '')} threads={pool['num_threads']} "
                  f"({os.path.basename(pool['filepath'])})")
    except ImportError:
        print("  threadpoolctl not installed: BLAS threads not checked")
    if ARGS.part in ("agreement", "all"):
        agreement(sampo)
    if ARGS.part in ("timing", "all"):
        timing(sampo, ARGS.repeat)
    if not ARGS.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

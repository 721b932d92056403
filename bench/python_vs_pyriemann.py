#!/usr/bin/env python3
"""sampo's Python package against pyRiemann, in one process on the same arrays: call overhead
per function (µs) and the riemann pipeline end to end.

Cases (best of --repeat runs each, time.perf_counter):
  - overhead: sampo.riemann.distance_euclid on 2 x 2 Fortran arrays (no copy, almost no work)
    against numpy.linalg.norm(a - b); distance_riemann on 4 x 4 against pyRiemann's;
  - mean_riemann of 500 SPD matrices 22 x 22 and 64 x 64;
  - MDM fit + predict, 200 matrices 22 x 22, two classes;
  - pipeline: cross_val_score(make_pipeline(Covariances('cov'), MDM()), trials, labels, cv=5)
    on 200 trials of 22 channels x 256 samples, sampo's estimators against pyRiemann's.
Threads: --threads N sets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS before NumPy is imported.

Usage: PYTHONPATH=build/python:/path/to/pyRiemann-0.7 python3 bench/python_vs_pyriemann.py
Without pyRiemann only sampo's times are printed. The tests never need this.
"""
import argparse
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeat", type=int, default=5)
    return p.parse_args()


def best(f, repeat, inner=1):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(inner):
            f()
        times.append((time.perf_counter() - t0) / inner)
    return min(times)


def main():
    args = parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import numpy as np
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    import sampo
    try:
        import pyriemann
        from pyriemann.classification import MDM as PyMDM
        from pyriemann.estimation import Covariances as PyCov
        from pyriemann.utils.distance import distance_riemann as py_distance
        from pyriemann.utils.mean import mean_riemann as py_mean
    except ImportError:
        pyriemann = None
    R = sampo.riemann
    rng = np.random.default_rng(0)

    def spd(n, c):
        x = rng.standard_normal((n, c, 4 * c))
        return np.einsum("nij,nkj->nik", x, x) / (4 * c)

    rows = []
    a2, b2 = np.asfortranarray(spd(1, 2)[0]), np.asfortranarray(spd(1, 2)[0])
    rows.append(("distance_euclid 2x2 (µs)", 1e6 * best(lambda: R.distance_euclid(a2, b2), args.repeat, 20000),
                 1e6 * best(lambda: np.linalg.norm(a2 - b2), args.repeat, 20000), "numpy.linalg.norm"))
    a4, b4 = spd(1, 4)[0], spd(1, 4)[0]
    rows.append(("distance_riemann 4x4 (µs)", 1e6 * best(lambda: R.distance_riemann(a4, b4), args.repeat, 5000),
                 1e6 * best(lambda: py_distance(a4, b4), args.repeat, 5000) if pyriemann else None, "pyRiemann"))
    for c in (22, 64):
        xs = spd(500, c)
        rows.append((f"mean_riemann 500 x {c}x{c} (s)", best(lambda: R.mean(xs), args.repeat),
                     best(lambda: py_mean(xs), args.repeat) if pyriemann else None, "pyRiemann"))
    xs = spd(200, 22)
    xs[100:] *= np.linspace(1, 2, 22)[:, None] * np.linspace(1, 2, 22)
    y = np.repeat([0, 1], 100)
    rows.append(("MDM fit + predict 200 x 22x22 (s)",
                 best(lambda: R.MDM().fit(xs, y).predict(xs), args.repeat),
                 best(lambda: PyMDM().fit(xs, y).predict(xs), args.repeat) if pyriemann else None,
                 "pyRiemann"))
    mix = np.eye(22) + 0.2 * rng.standard_normal((22, 22))
    scale = [np.ones(22), np.r_[np.full(4, 1.5), np.ones(18)]]
    trials = np.array([mix @ (scale[k // 100][:, None] * rng.standard_normal((22, 256)))
                       for k in range(200)])
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    rows.append(("cross_val_score(Covariances + MDM), 200 x 22 x 256 (s)",
                 best(lambda: cross_val_score(make_pipeline(R.Covariances("cov"), R.MDM()),
                                              trials, y, cv=cv), args.repeat),
                 best(lambda: cross_val_score(make_pipeline(PyCov("cov"), PyMDM()), trials, y,
                                              cv=cv), args.repeat) if pyriemann else None,
                 "pyRiemann"))
    print(f"sampo {sampo.__version__}, pyRiemann {pyriemann.__version__ if pyriemann else '-'}, "
          f"threads {args.threads}, best of {args.repeat}")
    print("| case | sampo | reference | reference / sampo |")
    print("|---|---|---|---|")
    for name, ours, theirs, ref in rows:
        ratio = f"**{theirs / ours:.2f}**" if theirs else "-"
        t = f"{theirs:.4g} ({ref})" if theirs else "-"
        print(f"| {name} | {ours:.4g} | {t} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

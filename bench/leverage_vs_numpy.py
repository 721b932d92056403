#!/usr/bin/env python3
"""Side by side: sampo's exact leverage scores (Gram route) against NumPy on OpenBLAS.

On one fixed-seed dense n x d matrix A (default 10^6 x 100, Fortran order, so neither side
copies it), in one process and one run, rounds interleaved (every case once per round, best of
--repeat rounds):
  - numpy_gram:     A.T @ A (NumPy calls BLAS syrk for a product of a matrix with its transpose);
  - numpy_leverage: A.T @ A, numpy.linalg.cholesky, scipy.linalg.solve_triangular(L, A.T),
                    column sums of squares (skipped without SciPy);
  - sampo_leverage: sampo.sketch.leverage_scores(A, method="gram") in process (the Python
                    package, build/python on PYTHONPATH); it includes the package's own scan of
                    A for non-finite entries, which the C++ call does not repeat;
  - with --bench PATH (build/bin/bench_linalg, -DSAMPO_BUILD_BENCHMARKS=ON), also sampo in C++:
    gram() alone and the Gram route (Google Benchmark, its own matrix of the same shape), run
    as a subprocess between two rounds (its CPU time counts the main thread only, so with
    more than one thread only its wall time is printed).
Each case reports the best wall time and the best CPU time (time.process_time: all threads of
this process); the ratios to numpy_gram are the figures to read on a loaded machine (CPU time
is not inflated by other processes' use of the cores; with 2 threads it sums both). The load
average is printed before and after. The scores are compared (largest relative difference).

Threads: --threads N sets OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS before
NumPy is imported (sampo's OpenMP pool reads the same variable).

Usage (Debian's NumPy on OpenBLAS; unset Debian's OPENBLAS_* tuning variables if set):
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=build/python \\
      /usr/bin/python3 bench/leverage_vs_numpy.py --threads 1 [--bench build/bin/bench_linalg]
      [--rows 1000000] [--cols 100] [--repeat 5]
The tests never need this.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=1, help="threads for both (BLAS and OpenMP)")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--cols", type=int, default=100)
    p.add_argument("--repeat", type=int, default=5, help="rounds (best of)")
    p.add_argument("--bench", default="", help="bench_linalg program (optional)")
    return p.parse_args()


ARGS = parse_args()
# Must precede the NumPy import: OpenBLAS sizes its pool when it is loaded.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402

import sampo  # noqa: E402

try:
    import scipy.linalg as sla  # noqa: E402
except ImportError:  # NumPy's full route needs solve_triangular
    sla = None


def numpy_leverage(a):
    g = a.T @ a
    low = np.linalg.cholesky(g)
    z = sla.solve_triangular(low, a.T, lower=True, check_finite=False)
    return np.einsum("ij,ij->j", z, z)


def timed(f):
    c0, w0 = time.process_time(), time.perf_counter()
    out = f()
    return out, time.perf_counter() - w0, time.process_time() - c0


def run_bench(path):
    """gram() and the Gram route in C++ (Google Benchmark): {name: (wall s, cpu s)}."""
    cmd = [path, "--benchmark_filter=BM_gram_product_sampo|BM_leverage_gram",
           "--benchmark_min_time=1", "--benchmark_format=json"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    res = {}
    for b in json.loads(out)["benchmarks"]:
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
        name = b["name"].split("/")[0]
        res[name] = (b["real_time"] * scale, b["cpu_time"] * scale)
    return res


def main():
    n, d = ARGS.rows, ARGS.cols
    print(f"n = {n}, d = {d}, threads = {ARGS.threads}, repeat = {ARGS.repeat}")
    print(f"numpy {np.__version__}; BLAS: ", end="")
    try:
        from threadpoolctl import threadpool_info
        print(", ".join(f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)"
                        for i in threadpool_info()))
    except ImportError:
        cfg = np.__config__.get_info("blas_opt_info") if hasattr(np.__config__, "get_info") else {}
        print(cfg.get("libraries", "see numpy.show_config()"))
    print(f"sampo kernels: {os.environ.get('SAMPO_KERNELS', 'default (avx2 where the CPU has it)')}")
    print(f"load average before: {os.getloadavg()}")
    rng = np.random.default_rng(20261201)
    a = np.asfortranarray(rng.standard_normal((n, d)))

    cases = {
        "numpy_gram": lambda: a.T @ a,
        "sampo_leverage": lambda: np.asarray(
            sampo.sketch.leverage_scores(a, method="gram").scores),
    }
    if sla is not None:
        cases["numpy_leverage"] = lambda: numpy_leverage(a)
    best = {k: [float("inf"), float("inf")] for k in cases}
    outputs = {}
    bench = {}
    for rnd in range(ARGS.repeat):
        for name, f in cases.items():
            out, wall, cpu = timed(f)
            outputs[name] = out
            best[name][0] = min(best[name][0], wall)
            best[name][1] = min(best[name][1], cpu)
        if ARGS.bench and rnd == ARGS.repeat // 2:
            for k, (w, c) in run_bench(ARGS.bench).items():
                old = bench.get(k, (float("inf"), float("inf")))
                bench[k] = (min(old[0], w), min(old[1], c))
    print(f"load average after: {os.getloadavg()}")

    if "numpy_leverage" in outputs:
        h_np, h_s = outputs["numpy_leverage"], outputs["sampo_leverage"]
        print(f"largest relative difference of the scores, sampo vs numpy: "
              f"{np.max(np.abs(h_s - h_np) / np.abs(h_np)):.2e}")
    ref_wall, ref_cpu = best["numpy_gram"]
    rows = [(k, w, c) for k, (w, c) in best.items()]
    names = {"BM_gram_product_sampo": "sampo_gram_cxx (gram() alone)",
             "BM_leverage_gram": "sampo_leverage_cxx (Gram route)"}
    rows += [(names.get(k, k), w, c) for k, (w, c) in bench.items()]
    print(f"{'case':34s} {'wall s':>8s} {'cpu s':>8s} {'wall/np_gram':>13s} {'cpu/np_gram':>12s}")
    for k, w, c in rows:
        if k.endswith(")") and "cxx" in k and ARGS.threads > 1:
            # Google Benchmark's CPU time is the main thread's only: not comparable here.
            print(f"{k:34s} {w:8.3f} {'-':>8s} {w / ref_wall:13.2f} {'-':>12s}")
        else:
            print(f"{k:34s} {w:8.3f} {c:8.3f} {w / ref_wall:13.2f} {c / ref_cpu:12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

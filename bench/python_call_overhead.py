#!/usr/bin/env python3
"""Per-call overhead of the Python bindings added for knots formulas, mc logs and the Gaussian
benchmark, riemann's Pipeline and Mdm.fit: each small call timed from Python and, on the same
inputs, in C++ (build/bin/bench_python_calls, Google Benchmark); the difference is what the
binding adds (argument checks and conversions, the GIL release, the Ctrl-C guard, result objects).

CPU time on both sides (time.process_time; Google Benchmark's CPU column), one thread, so that
a loaded machine's waiting is not counted; best of --repeat runs of a fixed number of calls
(Python) and of 10 repetitions (C++). Cases:
  - knots.Expression('sin(x)*exp(-x)')(0.5), and on 1000 points (a NumPy array);
  - knots.fit('sin(x)*exp(-x)', 0, 10, rtol=1e-6, atol=1e-3) (the formula parsed per call);
  - mc.test_log of 100 tests x 2 steps from arrays; mc.gaussian_limit_state_log(tests=100);
    mc.importance_sampling of that log;
  - riemann.Mdm().fit on 20 covariances 4 x 4; riemann._Pipeline('mdm') fit + predict on 20
    trials 4 x 64 (the low-level object: the scikit-learn wrapper adds numpy.unique).
The trials are built with the formula of bench_python_calls.cpp, so both sides do the same work.

Usage: OMP_NUM_THREADS=1 PYTHONPATH=build/python python3 bench/python_call_overhead.py \
         [--cpp build/bin/bench_python_calls] [--repeat 10] [--rounds 3]
"""
import argparse
import json
import os
import subprocess
import sys
import time


def best(f, repeat, inner):
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        for _ in range(inner):
            f()
        times.append((time.process_time() - t0) / inner)
    return min(times)


def trials(n, c, t, np):
    """The trials of bench_python_calls.cpp, entry by entry with libm's sin and cos (math.sin is
    C's sin; NumPy's vectorized sin may differ in the last bit, and a different matrix can take
    a different number of iterations of the mean)."""
    import math
    x = np.empty((n, c, t))
    for k in range(n):
        for i in range(c):
            for j in range(t):
                x[k, i, j] = (math.sin(0.37 * (k + 1) * (i + 1) * j + 0.1 * i) +
                              (1.0 + (k % 2) * (i == 0)) * math.cos(0.11 * j * (k % 3 + 1) + i))
    return x


def cpp_times(path):
    """Per-call CPU seconds of each Google Benchmark case (best of 10 repetitions)."""
    out = subprocess.run([path, "--benchmark_format=json", "--benchmark_min_time=0.1",
                          "--benchmark_repetitions=10"], check=True, capture_output=True,
                         text=True)
    result = {}
    for b in json.loads(out.stdout)["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        name = b["run_name"].replace("BM_", "")
        result[name] = min(result.get(name, float("inf")), b["cpu_time"] * scale)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cpp", default=os.path.join("build", "bin", "bench_python_calls"))
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--rounds", type=int, default=3,
                   help="alternate the Python and C++ measurements this many times; keep the "
                        "best of each (a loaded machine's noise only ever adds time)")
    args = p.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import numpy as np
    import sampo
    K, M, R = sampo.knots, sampo.mc, sampo.riemann

    e = K.Expression("sin(x)*exp(-x)")
    xs = np.linspace(0.0, 10.0, 1000)
    n_tests = 100
    first = np.arange(0, 2 * n_tests + 1, 2)
    p_ = np.tile([0.1, 0.9], n_tests)
    q_ = np.full(2 * n_tests, 0.5)
    ordinal = np.tile([0, 1], n_tests)
    eps = np.full(2 * n_tests, 0.2)
    y = (np.arange(n_tests) % 10 == 0).astype(float)
    log = M.gaussian_limit_state_log(tests=100)
    x = trials(20, 4, 64, np)
    labels = np.arange(20) % 2
    covs = R.covariances(x)

    def pipeline():
        m = R._r._Pipeline("mdm")
        m.fit(x, labels)
        return m.predict(x)

    def mdm():
        m = R.Mdm()
        m.fit(covs, labels)
        return m

    cases = [
        ("expression_scalar", "knots.Expression(...)(0.5)", lambda: e(0.5), 20000),
        ("expression_array", "knots.Expression(...)(1000 points)", lambda: e(xs), 200),
        ("knots_fit_formula", "knots.fit('sin(x)*exp(-x)', 0, 10, rtol=1e-6)",
         lambda: K.fit("sin(x)*exp(-x)", 0.0, 10.0, rtol=1e-6, atol=1e-3), 200),
        ("test_log_per_step", "mc.test_log, 100 tests x 2 steps",
         lambda: M.test_log(y, first_step=first, p=p_, q=q_, ordinal=ordinal, epsilon=eps), 500),
        ("gaussian_log", "mc.gaussian_limit_state_log(tests=100)",
         lambda: M.gaussian_limit_state_log(tests=100), 2000),
        ("importance_sampling", "mc.importance_sampling, 100 tests",
         lambda: M.importance_sampling(log), 5000),
        ("mdm_fit", "riemann.Mdm().fit, 20 x 4x4", mdm, 200),
        ("pipeline_mdm_fit_predict", "riemann Pipeline('mdm') fit + predict, 20 trials 4x64",
         pipeline, 100),
    ]
    py_best, cpp = {}, {}
    for _ in range(args.rounds):
        for key, _, f, inner in cases:
            py_best[key] = min(py_best.get(key, float("inf")), best(f, args.repeat, inner))
        if os.path.exists(args.cpp):
            for key, t in cpp_times(args.cpp).items():
                cpp[key] = min(cpp.get(key, float("inf")), t)
    print("| call | Python | C++ | overhead |")
    print("|---|---|---|---|")
    for key, label, _, _ in cases:
        t = py_best[key]
        c = cpp.get(key)
        if c is None:
            print(f"| {label} | {t * 1e6:.2f} µs | — | — |")
        else:
            print(f"| {label} | {t * 1e6:.2f} µs | {c * 1e6:.2f} µs | {(t - c) * 1e6:.2f} µs |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

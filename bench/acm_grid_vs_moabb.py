#!/usr/bin/env python3
"""The ACM grid search of one subject, sampo against the MOABB/pyRiemann/scikit-learn pipeline.

Both run the nested grid search of Carrara & Papadopoulo's ACM + tangent space + SVM on the same
epochs (written once by `sampo riemann epochs`, so filtering and epoching are identical):
order 1..10 x lag 1..10 x SVM C {0.5, 1, 1.5} x kernel {rbf, linear}, 3 inner stratified folds,
ROC-AUC, inside an outer stratified k-fold.
  - sampo: `sampo riemann classify --edf ... --pipeline acm-ts-svm --grid` (all outer folds;
    the time per fold is its reported seconds / folds). sampo scores each (order, lag) once per
    inner fold and reuses its tangent vectors for every (C, kernel); order 1 is scored once
    (the lag does not change it): 91 points.
  - Python: the pipeline of MOABB's pipelines/AUG_TANG_SVM_grid.yml — delay embedding (as
    AugmentedDataset: blocks X[:, k lag : T - (order - k) lag], k = 0..order-1, stacked on the
    channels; order 1 = X), pyriemann Covariances("cov"), TangentSpace("riemann"), sklearn SVC,
    in sklearn GridSearchCV over the 100 x 3 x 2 grid (every setting refits the whole pipeline,
    as MOABB does); only the first --python-folds outer folds are run (each takes minutes).
With --equal-work both search the same 91 (order, lag) points with one SVM setting (rbf, C = 1)
and the Python grid lists order 1 once, so both fit the same pipelines: the ratio is then the
implementations' alone.
The paper reports ~792 s per outer fold for this grid search (their machine and datasets).

Usage:
  PYTHONPATH=/path/to/pyRiemann-0.7 python3 bench/acm_grid_vs_moabb.py --sampo build/bin/sampo \
      --edf S001R06.edf S001R10.edf S001R14.edf [--channels Fc3,...] [--threads 2] \
      [--python-folds 1] [--folds 5] [--grid-orders 1,2,3,4 --grid-lags 1,2,4,8]
"""
import argparse
import json
import os
import subprocess
import tempfile
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sampo", default="build/bin/sampo")
    p.add_argument("--edf", nargs="+", required=True)
    p.add_argument("--events", default="T1,T2")
    p.add_argument("--channels", default="")
    p.add_argument("--threads", type=int, default=1, help="OpenMP / n_jobs / BLAS threads")
    p.add_argument("--folds", type=int, default=5, help="outer folds")
    p.add_argument("--python-folds", type=int, default=1, help="outer folds timed in Python")
    p.add_argument("--skip-sampo", action="store_true")
    p.add_argument("--grid-orders", default="1,2,3,4,5,6,7,8,9,10",
                   help="ACM orders of the grid, in both (issue 16's: 1,2,3,4)")
    p.add_argument("--grid-lags", default="1,2,3,4,5,6,7,8,9,10",
                   help="ACM lags of the grid, in both (issue 16's: 1,2,4,8)")
    p.add_argument("--equal-work", action="store_true",
                   help="91 (order, lag) points and one SVM setting (rbf, C = 1) in both")
    return p.parse_args()


ARGS = parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # one BLAS thread per worker; parallelism is GridSearchCV's n_jobs

import numpy as np  # noqa: E402
from pyriemann.estimation import Covariances  # noqa: E402
from pyriemann.tangentspace import TangentSpace  # noqa: E402
from sklearn.base import BaseEstimator, TransformerMixin  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.svm import SVC  # noqa: E402


class DelayEmbedding(BaseEstimator, TransformerMixin):
    """n x C x T trials -> n x (order C) x (T - order lag) delay-embedded trials."""

    def __init__(self, order=1, lag=1):
        self.order = order
        self.lag = lag

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        if self.order == 1:
            return X
        t = X.shape[2]
        return np.concatenate([X[:, :, k * self.lag: t - (self.order - k) * self.lag]
                               for k in range(self.order)], axis=1)


def eeg_options():
    opts = ["--edf", *ARGS.edf, "--events", ARGS.events]
    return opts + (["--channels", ARGS.channels] if ARGS.channels else [])


def main():
    work = tempfile.mkdtemp(prefix="sampo_acm_")
    trials, labels = os.path.join(work, "trials.npy"), os.path.join(work, "y.npy")
    subprocess.run([ARGS.sampo, "--quiet", "riemann", "epochs", *eeg_options(), "--out", trials,
                    "--labels-out", labels], check=True)
    x, y = np.load(trials), np.load(labels)
    print(f"{len(y)} epochs of {x.shape[1]} channels x {x.shape[2]} samples; "
          f"threads {ARGS.threads}")

    if not ARGS.skip_sampo:
        report = os.path.join(work, "sampo.json")
        subprocess.run([ARGS.sampo, "--quiet", "--threads", str(ARGS.threads), "--json", report,
                        "riemann", "classify", *eeg_options(), "--pipeline", "acm-ts-svm",
                        "--grid", "--folds", str(ARGS.folds), "--grid-orders", ARGS.grid_orders,
                        "--grid-lags", ARGS.grid_lags,
                        *(["--grid-c", "1", "--grid-kernels", "rbf"] if ARGS.equal_work else [])],
                       check=True)
        r = json.load(open(report))
        print(f"sampo : {ARGS.folds} outer folds in {r['seconds']:.1f} s = "
              f"{r['seconds'] / ARGS.folds:.1f} s per fold; ROC-AUC {r['mean']:.3f} "
              f"(folds {' '.join(f'{s:.2f}' for s in r['fold_scores'])})")

    pipe = Pipeline([("aug", DelayEmbedding()), ("cov", Covariances("cov")),
                     ("ts", TangentSpace(metric="riemann")), ("svc", SVC(kernel="rbf"))])
    orders = [int(v) for v in ARGS.grid_orders.split(",")]
    lags = [int(v) for v in ARGS.grid_lags.split(",")]
    grid = {"aug__order": orders, "aug__lag": lags,
            "svc__C": [0.5, 1, 1.5], "svc__kernel": ["rbf", "linear"]}
    if ARGS.equal_work:
        svm = {"svc__C": [1.0], "svc__kernel": ["rbf"]}
        grid = [{"aug__order": [1], "aug__lag": [lags[0]], **svm},
                {"aug__order": [o for o in orders if o > 1], "aug__lag": lags, **svm}]
    outer = StratifiedKFold(ARGS.folds, shuffle=True, random_state=42)
    for f, (tr, te) in enumerate(outer.split(x, y)):
        if f >= ARGS.python_folds:
            break
        search = GridSearchCV(pipe, grid, scoring="roc_auc", n_jobs=ARGS.threads,
                              cv=StratifiedKFold(3, shuffle=True, random_state=42),
                              error_score=np.nan)
        t0 = time.perf_counter()
        search.fit(x[tr], y[tr])
        seconds = time.perf_counter() - t0
        auc = roc_auc_score(y[te], search.decision_function(x[te]))
        print(f"python: fold {f}: {seconds:.1f} s; ROC-AUC {auc:.3f}; best {search.best_params_}")


if __name__ == "__main__":
    main()

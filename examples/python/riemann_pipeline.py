"""A motor-imagery-like classification with sampo from Python: trials -> covariance ->
MDM, and trials -> augmented covariance -> tangent space -> logistic regression, each scored
by 5-fold cross-validation with scikit-learn. Run: PYTHONPATH=build/python python3 this file
(or, installed, python3 this file)."""
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

import sampo
from sampo.riemann import MDM, AugmentedCovariance, Covariances, TangentSpace

rng = np.random.default_rng(2024)
n, c, t = 40, 4, 160
mix = np.eye(c) + 0.3 * rng.standard_normal((c, c))
left = np.array([1.0, 1.0, 2.0, 1.0])[:, None]
right = np.array([2.0, 1.0, 1.0, 1.0])[:, None]
x = np.array([mix @ (s * rng.standard_normal((c, t))) for s in [left] * n + [right] * n])
y = np.array(["left"] * n + ["right"] * n)

cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
pipelines = {
    "cov + MDM": make_pipeline(Covariances("cov"), MDM()),
    "ACM(2, 1) + TS + LR": make_pipeline(AugmentedCovariance(order=2, lag=1, estimator="lwf"),
                                         TangentSpace(), LogisticRegression()),
}
print(f"sampo {sampo.__version__}: {len(y)} trials of {c} channels x {t} samples")
for name, pipeline in pipelines.items():
    scores = cross_val_score(pipeline, x, y, cv=cv)
    print(f"  {name:22s} accuracy {scores.mean():.3f} +- {scores.std():.3f}")
    assert scores.mean() > 0.8, name  # the example is also a test (CTest python.example.*)

# The geometry underneath, one call each.
covs = sampo.riemann.covariances(x)
m = sampo.riemann.mean(covs)
print(f"  Riemannian mean of {len(covs)} matrices: {m.run.brief_report()}")
print(f"  distance of trial 0 to the mean: {sampo.riemann.distance(covs[0], m.mean):.4f}")

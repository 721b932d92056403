"""SPD-matrix geometry for EEG classification (sampo::riemann), with scikit-learn estimators.

Functions (NumPy in, NumPy out; a stack of matrices is an (n, C, C) array, trials an (n, C, T)
array or a list of C x T arrays):

- covariance estimators: ``covariance``, ``covariances`` (estimator 'sample'/'cov',
  'ledoit_wolf'/'lwf', 'oas', 'regularized'), ``sample_covariance``, ``ledoit_wolf``,
  ``oas``, ``regularized_covariance``;
- augmented covariance (MOABB's delay embedding): ``augment``, ``augmented_covariance``,
  ``augmented_covariances``;
- distances and geodesics: ``distance``, ``distances``, ``distance_riemann``,
  ``distance_logeuclid``, ``distance_euclid``, ``geodesic``;
- means: ``mean`` (a ``MeanResult`` with ``mean``, ``run``, ``gradient_norm``),
  ``mean_riemann``, ``mean_logeuclid``, ``mean_euclid``;
- tangent space: ``upper``, ``unupper``, ``log_map``, ``exp_map``, ``tangent_vector``,
  ``tangent_space``, ``untangent_space``;
- classifier: ``Mdm`` (integer labels), ``softmax_neg_squared``;
- evaluation of sampo's pipelines ('mdm', 'ts-lr', 'ts-svm', 'acm-ts-svm', 'acm-mdm',
  'fgmdm') as MOABB does it: ``cross_validate``, ``grid_search_cross_validate`` (a
  ``CrossValidationResult``).

scikit-learn estimators (usable in ``make_pipeline`` and ``cross_val_score``, drop-ins for
pyRiemann's of the same names): ``Covariances``, ``AugmentedCovariance``, ``TangentSpace``,
``MDM``, ``FGDA``, ``FgMDM``; and ``Pipeline``, sampo's whole C++ pipeline (trials ->
classifier) as one estimator.
"""
import numpy as np

from ._sampo import riemann as _r
from ._sampo.riemann import (  # noqa: F401  (re-exported)
    CrossValidationResult, Fgda, FgMdm, Mdm, MeanResult, augment, augmented_covariance,
    augmented_covariances, covariance, covariances, cross_validate, distance, distance_euclid,
    distance_logeuclid, distance_riemann, distances, exp_map, geodesic,
    grid_search_cross_validate, ledoit_wolf, log_map, mean, mean_euclid, mean_logeuclid,
    mean_riemann, oas, regularized_covariance, sample_covariance, softmax_neg_squared,
    tangent_space, tangent_vector, untangent_space, unupper, upper)

try:  # scikit-learn supplies get_params / set_params / clone support and the mixins
    from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
except ImportError:  # pragma: no cover - the estimators still work alone
    import inspect

    class BaseEstimator:
        """get_params / set_params from the __init__ signature (scikit-learn's contract)."""

        def get_params(self, deep=True):
            names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
            return {n: getattr(self, n) for n in names}

        def set_params(self, **params):
            for k, v in params.items():
                setattr(self, k, v)
            return self

    class ClassifierMixin:
        def score(self, X, y):
            return float(np.mean(self.predict(X) == np.asarray(y)))

    class TransformerMixin:
        def fit_transform(self, X, y=None, **fit_params):
            return self.fit(X, y, **fit_params).transform(X)

_D = _r._defaults  # the C++ defaults (CovarianceOptions, MeanOptions)
_P = _r._pipeline_defaults  # the C++ defaults of PipelineOptions


class Covariances(TransformerMixin, BaseEstimator):
    """Trials (n, C, T) -> covariance matrices (n, C, C), as pyRiemann's ``Covariances``.

    estimator: 'cov' / 'sample' (numpy.cov), 'lwf' / 'ledoit_wolf', 'oas', 'regularized'
    (numpy.cov + regularization * I). Every estimate is checked to be SPD (NotSPDError).
    """

    def __init__(self, estimator="cov", regularization=_D["regularization"]):
        self.estimator = estimator
        self.regularization = regularization

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return covariances(X, estimator=self.estimator, regularization=self.regularization)


class AugmentedCovariance(TransformerMixin, BaseEstimator):
    """Trials (n, C, T) -> augmented covariance matrices (n, order C, order C).

    MOABB's ``AugmentedDataset(order, lag)`` followed by ``Covariances(estimator)``: the
    delay embedding of Carrara & Papadopoulo (order 1: the plain covariance).
    """

    def __init__(self, order=1, lag=1, estimator="cov", regularization=_D["regularization"]):
        self.order = order
        self.lag = lag
        self.estimator = estimator
        self.regularization = regularization

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return augmented_covariances(X, int(self.order), int(self.lag),
                                     estimator=self.estimator,
                                     regularization=self.regularization)


class TangentSpace(TransformerMixin, BaseEstimator):
    """SPD matrices (n, C, C) -> tangent vectors (n, C (C + 1) / 2), as pyRiemann's
    ``TangentSpace``: the reference is the training mean under ``metric`` (pyRiemann's
    ``metric={"mean": metric, "map": "riemann"}``; the map is the affine-invariant log map
    with the upper-triangle vectorization, off-diagonal entries times sqrt(2)).

    ``step_rule``: the Riemannian mean's step, 'secant' (default, fewer passes) or
    'pyriemann' (pyRiemann's numbers to rounding).

    Attributes after fit: ``reference_`` (C, C), ``mean_run_`` (a sampo.Run).
    """

    def __init__(self, metric="riemann", tolerance=_D["tolerance"],
                 max_iterations=_D["max_iterations"], step_rule=_D["step_rule"]):
        self.metric = metric
        self.tolerance = tolerance
        self.max_iterations = max_iterations
        self.step_rule = step_rule

    def fit(self, X, y=None, sample_weight=None):
        r = mean(X, self.metric, weights=sample_weight, tolerance=self.tolerance,
                 max_iterations=int(self.max_iterations), step_rule=self.step_rule)
        self.reference_ = r.mean
        self.mean_run_ = r.run
        return self

    def transform(self, X):
        _check_fitted(self, "reference_")
        return tangent_space(X, self.reference_)

    def inverse_transform(self, X):
        _check_fitted(self, "reference_")
        return untangent_space(X, self.reference_)


class _NearestMean:
    """transform / predict / predict_proba of the minimum-distance classifiers (MDM, FgMDM),
    read from the fitted C++ model in ``self._model`` (Mdm or FgMdm)."""

    def transform(self, X):
        """(n, K) distances to the class means (after filtering, for FgMDM)."""
        _check_fitted(self, "_model")
        return self._model.transform(X)

    def predict(self, X):
        _check_fitted(self, "_model")
        return self.classes_[self._model.predict(X)]

    def predict_proba(self, X):
        """(n, K) softmax(-d^2) of the distances, column k for classes_[k]."""
        _check_fitted(self, "_model")
        return self._model.predict_proba(X)


class MDM(_NearestMean, ClassifierMixin, BaseEstimator):
    """Minimum distance to mean, as pyRiemann's ``MDM``: one mean per class under ``metric``
    ('riemann', 'logeuclid', 'euclid'); predict gives the class of the nearest mean,
    predict_proba softmax(-d^2). Labels may be of any type numpy.unique sorts. ``step_rule``:
    the Riemannian means' step, 'secant' (default) or 'pyriemann' (pyRiemann's numbers to
    rounding).

    Attributes after fit: ``classes_``, ``covmeans_`` (K, C, C), ``mean_runs_`` (one
    sampo.Run per class).
    """

    def __init__(self, metric="riemann", tolerance=_D["tolerance"],
                 max_iterations=_D["max_iterations"], step_rule=_D["step_rule"]):
        self.metric = metric
        self.tolerance = tolerance
        self.max_iterations = max_iterations
        self.step_rule = step_rule

    def fit(self, X, y):
        classes, index = np.unique(np.asarray(y), return_inverse=True)
        model = Mdm(self.metric, tolerance=self.tolerance,
                    max_iterations=int(self.max_iterations), step_rule=self.step_rule)
        model.fit(X, index.astype(np.int64))
        self._model = model
        self.classes_ = classes
        self.covmeans_ = model.means
        self.mean_runs_ = model.mean_runs
        return self


class FGDA(TransformerMixin, BaseEstimator):
    """Fisher geodesic discriminant filtering, as pyRiemann's ``FGDA``: SPD matrices (n, C, C)
    -> filtered SPD matrices (n, C, C) (tangent space at the training Riemannian mean, projection
    on the shrinkage-LDA directions, back to the manifold). Labels of any type numpy.unique sorts.

    Attributes after fit: ``reference_`` (C, C), ``projection_`` (C (C + 1) / 2, C (C + 1) / 2).
    """

    def __init__(self, tolerance=_D["tolerance"], max_iterations=_D["max_iterations"],
                 step_rule=_D["step_rule"]):
        self.tolerance = tolerance
        self.max_iterations = max_iterations
        self.step_rule = step_rule

    def fit(self, X, y):
        _, index = np.unique(np.asarray(y), return_inverse=True)
        model = Fgda(tolerance=self.tolerance, max_iterations=int(self.max_iterations),
                     step_rule=self.step_rule)
        model.fit(X, index.astype(np.int64))
        self._fgda = model
        self.reference_ = model.reference
        self.projection_ = model.projection
        return self

    def transform(self, X):
        _check_fitted(self, "_fgda")
        return self._fgda.transform(X)


class FgMDM(_NearestMean, ClassifierMixin, BaseEstimator):
    """FgMDM, as pyRiemann's ``FgMDM``: FGDA filtering, then minimum distance to the Riemannian
    class means. Labels of any type numpy.unique sorts.

    Attributes after fit: ``classes_``.
    """

    def __init__(self, tolerance=_D["tolerance"], max_iterations=_D["max_iterations"],
                 step_rule=_D["step_rule"]):
        self.tolerance = tolerance
        self.max_iterations = max_iterations
        self.step_rule = step_rule

    def fit(self, X, y):
        classes, index = np.unique(np.asarray(y), return_inverse=True)
        model = FgMdm(tolerance=self.tolerance, max_iterations=int(self.max_iterations),
                      step_rule=self.step_rule)
        model.fit(X, index.astype(np.int64))
        self._model = model
        self.classes_ = classes
        return self


class Pipeline(ClassifierMixin, BaseEstimator):
    """One of sampo's C++ pipelines (sampo::riemann::Pipeline) as a scikit-learn classifier:
    raw trials (n, C, T) in (or SPD matrices (n, C, C) with ``covariances=True``), labels of
    any type numpy.unique sorts. ``kind``:

    - 'mdm': covariance -> MDM;  'fgmdm': covariance -> FGDA -> MDM;
    - 'ts-lr' / 'ts-svm': covariance -> tangent space at the training Riemannian mean ->
      LIBLINEAR logistic regression (``logistic_c``) / LIBSVM (``svm_c``, ``svm_kernel``,
      ``svm_gamma``; gamma <= 0: scikit-learn's 'scale');
    - 'acm-ts-svm' / 'acm-mdm': augmented covariance (``order``, ``lag``) -> tangent space ->
      SVM / MDM (order 1: the same as ts-svm / mdm).

    ``estimator`` / ``regularization`` choose the covariance estimator, ``tolerance`` /
    ``max_iterations`` / ``step_rule`` the Riemannian mean. The numbers are those of
    ``sampo.riemann.cross_validate`` and ``sampo riemann classify``. Ctrl-C during fit raises
    KeyboardInterrupt.

    Attributes after fit: ``classes_``, ``reference_`` (the tangent-space reference; empty
    for mdm / acm-mdm), ``classifier_run_`` (a sampo.Run).
    """

    def __init__(self, kind=_P["kind"], estimator=_P["estimator"],
                 regularization=_P["regularization"], order=_P["order"], lag=_P["lag"],
                 tolerance=_P["tolerance"], max_iterations=_P["max_iterations"],
                 logistic_c=_P["logistic_c"], svm_c=_P["svm_c"], svm_kernel=_P["svm_kernel"],
                 svm_gamma=_P["svm_gamma"], covariances=False, step_rule=_D["step_rule"]):
        self.kind = kind
        self.estimator = estimator
        self.regularization = regularization
        self.order = order
        self.lag = lag
        self.tolerance = tolerance
        self.max_iterations = max_iterations
        self.logistic_c = logistic_c
        self.svm_c = svm_c
        self.svm_kernel = svm_kernel
        self.svm_gamma = svm_gamma
        self.covariances = covariances
        self.step_rule = step_rule

    def _model(self):
        return _r._Pipeline(
            self.kind, estimator=self.estimator, regularization=self.regularization,
            order=int(self.order), lag=int(self.lag), tolerance=self.tolerance,
            max_iterations=int(self.max_iterations), logistic_c=self.logistic_c,
            svm_c=self.svm_c, svm_kernel=self.svm_kernel, svm_gamma=self.svm_gamma,
            step_rule=self.step_rule)

    def fit(self, X, y):
        classes, index = np.unique(np.asarray(y), return_inverse=True)
        model = self._model()
        model.fit(X, index.astype(np.int64), covariances=bool(self.covariances))
        self._pipeline = model
        self.classes_ = classes
        self.reference_ = model.reference
        self.classifier_run_ = model.classifier_run
        return self

    def predict(self, X):
        _check_fitted(self, "_pipeline")
        return self.classes_[self._pipeline.predict(X, covariances=bool(self.covariances))]

    def scores(self, X):
        """(n, K) class scores, column k for classes_[k] (larger: more likely)."""
        _check_fitted(self, "_pipeline")
        return self._pipeline.scores(X, covariances=bool(self.covariances))

    def decision_function(self, X):
        """The scores; for two classes the score of classes_[1], as scikit-learn expects (the
        ROC-AUC of sampo.riemann.cross_validate is computed from it)."""
        s = self.scores(X)
        return s[:, 1] if s.shape[1] == 2 else s

    def predict_proba(self, X):
        """softmax(-d^2) over the class means: the MDM kinds only ('mdm', 'acm-mdm', 'fgmdm');
        the LR / SVM kinds give decision values (decision_function), not probabilities."""
        if self.kind not in ("mdm", "acm-mdm", "fgmdm"):
            raise AttributeError(f"Pipeline(kind={self.kind!r}) has no predict_proba: use "
                                 "decision_function")
        return self.scores(X)

    def transform(self, X):
        """The covariance (or ACM) matrices this pipeline computes from raw trials."""
        return self._model().features(X)


def _check_fitted(estimator, attribute):
    if not hasattr(estimator, attribute):
        try:
            from sklearn.exceptions import NotFittedError
        except ImportError:  # pragma: no cover
            NotFittedError = ValueError
        raise NotFittedError(
            f"{type(estimator).__name__} is not fitted yet: call fit before using it")

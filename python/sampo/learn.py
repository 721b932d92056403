"""Statistical learning shared by sampo's modules (sampo::learn): cross-validation folds drawn
from sampo's counter-based streams (the same on every platform), ROC-AUC and accuracy, and
scikit-learn's shrinkage LDA coefficients. See docs/learn.md.
"""
from ._sampo.learn import (  # noqa: F401
    accuracy, kfold, lda_coefficients, roc_auc, stratified_folds)

__all__ = ["kfold", "stratified_folds", "roc_auc", "accuracy", "lda_coefficients"]

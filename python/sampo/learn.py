"""Statistical learning shared by sampo's modules (sampo::learn): cross-validation folds drawn
from sampo's counter-based streams (the same on every platform), ROC-AUC and accuracy,
scikit-learn's shrinkage LDA coefficients, and the LIBLINEAR logistic regression and LIBSVM
C-SVC classifiers scikit-learn itself uses. See docs/learn.md.
"""
from ._sampo.learn import (  # noqa: F401
    LogisticRegression, Svm, accuracy, kfold, lda_coefficients, roc_auc, stratified_folds)

__all__ = ["kfold", "stratified_folds", "roc_auc", "accuracy", "lda_coefficients",
           "LogisticRegression", "Svm"]

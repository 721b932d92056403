#pragma once
/// @file
/// The learn layer: statistical learning shared by the modules — class labels, folds,
/// metrics, covariance estimators, shrinkage LDA, LIBLINEAR logistic regression and LIBSVM
/// C-SVC, and generic cross-validation and grid-search drivers. See docs/learn.md.

#include "sampo/learn/classifier.hpp"
#include "sampo/learn/covariance.hpp"
#include "sampo/learn/cross_validation.hpp"
#include "sampo/learn/folds.hpp"
#include "sampo/learn/grid_search.hpp"
#include "sampo/learn/labels.hpp"
#include "sampo/learn/lda.hpp"
#include "sampo/learn/logistic_regression.hpp"
#include "sampo/learn/metrics.hpp"
#include "sampo/learn/svm.hpp"

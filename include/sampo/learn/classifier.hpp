#pragma once
/// @file
/// What every classifier's fit returns, and the layout every classifier's decision values
/// share.
///
/// Samples are the rows of an n x d matrix. Class labels are arbitrary ints; classes() lists
/// them sorted (learn::class_list). decision_function returns, as scikit-learn, one column for
/// two classes (the score of classes()[1]: positive means classes()[1]) and one column per
/// class otherwise.

#include "sampo/core/termination.hpp"

namespace sampo::learn {

/// How a classifier was trained.
struct ClassifierFitResult {
  /// termination: converged, or max_iterations when the engine (LIBLINEAR / LIBSVM) reached
  /// its iteration limit (message: the engine's warning; the model is the last iterate and is
  /// usable). iterations: the engine's iterations, summed over its binary sub-problems.
  /// seconds: wall-clock time of the fit. Every other line the engine prints goes to
  /// sampo::log at debug level, prefixed with the engine's name.
  sampo::Run run;
};

}  // namespace sampo::learn

#pragma once
/// @file
/// The riemann module: covariance and augmented covariance (ACM) estimators, SPD distances,
/// geodesics, means and tangent space, MDM and tangent-space classifiers (LIBLINEAR / LIBSVM),
/// pipelines and cross-validation, Butterworth band-pass filtering and epoching for EEG.
/// See docs/riemann.md.

#include "sampo/riemann/covariance.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo/riemann/epochs.hpp"
#include "sampo/riemann/evaluation.hpp"
#include "sampo/riemann/fgmdm.hpp"
#include "sampo/riemann/filter.hpp"
#include "sampo/riemann/geodesic.hpp"
#include "sampo/riemann/mdm.hpp"
#include "sampo/riemann/mean.hpp"
#include "sampo/riemann/metric.hpp"
#include "sampo/riemann/pipeline.hpp"
#include "sampo/riemann/tangent_space.hpp"

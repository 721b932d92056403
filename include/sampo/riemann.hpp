#pragma once
/// @file
/// The riemann module: covariance and augmented covariance (ACM) estimators, SPD distances,
/// geodesics, means and tangent space, MDM, FgMDM and tangent-space pipelines and their
/// cross-validation. Classifiers, folds, metrics and the CV drivers are sampo::learn's
/// (<sampo/learn.hpp>); filtering and epoching are sampo::signal's (<sampo/signal.hpp>).
/// See docs/riemann.md.

#include "sampo/riemann/covariance.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo/riemann/evaluation.hpp"
#include "sampo/riemann/fgmdm.hpp"
#include "sampo/riemann/geodesic.hpp"
#include "sampo/riemann/mdm.hpp"
#include "sampo/riemann/mean.hpp"
#include "sampo/riemann/metric.hpp"
#include "sampo/riemann/pipeline.hpp"
#include "sampo/riemann/tangent_space.hpp"

#pragma once
/// @file
/// The mc module: unbiased rare-event estimators over logged tests — crude Monte Carlo,
/// importance sampling, defensive mixtures, cross-fitted control variates, sparse control
/// variates (unbiased and stratified forms), multi-surrogate weights by QP, and precision
/// reports. See docs/mc.md.

#include "sampo/mc/control_variates.hpp"
#include "sampo/mc/curve.hpp"
#include "sampo/mc/estimate.hpp"
#include "sampo/mc/gaussian_benchmark.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/mc/log_io.hpp"
#include "sampo/mc/multi_surrogate.hpp"
#include "sampo/mc/sparse_control_variates.hpp"
#include "sampo/mc/streaming.hpp"
#include "sampo/mc/test_log.hpp"

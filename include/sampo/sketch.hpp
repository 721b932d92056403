#pragma once
/// @file
/// sampo::sketch — leverage scores (root, approximate), ℓp Lewis weights, ℓp sensitivities,
/// ℓp row sampling, ℓp regression and the distortion of a sample (docs/sketch.md).

#include "sampo/sketch/distortion.hpp"
#include "sampo/sketch/leverage.hpp"
#include "sampo/sketch/lewis.hpp"
#include "sampo/sketch/regression.hpp"
#include "sampo/sketch/sampling.hpp"
#include "sampo/sketch/sensitivity.hpp"

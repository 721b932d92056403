#pragma once
/// @file
/// Umbrella header of sampo::core: errors, argument checks, termination and run reports,
/// logging, progress and cancellation hooks, version.
#include "sampo/core/cancellation.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/log.hpp"
#include "sampo/core/progress.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/core/version.hpp"

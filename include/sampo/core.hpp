#pragma once
/// @file
/// Umbrella header of sampo::core: errors, argument checks, termination and run reports,
/// logging hook, version.
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/log.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/core/version.hpp"

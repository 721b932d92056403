#pragma once
/// @file
/// Everything sampo offers, for users who prefer one include (link sampo::sampo). Each module
/// also has its own umbrella, e.g. <sampo/linalg.hpp>, and one header per concept.
#include "sampo/bilevel.hpp"
#include "sampo/cav.hpp"
#include "sampo/core.hpp"
#include "sampo/io.hpp"
#include "sampo/knots.hpp"
#include "sampo/learn.hpp"
#include "sampo/linalg.hpp"
#include "sampo/mc.hpp"
#include "sampo/parallel.hpp"
#include "sampo/riemann.hpp"
#include "sampo/signal.hpp"
#include "sampo/sketch.hpp"

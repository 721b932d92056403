#pragma once
/// @file
/// sampo::bilevel — bilevel optimization on counted oracles: the Problem interface, built-in
/// problems with closed forms, BO-REP and the baselines, an oracle checker (docs/bilevel.md).

#include "sampo/bilevel/benchmarks.hpp"
#include "sampo/bilevel/check.hpp"
#include "sampo/bilevel/hyperclean.hpp"
#include "sampo/bilevel/oracles.hpp"
#include "sampo/bilevel/problem.hpp"
#include "sampo/bilevel/problems.hpp"
#include "sampo/bilevel/solvers.hpp"

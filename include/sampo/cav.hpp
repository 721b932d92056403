#pragma once
/// @file
/// Umbrella header of sampo::cav: testing automated vehicles in simulation — the highway
/// micro-simulator, the IDM/MOBIL vehicle under test and its presets, naturalistic behaviour
/// models and probability tables, the surrogate, the NDE/NADE test environments and the exact
/// dynamic-programming car-following benchmark, and their sampo::mc test logs (docs/cav.md).
#include "sampo/cav/action.hpp"
#include "sampo/cav/driver.hpp"
#include "sampo/cav/environment.hpp"
#include "sampo/cav/exact_car_following.hpp"
#include "sampo/cav/naturalistic.hpp"
#include "sampo/cav/probability_table.hpp"
#include "sampo/cav/surrogate.hpp"
#include "sampo/cav/test_log.hpp"
#include "sampo/cav/traffic.hpp"

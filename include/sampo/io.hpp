#pragma once
/// @file
/// sampo::io — files and report tables: atomic writes, CSV, NumPy .npy, JSON, text tables.

#include "sampo/io/atomic_file.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/json.hpp"
#include "sampo/io/npy.hpp"
#include "sampo/io/table.hpp"

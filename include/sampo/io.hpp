#pragma once
/// @file
/// sampo::io — files and report tables: atomic writes, CSV, NumPy .npy, text tables.
///
/// JSON (`sampo/io/json.hpp`) is not included here: its interface is nlohmann::json, so a
/// program that includes it needs the nlohmann-json headers (Debian nlohmann-json3-dev); a
/// program that does not, does not.

#include "sampo/io/atomic_file.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/matrix_market.hpp"
#include "sampo/io/npz.hpp"
#include "sampo/io/npy.hpp"
#include "sampo/io/table.hpp"

#pragma once
/// @file
/// Eigen as every sampo header includes it, followed by a compile-time check that this file's
/// Eigen has the binary interface sampo was built with.
///
/// sampo's functions take and return Eigen objects, so a file that calls them and sampo's
/// compiled library must agree on how Eigen aligns, allocates and frees memory. Eigen derives
/// that from EIGEN_MAX_ALIGN_BYTES, EIGEN_MAX_STATIC_ALIGN_BYTES and the instruction set the
/// file is compiled for: left to its defaults, a file built with -march=native on an AVX2
/// machine assumes 32-byte aligned arrays and frees them with its own aligned allocator, while
/// an x86-64 baseline build allocates them 16-byte aligned with malloc, so a vector returned by
/// sampo crashes at its first vectorized use or when it is destroyed. sampo fixes both macros
/// (values: sampo/core/config.hpp); the CMake targets sampo::* and `pkg-config --cflags sampo`
/// pass them to your files. docs/consumers.md says what a user may and may not change.
///
/// The checks follow the Eigen include because Eigen's macros have their final values only
/// there: a file may have included Eigen before, with settings of its own. Each message names
/// this file's value, sampo's value and the fix.

#include <Eigen/Core>
#include <cstddef>
#include <type_traits>

#include "sampo/core/config.hpp"

// clang-format off
#define SAMPO_DETAIL_STR2(x) #x
#define SAMPO_DETAIL_STR(x) SAMPO_DETAIL_STR2(x)
#define SAMPO_DETAIL_EIGEN_FIX \
  " Fix: compile every file that includes sampo, or exchanges Eigen objects with code that" \
  " does, with -DEIGEN_MAX_ALIGN_BYTES=" SAMPO_DETAIL_STR(SAMPO_EIGEN_MAX_ALIGN_BYTES) \
  " -DEIGEN_MAX_STATIC_ALIGN_BYTES=" SAMPO_DETAIL_STR(SAMPO_EIGEN_MAX_STATIC_ALIGN_BYTES) \
  " (linking a CMake target sampo::<module>, or `pkg-config --cflags sampo`, adds them), and" \
  " do not set these macros, EIGEN_DONT_ALIGN or EIGEN_MALLOC_ALREADY_ALIGNED yourself. See" \
  " docs/consumers.md."

static_assert(EIGEN_WORLD_VERSION == SAMPO_EIGEN_WORLD_VERSION &&
              EIGEN_MAJOR_VERSION == SAMPO_EIGEN_MAJOR_VERSION,
  "sampo: this file includes Eigen " SAMPO_DETAIL_STR(EIGEN_WORLD_VERSION) "."
  SAMPO_DETAIL_STR(EIGEN_MAJOR_VERSION) "." SAMPO_DETAIL_STR(EIGEN_MINOR_VERSION)
  ", sampo was built with Eigen " SAMPO_DETAIL_STR(SAMPO_EIGEN_WORLD_VERSION) "."
  SAMPO_DETAIL_STR(SAMPO_EIGEN_MAJOR_VERSION) "." SAMPO_DETAIL_STR(SAMPO_EIGEN_MINOR_VERSION)
  ": Eigen's types and allocator may differ between the two. Fix: put the Eigen sampo was "
  "built with first on the include path, or rebuild sampo with yours. See docs/consumers.md.");

static_assert(EIGEN_MAX_ALIGN_BYTES == SAMPO_EIGEN_MAX_ALIGN_BYTES,
  "sampo: this file sees EIGEN_MAX_ALIGN_BYTES=" SAMPO_DETAIL_STR(EIGEN_MAX_ALIGN_BYTES)
  ", sampo was built with " SAMPO_DETAIL_STR(SAMPO_EIGEN_MAX_ALIGN_BYTES) ": Eigen arrays "
  "passed between them would be misaligned or freed by the wrong allocator (a crash)."
  SAMPO_DETAIL_EIGEN_FIX);

static_assert(EIGEN_MAX_STATIC_ALIGN_BYTES == SAMPO_EIGEN_MAX_STATIC_ALIGN_BYTES,
  "sampo: this file sees EIGEN_MAX_STATIC_ALIGN_BYTES=" SAMPO_DETAIL_STR(EIGEN_MAX_STATIC_ALIGN_BYTES)
  ", sampo was built with " SAMPO_DETAIL_STR(SAMPO_EIGEN_MAX_STATIC_ALIGN_BYTES) ": fixed-size "
  "Eigen types (Vector4d, Matrix4d, ...) and structs holding them would have another layout."
  SAMPO_DETAIL_EIGEN_FIX);

// Eigen's heap allocator is malloc/free if EIGEN_MALLOC_ALREADY_ALIGNED, else its own, aligned
// to EIGEN_DEFAULT_ALIGN_BYTES = max(EIGEN_MAX_ALIGN_BYTES, the processor's ideal alignment).
static_assert(EIGEN_DEFAULT_ALIGN_BYTES == SAMPO_EIGEN_MAX_ALIGN_BYTES &&
              !EIGEN_MALLOC_ALREADY_ALIGNED,
  "sampo: this file's Eigen allocates with EIGEN_DEFAULT_ALIGN_BYTES="
  SAMPO_DETAIL_STR(EIGEN_DEFAULT_ALIGN_BYTES) " and EIGEN_MALLOC_ALREADY_ALIGNED="
  SAMPO_DETAIL_STR(EIGEN_MALLOC_ALREADY_ALIGNED) ", sampo with its own "
  SAMPO_DETAIL_STR(SAMPO_EIGEN_MAX_ALIGN_BYTES) "-byte aligned allocator: an Eigen object "
  "freed on the other side would crash." SAMPO_DETAIL_EIGEN_FIX);

static_assert(std::is_same_v<Eigen::Index, std::ptrdiff_t>,
  "sampo: Eigen::Index is not std::ptrdiff_t here (EIGEN_DEFAULT_DENSE_INDEX_TYPE is set), so "
  "Eigen objects have another layout than in sampo. Fix: do not set "
  "EIGEN_DEFAULT_DENSE_INDEX_TYPE in files that use sampo. See docs/consumers.md.");

static_assert(!Eigen::MatrixXd::IsRowMajor,
  "sampo: Eigen::MatrixXd is row-major here (EIGEN_DEFAULT_TO_ROW_MAJOR is set); sampo is "
  "compiled for column-major matrices. Fix: do not set EIGEN_DEFAULT_TO_ROW_MAJOR in files "
  "that use sampo. See docs/consumers.md.");

static_assert(sizeof(Eigen::MatrixXd) == sizeof(double*) + 2 * sizeof(Eigen::Index) &&
              sizeof(Eigen::VectorXd) == sizeof(double*) + sizeof(Eigen::Index),
  "sampo: Eigen's dense matrices have another layout here than in sampo's build (does a "
  "plugin such as EIGEN_MATRIX_PLUGIN add data members?). See docs/consumers.md.");
// clang-format on

#undef SAMPO_DETAIL_EIGEN_FIX
#undef SAMPO_DETAIL_STR
#undef SAMPO_DETAIL_STR2

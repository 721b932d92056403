# Every third-party package sampo uses, found once, here. Each comes from a Debian 12 package
# (scripts/bootstrap installs them); the README's dependency table says why each is used.
find_package(Eigen3 3.4 REQUIRED NO_MODULE)

# Eigen's ABI, fixed so that it does not depend on the instruction set a file is compiled for
# (docs/consumers.md). Eigen's allocator and its alignment assumptions follow
# EIGEN_DEFAULT_ALIGN_BYTES = max(EIGEN_MAX_ALIGN_BYTES, the processor's ideal: 16 for SSE2,
# 32 for AVX, 64 for AVX-512); only a maximum of 64 makes that the same for every -march, so an
# Eigen object allocated in sampo can be used and freed by a user's -march=native code and back.
# Fixed-size objects keep the x86-64 baseline alignment of 16 bytes, so a struct holding one has
# the same layout everywhere. Every module carries the definitions PUBLIC (sampo_add_module), so
# sampo's own files, its tests and apps, the AVX2 kernels and every consumer of the installed
# targets or of sampo.pc compile with them; <sampo/core/eigen.hpp> refuses a file that does not.
set(SAMPO_EIGEN_MAX_ALIGN_BYTES 64)
set(SAMPO_EIGEN_MAX_STATIC_ALIGN_BYTES 16)
set(SAMPO_EIGEN_DEFINITIONS EIGEN_MAX_ALIGN_BYTES=${SAMPO_EIGEN_MAX_ALIGN_BYTES}
                            EIGEN_MAX_STATIC_ALIGN_BYTES=${SAMPO_EIGEN_MAX_STATIC_ALIGN_BYTES})
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(nlohmann_json 3.10 REQUIRED)

find_path(SAMPO_RANDOM123_INCLUDE_DIR Random123/philox.h)
if(NOT SAMPO_RANDOM123_INCLUDE_DIR)
  message(FATAL_ERROR "Random123 headers not found (Debian package librandom123-dev)")
endif()
if(NOT TARGET sampo_random123)
  add_library(sampo_random123 INTERFACE)
  target_include_directories(sampo_random123 SYSTEM INTERFACE ${SAMPO_RANDOM123_INCLUDE_DIR})
endif()

# GLPK (Debian libglpk-dev): the simplex method behind sketch's optional LP path for p = 1
# sensitivities (SensitivityOptions::use_glpk), a cross-check of its own certified solver.
find_path(SAMPO_GLPK_INCLUDE_DIR glpk.h)
find_library(SAMPO_GLPK_LIBRARY glpk)
if(NOT SAMPO_GLPK_INCLUDE_DIR OR NOT SAMPO_GLPK_LIBRARY)
  message(FATAL_ERROR "GLPK not found (Debian package libglpk-dev)")
endif()

set(SAMPO_HAVE_MPI OFF)
if(NOT SAMPO_WITH_MPI STREQUAL "OFF")
  if(SAMPO_WITH_MPI STREQUAL "ON")
    find_package(MPI REQUIRED COMPONENTS CXX)
  else()
    find_package(MPI QUIET COMPONENTS CXX)
  endif()
  if(MPI_CXX_FOUND)
    set(SAMPO_HAVE_MPI ON)
  endif()
endif()
message(STATUS "sampo: MPI support ${SAMPO_HAVE_MPI}")

if(SAMPO_SANITIZERS)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

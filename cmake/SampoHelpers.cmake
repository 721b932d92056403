# sampo_add_module(NAME SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
#   One compiled library per module, exported as sampo::NAME. A module links only what the
#   dependency direction of ARCHITECTURE.md allows; linking is how that direction is enforced.
set(SAMPO_MODULES "" CACHE INTERNAL "sampo modules built")
set(SAMPO_WARNING_FLAGS -Wall -Wextra -Wpedantic)
if(SAMPO_WARNINGS_AS_ERRORS)
  list(APPEND SAMPO_WARNING_FLAGS -Werror)
endif()

function(sampo_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(sampo_${name} ${ARG_SOURCES})
  add_library(sampo::${name} ALIAS sampo_${name})
  set_target_properties(sampo_${name} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME sampo_${name}
                        VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  target_include_directories(sampo_${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(sampo_${name} PUBLIC cxx_std_20)
  target_compile_definitions(sampo_${name} PUBLIC ${SAMPO_EIGEN_DEFINITIONS})
  target_compile_options(sampo_${name} PRIVATE ${SAMPO_WARNING_FLAGS})
  target_link_libraries(sampo_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set(SAMPO_MODULES ${SAMPO_MODULES} ${name} CACHE INTERNAL "sampo modules built")
endfunction()

# sampo_add_tests(MODULE SOURCES ... [DEPS ...])
#   One Catch2 executable per module (sampo_test_MODULE); one CTest test per source file,
#   selected with Catch's file tag (-# "[#file]"), named MODULE.file.
function(sampo_add_tests module)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  set(exe sampo_test_${module})
  add_executable(${exe} ${ARG_SOURCES})
  target_link_libraries(${exe} PRIVATE sampo_catch_main sampo_fixtures sampo::${module} ${ARG_DEPS})
  target_compile_options(${exe} PRIVATE ${SAMPO_WARNING_FLAGS})
  add_dependencies(sampo_unit_tests ${exe})
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(stem ${src} NAME_WE)
    add_test(NAME ${module}.${stem} COMMAND ${exe} "-#" "[#${stem}]")
    set_tests_properties(${module}.${stem} PROPERTIES LABELS "unit;${module};${ARG_LABELS}"
                         ENVIRONMENT "SAMPO_SHARED_DIR=${PROJECT_SOURCE_DIR}/../shared")
  endforeach()
endfunction()

# sampo_mpiexec_flags(VAR): the launcher flags sampo's MPI tests need. Open MPI refuses to run
# as root (containers, CI) and to start more ranks than cores unless told; other MPIs do not
# know these flags.
function(sampo_mpiexec_flags var)
  execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version OUTPUT_VARIABLE version
                  ERROR_VARIABLE version)
  set(flags "")
  if(version MATCHES "Open MPI|OpenRTE")
    set(flags --allow-run-as-root --oversubscribe)
  endif()
  set(${var} ${flags} PARENT_SCOPE)
endfunction()

# sampo_add_mpi_tests(MODULE SOURCE file.cpp [DEPS ...])
#   A Catch2 program run under a real launcher with 1 and 2 ranks (tests MODULE.mpi_np1 and
#   MODULE.mpi_np2, label mpi): both must reproduce the single-process bits. Nothing without MPI.
function(sampo_add_mpi_tests module)
  cmake_parse_arguments(ARG "" "SOURCE" "DEPS" ${ARGN})
  if(NOT SAMPO_HAVE_MPI)
    return()
  endif()
  sampo_mpiexec_flags(flags)
  set(exe sampo_test_${module}_mpi)
  add_executable(${exe} ${ARG_SOURCE})
  target_link_libraries(${exe} PRIVATE sampo_catch_main sampo::${module} ${ARG_DEPS})
  target_compile_options(${exe} PRIVATE ${SAMPO_WARNING_FLAGS})
  foreach(np IN ITEMS 1 2)
    add_test(NAME ${module}.mpi_np${np}
             COMMAND ${MPIEXEC_EXECUTABLE} ${flags} ${MPIEXEC_NUMPROC_FLAG} ${np}
                     ${MPIEXEC_PREFLAGS} $<TARGET_FILE:${exe}> ${MPIEXEC_POSTFLAGS})
    # OMP_NUM_THREADS=1: the tests set their thread counts themselves; oversubscribed ranks
    # with default teams would only slow them down.
    set_tests_properties(${module}.mpi_np${np} PROPERTIES LABELS "mpi;${module}" TIMEOUT 300
      ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMP_NUM_THREADS=1")
  endforeach()
endfunction()

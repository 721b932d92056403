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
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(stem ${src} NAME_WE)
    add_test(NAME ${module}.${stem} COMMAND ${exe} "-#" "[#${stem}]")
    set_tests_properties(${module}.${stem} PROPERTIES LABELS "unit;${module};${ARG_LABELS}"
                         ENVIRONMENT "SAMPO_SHARED_DIR=${PROJECT_SOURCE_DIR}/../shared")
  endforeach()
endfunction()

# Install rules: headers, one library per module, the umbrella sampo::sampo, sampoConfig.cmake
# with its version file, and sampo.pc.
include(CMakePackageConfigHelpers)

add_library(sampo_sampo INTERFACE)
add_library(sampo::sampo ALIAS sampo_sampo)
set_target_properties(sampo_sampo PROPERTIES EXPORT_NAME sampo)
foreach(m IN LISTS SAMPO_MODULES)
  target_link_libraries(sampo_sampo INTERFACE sampo_${m})
endforeach()

set(SAMPO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/sampo)
list(TRANSFORM SAMPO_MODULES PREPEND sampo_ OUTPUT_VARIABLE _sampo_targets)
install(TARGETS ${_sampo_targets} sampo_sampo EXPORT sampoTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/sampo DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} PATTERN "*.in" EXCLUDE)
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/sampo DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT sampoTargets NAMESPACE sampo:: DESTINATION ${SAMPO_CMAKE_DIR})

math(EXPR Eigen3_NEXT_MINOR "${Eigen3_VERSION_MINOR} + 1")  # sampoConfig accepts Eigen 3.4.x
configure_package_config_file(cmake/sampoConfig.cmake.in
  ${PROJECT_BINARY_DIR}/sampoConfig.cmake INSTALL_DESTINATION ${SAMPO_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sampoConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sampoConfig.cmake ${PROJECT_BINARY_DIR}/sampoConfigVersion.cmake
        DESTINATION ${SAMPO_CMAKE_DIR})

set(_sampo_pc_modules ${SAMPO_MODULES})
list(REVERSE _sampo_pc_modules)  # static linking: a module before the modules it uses
list(TRANSFORM _sampo_pc_modules PREPEND -lsampo_ OUTPUT_VARIABLE _sampo_pc_libs)
# The module libraries are static: their own dependencies go on the same line.
foreach(lib IN ITEMS SAMPO_BIOSIG_LIBRARY SAMPO_ZLIB_LIBRARY SAMPO_LIBLINEAR_LIBRARY
                    SAMPO_LIBSVM_LIBRARY SAMPO_GLPK_LIBRARY SAMPO_MUPARSER_LIBRARY)
  if(${lib})
    list(APPEND _sampo_pc_libs ${${lib}})
  endif()
endforeach()
list(JOIN _sampo_pc_libs " " SAMPO_PC_LIBS)
# The prefix relative to the .pc file, so the file is right wherever --prefix puts it.
file(RELATIVE_PATH SAMPO_PC_UP "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" SAMPO_PC_UP "${SAMPO_PC_UP}")
set(SAMPO_PC_REQUIRES eigen3)
if(SAMPO_HAVE_MPI)
  string(APPEND SAMPO_PC_REQUIRES " ompi-cxx")
endif()
# Eigen's alignment settings are part of sampo's binary interface (cmake/SampoDependencies.cmake).
list(TRANSFORM SAMPO_EIGEN_DEFINITIONS PREPEND -D OUTPUT_VARIABLE _sampo_pc_cflags)
list(JOIN _sampo_pc_cflags " " SAMPO_PC_CFLAGS)
configure_file(cmake/sampo.pc.in ${PROJECT_BINARY_DIR}/sampo.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/sampo.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(SAMPO_BUILD_APPS)
  install(TARGETS sampo_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# CTest python.install: `cmake --install --component python` into PREFIX, then import the
# package from PREFIX/SITE with the source and build trees off the path, and check its version.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX} --component python
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install --component python failed (${rc})")
endif()
set(ENV{PYTHONPATH} ${PREFIX}/${SITE})
execute_process(COMMAND ${PYTHON} -c
                  "import sampo, numpy; print(sampo.__version__, sampo.__file__); assert sampo.riemann.distance(numpy.eye(2), numpy.eye(2)) == 0.0"
                WORKING_DIRECTORY ${PREFIX} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}${err}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "^${VERSION} ${PREFIX}/${SITE}/sampo/__init__.py")
  message(FATAL_ERROR "the installed sampo package did not import from ${PREFIX}/${SITE}")
endif()

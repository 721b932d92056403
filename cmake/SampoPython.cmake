# sampo_find_python(): finds the Python 3 that the `sampo` package is built for: Python3 with
# its headers and NumPy, then pybind11 (in its FindPython mode). Sets sampo_python_found.
#
# Python3_EXECUTABLE may be given; otherwise the first `python3` on PATH that imports NumPy,
# else Debian's /usr/bin/python3: a version manager's shim first on PATH (pyenv) may lack the
# Debian packages (python3-numpy) that scripts/bootstrap installs for /usr/bin/python3.
macro(sampo_find_python mode)
  if(NOT DEFINED Python3_EXECUTABLE)
    find_program(sampo_python_on_path NAMES python3 NO_CACHE)
    foreach(candidate IN ITEMS ${sampo_python_on_path} /usr/bin/python3)
      if(EXISTS "${candidate}")
        execute_process(COMMAND "${candidate}" -c "import numpy"
                        RESULT_VARIABLE sampo_python_no_numpy OUTPUT_QUIET ERROR_QUIET)
        if(sampo_python_no_numpy EQUAL 0)
          set(Python3_EXECUTABLE "${candidate}" CACHE FILEPATH "Python 3 for the sampo package")
          break()
        endif()
      endif()
    endforeach()
  endif()
  find_package(Python3 3.9 ${mode} COMPONENTS Interpreter Development.Module NumPy)
  set(sampo_python_found OFF)
  if(Python3_FOUND)
    # Only now: without Python3 found, pybind11 2.10 falls back to its old finder, which
    # stops the configure with an error even when QUIET.
    find_package(pybind11 2.10 CONFIG ${mode})
    if(pybind11_FOUND)
      set(sampo_python_found ON)
    endif()
  endif()
endmacro()

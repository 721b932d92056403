# Fails if the AVX2 kernels' object (kernels_avx2.cpp.o among OBJECTS, "|"-separated) defines a
# global or weak symbol that does not mention its private namespaces: such a symbol (an Eigen or
# standard library instantiation compiled with AVX2) could be chosen by the linker for baseline
# code and crash on a processor without AVX2. A symbol whose mangled name mentions the renamed
# Eigen (e.g. a std:: template instantiated on one of its types) exists only in this object.
string(REPLACE "|" ";" objects "${OBJECTS}")
list(FILTER objects INCLUDE REGEX "kernels_avx2")
list(LENGTH objects count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "expected one kernels_avx2 object, found ${count}: ${OBJECTS}")
endif()
execute_process(COMMAND ${NM} --defined-only ${objects} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${objects}")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(bad "")
set(checked 0)
foreach(line IN LISTS lines)
  # "ADDRESS TYPE NAME": upper-case types and u/v/w are visible to other objects.
  if(line MATCHES "^[0-9a-f]* ([A-Zuvw]) (.*)$")
    math(EXPR checked "${checked} + 1")
    set(name "${CMAKE_MATCH_2}")
    if(NOT name MATCHES "16sampo_avx2_Eigen|5sampo6linalg6detail4avx2|^DW\\.ref\\.__gxx_personality_v0$")
      list(APPEND bad "${name}")
    endif()
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " text)
  message(FATAL_ERROR "kernels_avx2 exports symbols outside its namespaces:\n  ${text}")
endif()
message(STATUS "${checked} visible symbols of ${objects}, all private to the AVX2 kernels")

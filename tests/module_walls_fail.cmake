# Runs cmake/CheckModuleWalls.cmake on tests/data/module_walls, a module graph that breaks a wall
# through a dependency and links a library where it may not: the check must fail and name each
# problem (and nothing for the rules that hold).
#   cmake -DSCRIPT=<CheckModuleWalls.cmake> -DDATA=<tests/data/module_walls> -P module_walls_fail.cmake
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/expect_in_output.cmake)
execute_process(COMMAND ${CMAKE_COMMAND} -DDEPS_FILE=${DATA}/module_deps.cmake -DRULES=${DATA}/rules.cmake -P ${SCRIPT}
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "the check passed a graph with broken walls:\n${output}")
endif()
set(expected
  "module report reaches store (its DEPS: util;folders), but the rule \"report NOT store run\" forbids it"
  "module run links PkgConfig::libsystemd, which only watch may link"
  "rule \"ghost ONLY util\": there is no module ghost"
  "3 problem(s)")
expect_in_output("${output}" ${expected})

# Runs cmake/CheckModuleIncludes.cmake on tests/data/module_includes, a fake tree with violations in
# a source, a public header and src/app, and a folder no module is declared for: the check must fail,
# name each (file:line, the header, what to do) and report nothing else (allowed includes in either
# form, a commented-out one).
#   cmake -DSCRIPT=<CheckModuleIncludes.cmake> -DTREE=<tests/data/module_includes> -P module_includes_fail.cmake
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/expect_in_output.cmake)
execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${TREE} -DDEPS_FILE=${TREE}/module_deps.cmake -P ${SCRIPT}
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "the check passed a tree with violations:\n${output}")
endif()
set(expected
  "src/sync/foo.cpp:12 includes mailtwin/net/session.hpp, but module sync declares DEPS util model: add net to its DEPS in CMakeLists.txt or move the code"
  "include/mailtwin/net/session.hpp:3 includes mailtwin/sync/plan.hpp, but module net declares DEPS util: add sync to its DEPS in CMakeLists.txt or move the code"
  "src/app/main.cpp:3 includes mailtwin/net/session.hpp, but src/app (the mailtwin executable) links modules sync util: add mailtwin_net to its target_link_libraries in CMakeLists.txt or move the code"
  "src/app/main.cpp:2 includes mailtwin/bogus/thing.hpp, but there is no module bogus"
  "src/stray: no module stray is declared: add mailtwin_module(stray DEPS ...) to CMakeLists.txt")
expect_in_output("${output}" ${expected})
string(REGEX MATCHALL "[^\n]+( includes mailtwin/| no module [^\n]+ is declared)[^\n]+" reported "${output}")
list(LENGTH reported count)
list(LENGTH expected wanted)
if(NOT count EQUAL wanted)
  message(FATAL_ERROR "the check reported ${count} violations, ${wanted} expected:\n${output}")
endif()

# Module walls for headers. A module may include only its own headers and those of the modules it
# declares in CMakeLists.txt (mailtwin_module DEPS, direct ones only: each module says what it uses);
# src/app only those of the modules the mailtwin executable links. The linker cannot see this: a
# header-only or inline use of a module that is not linked builds fine, and the dependency graph
# silently stops being true.
#
#   cmake -DSOURCE_DIR=<tree> -DDEPS_FILE=<module_deps.cmake> -P cmake/CheckModuleIncludes.cmake
#
# DEPS_FILE is written by mailtwin_write_module_deps (cmake/Modules.cmake) from the same declarations
# CMake builds with: MAILTWIN_MODULES, and MAILTWIN_DEPS_<module> for each (plus app). The test
# module_includes runs this on the real tree; tests/data/module_includes is a tree that must fail.
# Checked: every #include of mailtwin/<X>/... in src/<module>/ and include/mailtwin/<module>/.

cmake_minimum_required(VERSION 3.25)
if(NOT SOURCE_DIR OR NOT DEPS_FILE)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<tree> -DDEPS_FILE=<file> -P CheckModuleIncludes.cmake")
endif()
cmake_path(ABSOLUTE_PATH SOURCE_DIR NORMALIZE)
include(${DEPS_FILE})

set(include_re "(^|\n)[ \t]*#[ \t]*include[ \t]*[<\"](mailtwin/([^/\">\n]+)/[^\">\n]*)")
set(violations 0)

# A folder that is no declared module would escape the check (and the build: nothing globs it).
file(GLOB folders LIST_DIRECTORIES true RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/src/* ${SOURCE_DIR}/include/mailtwin/*)
foreach(folder IN LISTS folders)
  get_filename_component(name ${folder} NAME)
  if(IS_DIRECTORY ${SOURCE_DIR}/${folder} AND NOT name IN_LIST MAILTWIN_MODULES)
    message("${folder}: no module ${name} is declared: add mailtwin_module(${name} DEPS ...) to CMakeLists.txt")
    math(EXPR violations "${violations} + 1")
  endif()
endforeach()

foreach(module IN LISTS MAILTWIN_MODULES)
  # Deps as declared: other modules (bare names, or mailtwin_<name> in the executable's links);
  # imported targets such as Boost::boost are not modules.
  set(allowed ${module})
  set(declared "")
  foreach(dep IN LISTS MAILTWIN_DEPS_${module})
    string(REGEX REPLACE "^mailtwin_" "" name "${dep}")
    if(name IN_LIST MAILTWIN_MODULES)
      list(APPEND allowed ${name})
      list(APPEND declared ${name})
    endif()
  endforeach()
  list(JOIN declared " " declared)
  if(NOT declared)
    set(declared "(none)")
  endif()
  if(module STREQUAL "app")
    set(who "src/app (the mailtwin executable) links modules ${declared}")
    set(prefix "mailtwin_")
    set(where "target_link_libraries")
  else()
    set(who "module ${module} declares DEPS ${declared}")
    set(prefix "")
    set(where "DEPS")
  endif()

  file(GLOB_RECURSE files ${SOURCE_DIR}/src/${module}/* ${SOURCE_DIR}/include/mailtwin/${module}/*)
  list(SORT files)
  foreach(file IN LISTS files)
    file(RELATIVE_PATH shown ${SOURCE_DIR} ${file})
    file(READ ${file} rest)
    # Walk the matches in order, counting newlines up to each for its line number.
    set(line 1)
    while(rest MATCHES "${include_re}")
      set(hit "${CMAKE_MATCH_0}")
      set(header "${CMAKE_MATCH_2}")
      set(dep "${CMAKE_MATCH_3}")
      string(FIND "${rest}" "${hit}" pos)
      string(LENGTH "${hit}" length)
      math(EXPR end "${pos} + ${length}")
      string(SUBSTRING "${rest}" 0 ${end} before)
      string(REGEX REPLACE "[^\n]" "" newlines "${before}")
      string(LENGTH "${newlines}" count)
      math(EXPR line "${line} + ${count}")
      string(SUBSTRING "${rest}" ${end} -1 rest)
      if(dep IN_LIST allowed)
        continue()
      endif()
      math(EXPR violations "${violations} + 1")
      if(NOT dep IN_LIST MAILTWIN_MODULES)
        message("${shown}:${line} includes ${header}, but there is no module ${dep}")
      else()
        message("${shown}:${line} includes ${header}, but ${who}: "
                "add ${prefix}${dep} to its ${where} in CMakeLists.txt or move the code")
      endif()
    endwhile()
  endforeach()
endforeach()

if(violations GREATER 0)
  message(FATAL_ERROR "${violations} problem(s) with the module walls above (see cmake/CheckModuleIncludes.cmake)")
endif()

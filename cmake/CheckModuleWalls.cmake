# The layers' promises, checked on the declared module graph (CMakeLists.txt, mailtwin_module DEPS)
# with everything each module reaches through its dependencies. cmake/CheckModuleIncludes.cmake
# keeps the code true to the declarations; this keeps the declarations true to these rules:
#
#   the planner (sync) and the results reach only util and model (sync for results): pure code
#   report (status, summaries) reaches no store, no executor and no watcher: it never writes mail
#   folders, settings and notmuch reach no store and no executor
#   only watch links libsystemd; only net and what uses it reaches OpenSSL's TLS
#
#   cmake -DDEPS_FILE=<module_deps.cmake> [-DRULES=<file>] -P cmake/CheckModuleWalls.cmake
#
# DEPS_FILE is written by mailtwin_write_module_deps (cmake/Modules.cmake). RULES replaces the rules
# below (tests/data/module_walls holds a graph and rules that must fail).

cmake_minimum_required(VERSION 3.25)
if(NOT DEPS_FILE)
  message(FATAL_ERROR "usage: cmake -DDEPS_FILE=<file> [-DRULES=<file>] -P CheckModuleWalls.cmake")
endif()
include(${DEPS_FILE})

# A rule: module, then ONLY <modules...> (everything it reaches must be among them) or NOT
# <modules...> (none of them may be reached). Outside libraries: LIB_ONLY <module...> <library>
# (no other module may link the library).
if(RULES)
  include(${RULES})
else()
  set(MAILTWIN_WALLS
      "sync ONLY util model"
      "model ONLY util"
      "results ONLY util model sync"
      "report NOT store run watch notmuch"
      "folders NOT store state run report watch"
      "settings NOT store state run report watch folders"
      "notmuch NOT store state run report watch net"
      "run NOT report watch")
  set(MAILTWIN_LIB_WALLS "PkgConfig::libsystemd watch" "PkgConfig::lmdb state")
endif()

# Everything `module` reaches: its DEPS, theirs, and so on.
function(reached module out)
  set(seen "")
  set(todo ${MAILTWIN_DEPS_${module}})
  while(todo)
    list(POP_FRONT todo next)
    if(next IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${next})
    list(APPEND todo ${MAILTWIN_DEPS_${next}})
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

set(violations 0)
foreach(rule IN LISTS MAILTWIN_WALLS)
  separate_arguments(words UNIX_COMMAND "${rule}")
  list(POP_FRONT words module kind)
  if(NOT module IN_LIST MAILTWIN_MODULES)
    message("rule \"${rule}\": there is no module ${module}")
    math(EXPR violations "${violations} + 1")
    continue()
  endif()
  reached(${module} all)
  foreach(dep IN LISTS all)
    if((kind STREQUAL "ONLY" AND NOT dep IN_LIST words) OR (kind STREQUAL "NOT" AND dep IN_LIST words))
      message("module ${module} reaches ${dep} (its DEPS: ${MAILTWIN_DEPS_${module}}), "
              "but the rule \"${rule}\" forbids it: move the code that needs ${dep} to another module")
      math(EXPR violations "${violations} + 1")
    endif()
  endforeach()
endforeach()

foreach(rule IN LISTS MAILTWIN_LIB_WALLS)
  separate_arguments(words UNIX_COMMAND "${rule}")
  list(POP_FRONT words library)
  foreach(module IN LISTS MAILTWIN_MODULES)
    if(library IN_LIST MAILTWIN_LIBS_${module} AND NOT module IN_LIST words)
      message("module ${module} links ${library}, which only ${words} may link (rule \"${rule}\")")
      math(EXPR violations "${violations} + 1")
    endif()
  endforeach()
endforeach()

if(violations GREATER 0)
  message(FATAL_ERROR "${violations} problem(s) with the layers' walls above (see cmake/CheckModuleWalls.cmake)")
endif()

# Warnings, sanitizers and the one-folder-per-module convention.

function(mailtwin_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports Boost.Asio's coroutine frame allocator (a sized operator delete paired with its
    # own operator new) as mismatched: a known false positive (GCC PR 109224) in every awaitable.
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
  endif()
  if(MAILTWIN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Without debug information (-g0 after the build type's -g) the same code compiles with 20-37 % less
# CPU (measured at -O2, docs/ci-time.md) and links faster. For CI's main build, whose failures are
# read from the tests' output, not in a debugger.
option(MAILTWIN_DEBUG_INFO "Debug information as the build type sets it (OFF: -g0, same code, faster build)" ON)
if(NOT MAILTWIN_DEBUG_INFO)
  add_compile_options(-g0)
endif()

if(MAILTWIN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(MAILTWIN_FUZZ)
  # Coverage feedback for the libraries too, not only the fuzz programs (their main comes from libFuzzer).
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# mailtwin_module(NAME [DEPS target...]): a static library mailtwin_NAME built from src/NAME/*.cpp,
# public headers in include/mailtwin/NAME/. Files added to the folder are picked up by the next build.
function(mailtwin_module name)
  cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
  # Recorded for mailtwin_write_module_deps: the include check reads the same declaration.
  set(module_deps ${M_DEPS})
  list(FILTER module_deps EXCLUDE REGEX "::")
  set_property(GLOBAL APPEND PROPERTY MAILTWIN_MODULES ${name})
  set_property(GLOBAL PROPERTY MAILTWIN_MODULE_DEPS_${name} ${module_deps})
  # And its outside libraries (Boost::boost, PkgConfig::libsystemd...), for cmake/CheckModuleWalls.cmake.
  set(module_libs ${M_DEPS})
  list(FILTER module_libs INCLUDE REGEX "::")
  set_property(GLOBAL PROPERTY MAILTWIN_MODULE_LIBS_${name} ${module_libs})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  if(NOT sources)
    add_library(mailtwin_${name} INTERFACE)
    target_include_directories(mailtwin_${name} INTERFACE ${PROJECT_SOURCE_DIR}/include)
    foreach(dep IN LISTS M_DEPS)
      if(dep MATCHES "::")
        target_link_libraries(mailtwin_${name} INTERFACE ${dep})
      else()
        target_link_libraries(mailtwin_${name} INTERFACE mailtwin_${dep})
      endif()
    endforeach()
    return()
  endif()
  add_library(mailtwin_${name} STATIC ${sources})
  target_include_directories(mailtwin_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  foreach(dep IN LISTS M_DEPS)
    if(dep MATCHES "::")
      target_link_libraries(mailtwin_${name} PUBLIC ${dep})
    else()
      target_link_libraries(mailtwin_${name} PUBLIC mailtwin_${dep})
    endif()
  endforeach()
  target_link_libraries(mailtwin_${name} PUBLIC Threads::Threads)
  mailtwin_target_options(mailtwin_${name})
endfunction()

# mailtwin_write_module_deps(FILE APP_TARGET): every module with its declared DEPS, and "app" (src/app)
# with what APP_TARGET links, as a CMake script for cmake/CheckModuleIncludes.cmake. Written at
# generate time so the executable's links are complete, whichever target_link_libraries added them.
function(mailtwin_write_module_deps file app_target)
  get_property(modules GLOBAL PROPERTY MAILTWIN_MODULES)
  set(content "set(MAILTWIN_MODULES ${modules} app)\n")
  foreach(module IN LISTS modules)
    get_property(deps GLOBAL PROPERTY MAILTWIN_MODULE_DEPS_${module})
    string(APPEND content "set(MAILTWIN_DEPS_${module} ${deps})\n")
    get_property(libs GLOBAL PROPERTY MAILTWIN_MODULE_LIBS_${module})
    string(APPEND content "set(MAILTWIN_LIBS_${module} ${libs})\n")
  endforeach()
  string(APPEND content "set(MAILTWIN_DEPS_app \"$<TARGET_PROPERTY:${app_target},LINK_LIBRARIES>\")\n")
  file(GENERATE OUTPUT ${file} CONTENT "${content}")
endfunction()

# Precompiled headers. Boost.Asio with its SSL part costs ~6 s of compiling in every file that includes
# it, GoogleTest ~3 s in every test file: compiled once per build instead. Only the build gets faster:
# a header precompiled with other flags is ignored by the compiler and read as text again.
function(mailtwin_precompile_asio target)
  if(MAILTWIN_PCH)
    # <utility> first, as in mailtwin/net/asio.hpp (Boost 1.74's awaitable.hpp needs it).
    target_precompile_headers(${target} PRIVATE <utility> <boost/asio.hpp> <boost/asio/ssl.hpp> ${ARGN})
  endif()
endfunction()

function(mailtwin_reuse_precompiled target from)
  if(MAILTWIN_PCH)
    target_precompile_headers(${target} REUSE_FROM ${from})
  endif()
endfunction()

#!/bin/bash
# Build mailtwin and run every test (unit + integration against a private Dovecot started by the tests).
# Usage: bash contrib/run-tests.sh [BUILD_DIR]     extra CMake options in $MAILTWIN_CMAKE_ARGS
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
bash contrib/install-deps.sh
# shellcheck disable=SC2086  # MAILTWIN_CMAKE_ARGS is a list of options
cmake -S . -B "$BUILD" -G Ninja ${MAILTWIN_CMAKE_ARGS:-}
cmake --build "$BUILD"
# Suites that may share the machine run side by side (tests/CMakeLists.txt says which); the rest alone.
ctest --test-dir "$BUILD" --output-on-failure --parallel "${MAILTWIN_TEST_JOBS:-$(nproc)}" ${MAILTWIN_CTEST_ARGS:-}

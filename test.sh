#!/usr/bin/env bash
# test.sh - builds (if needed) and runs loa's whole test suite with CTest.
# Extra arguments go to ctest (e.g. ./test.sh -L unit, ./test.sh -R store).
set -euo pipefail
cd "$(dirname "$0")"
BUILD=${BUILD:-build}
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${LOA_CMAKE_FLAGS:-}
fi
cmake --build "$BUILD" -j"$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)" "$@"

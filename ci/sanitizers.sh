#!/usr/bin/env bash
# Builds the `asan` preset (AddressSanitizer + UndefinedBehaviorSanitizer)
# and runs the correctness label under it; any report fails the run. The
# test preset also sets CXXFLAGS/LDFLAGS, which the install_and_find_package
# test's consumer project picks up to link against the instrumented library.
# The preset builds at -O1 (the level the sanitizers' documentation suggests
# for usable speed): at -O3, GCC's UBSan instrumentation made this build
# the longest stage of CI (about 30 minutes on 2 cores).
#   usage: ci/sanitizers.sh [JOBS]   (default: all cores)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${1:-$(nproc)}
start=$SECONDS
cmake --preset asan
# Only what the correctness label runs: not the benchmarks or the physics tiers.
cmake --build --preset asan -j "$jobs" --target correctness_programs
built=$SECONDS
ctest --preset asan -j "$jobs"
echo "sanitizers: asan build $((built - start)) s, correctness under asan $((SECONDS - built)) s"

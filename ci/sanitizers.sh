#!/usr/bin/env bash
# Builds the `asan` preset (AddressSanitizer + UndefinedBehaviorSanitizer)
# and runs the correctness label under it; any report fails the run.
#   usage: ci/sanitizers.sh [JOBS]   (default: all cores)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${1:-$(nproc)}
start=$SECONDS
cmake --preset asan
cmake --build --preset asan -j "$jobs"
built=$SECONDS
ctest --preset asan -j "$jobs"
echo "sanitizers: asan build $((built - start)) s, correctness under asan $((SECONDS - built)) s"

#!/usr/bin/env bash
# Builds the `tsan` preset (ThreadSanitizer, clang 14 with LLVM's libomp:
# its Archer tool tells TSan about OpenMP's barriers and locks, which GCC's
# uninstrumented libgomp cannot) and runs, with 4 OpenMP threads, the tests
# that step the threaded backends (cpu, cpu_temporal's bands and planes,
# thrust_omp, auto) above the threading threshold, the fused diagnostics
# and the snapshot writer's thread. Any report fails the run
# (TSAN_OPTIONS in the test preset: halt_on_error=1, exit code 66).
#   usage: ci/tsan.sh [JOBS]   (default: all cores)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${1:-$(nproc)}
# Only what the selected tests need: the library, not the CLI or the
# other test programs.
targets=(test_threaded_races test_fused_diagnostics test_snapshot)
tests='^(Threaded|FusedDiagnostics|Snapshot)\.'

start=$SECONDS
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$jobs" --target "${targets[@]}"
built=$SECONDS
ctest --preset tsan -j "$jobs" -R "$tests"
echo "tsan: build $((built - start)) s, threaded tests under tsan $((SECONDS - built)) s"

#!/usr/bin/env bash
# What CI runs: dependencies (idempotent), a configure with the default
# generator, one build, the correctness and
# physics labels, the distributed runs under mpiexec (label mpi), the CPU
# performance label, then the correctness label
# under AddressSanitizer + UBSan, the threaded tests under ThreadSanitizer
# and each fuzz target for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each stage says how long it took, so that the run's time can be read
# off its log.
stage() {
  local start=$SECONDS
  "$@"
  echo "ci: $* took $((SECONDS - start)) s (total $SECONDS s)"
}

stage bash ci/install-deps.sh
# The GPU code must compile, but no GPU runs it here: one architecture
# (sm_90, the H100/H200 class the GPU tests run on) instead of the three
# code objects a user's build makes, which would double the build's time.
export CUDAARCHS=${CUDAARCHS:-90-real}
# `cmake -S . -B build` as a user types it: the default generator must
# configure and generate too (the presets use Ninja).
stage bash -c 'cmake -S . -B build/default-generator >/dev/null'
stage cmake --workflow --preset correctness
stage ctest --preset mpi
stage ctest --preset performance
stage bash ci/python.sh
stage bash ci/sanitizers.sh
stage bash ci/tsan.sh
stage bash ci/fuzz.sh "${LFM_FUZZ_SECONDS:-30}"

#!/usr/bin/env bash
# What CI runs: dependencies (idempotent), a configure with the default
# generator, one build, the correctness and
# physics labels, the CPU performance label, then the correctness label
# under AddressSanitizer + UBSan, the threaded tests under ThreadSanitizer
# and each fuzz target for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/install-deps.sh
# `cmake -S . -B build` as a user types it: the default generator must
# configure and generate too (the presets use Ninja).
cmake -S . -B build/default-generator >/dev/null
cmake --workflow --preset correctness
ctest --preset performance
bash ci/python.sh
bash ci/sanitizers.sh
bash ci/tsan.sh
bash ci/fuzz.sh "${LFM_FUZZ_SECONDS:-60}"

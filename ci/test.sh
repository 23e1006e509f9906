#!/usr/bin/env bash
# What CI runs: dependencies (idempotent), one build, the correctness and
# physics labels, the CPU performance label, then the correctness label
# under AddressSanitizer + UBSan and each fuzz target for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/install-deps.sh
cmake --workflow --preset correctness
ctest --preset performance
bash ci/python.sh
bash ci/sanitizers.sh
bash ci/fuzz.sh "${LFM_FUZZ_SECONDS:-60}"

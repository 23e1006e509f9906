#!/usr/bin/env bash
# What CI runs: dependencies (idempotent), one build, the correctness label,
# then the CPU performance label.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/install-deps.sh
cmake --workflow --preset correctness
ctest --preset performance

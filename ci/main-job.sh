#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what lfm needs, build it,
# and run the standard 3D wave packet, printing its summary.
# Extra arguments go to `lfm run` (e.g. --n 128 --steps 200).
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/install-deps.sh
cmake --preset release
cmake --build --preset release
./build/release/bin/lfm run wave_packet --out out/wave_packet --force "$@"
echo "outputs: out/wave_packet/{summary.json,energy.csv,E.npy,E_prev.npy}"

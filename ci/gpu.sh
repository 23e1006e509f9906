#!/usr/bin/env bash
# What the GPU runner runs: a build with the CUDA backends required, the
# correctness and gpu labels, the GPU gates, then validation, a benchmark
# and the report of `cuda`. Everything worth keeping lands in out/gpu/.
# Needs the CUDA toolkit (nvcc) and a visible device.
set -euo pipefail
cd "$(dirname "$0")/.."

out=out/gpu
mkdir -p "$out"
bash ci/install-deps.sh
nvidia-smi | tee "$out/nvidia-smi.txt"

cmake --preset release -DLFM_CUDA=ON
cmake --build --preset release 2>&1 | tee "$out/build.log"
./build/release/bin/lfm backends | tee "$out/backends.txt"

# Correctness and gpu labels, the GPU gates included. Here a GPU test that
# skips means the device was not seen: that fails the job.
ctest --preset gpu --output-junit "$PWD/$out/ctest-gpu.xml" 2>&1 | tee "$out/ctest-gpu.log"
if grep -E '\*\*\*Skipped' "$out/ctest-gpu.log" | grep -Eq 'cuda|/thrust\b|thrust_vs|Gpu|Device|Cuda'; then
  echo "gpu.sh: GPU tests were skipped on the GPU runner (see $out/ctest-gpu.log)" >&2
  exit 1
fi

bin=./build/release/bin
for b in cuda_baseline cuda thrust; do
  "$bin/lfm" validate "$b" --out "results/$b" | tee "$out/validate-$b.txt"
done
"$bin/lfm" bench cuda --against cuda_baseline --n 128 --n 256 --out results/cuda | tee "$out/bench-cuda.txt"
"$bin/lfm" report cuda --docs "$out/docs"
cp -r results/cuda "$out/results-cuda"
echo "gpu.sh: outputs in $out/"

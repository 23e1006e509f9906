#!/usr/bin/env bash
# The Python package from scratch: a new venv under build/ with Debian's
# python3, the build tools, numpy, pytest and mpi4py from PyPI, `pip install .` of
# the package (its extension compiled through ccache, so a second build of
# the same sources hits the cache), then the pytest suite in tests/python/.
# `lfm` on PATH (build/release/bin, when built) adds the CLI comparisons.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$SECONDS
venv=build/python-venv
rm -rf "$venv" build/python-build
/usr/bin/python3 -m venv "$venv"
# mpi4py's wheel runs on the system's Open MPI, for lfm.run(comm=...).
"$venv/bin/pip" install -q scikit-build-core nanobind numpy pytest mpi4py

# Paths under the checkout enter ccache's hash relative to it; nanobind is
# the venv's (no build isolation), so its sources are under it too.
export CCACHE_BASEDIR=$PWD
settings=(--config-settings=build-dir=build/python-build)
if command -v ccache >/dev/null; then
  settings+=(--config-settings=cmake.define.CMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
"$venv/bin/pip" install -q --no-build-isolation "${settings[@]}" .
built=$SECONDS

export PATH=$PWD/build/release/bin:$PATH
# In CI the CLI is built before this stage, and MPI is installed: comparing
# with the CLI and running on several ranks are required.
if [[ -n ${CI:-} ]]; then export LFM_REQUIRE_CLI=1 LFM_REQUIRE_MPI=1; fi
"$venv/bin/python" -m pytest -q --durations=5 tests/python
echo "python: venv and build $((built - start)) s, tests $((SECONDS - built)) s"

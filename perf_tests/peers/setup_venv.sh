#!/usr/bin/env bash
# Creates build/peers-venv, the Python environment `lfm bench --peer devito`
# runs perf_tests/peers/devito_step.py in. Devito comes from PyPI; nothing
# in the build or in CI's default path needs it.
# Usage: perf_tests/peers/setup_venv.sh [VENV_DIR]   (default build/peers-venv)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${1:-$root/build/peers-venv}"
/usr/bin/python3 -m venv "$venv"
"$venv/bin/python" -m pip install --upgrade pip
"$venv/bin/python" -m pip install devito numpy
"$venv/bin/python" -c "import devito, numpy; print('devito', devito.__version__, 'numpy', numpy.__version__, 'in', '$venv')"

import os
import pathlib
import shutil
import sys

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))  # spec_numpy

REPO = pathlib.Path(__file__).resolve().parents[2]

# SPEC §6: a float64 backend agrees with the float64 reference to
# 1e-12 · max|reference| (reordered sums, same formula); float32 to 1e-4
# relative after 100 steps on the standard workloads.
FLOAT64_RTOL = 1e-12
FLOAT32_RTOL = 1e-4


def random_pair(rng, shape, dtype=np.float64):
    """A smooth-enough random initial pair: E_prev a small perturbation of E."""
    E = rng.standard_normal(shape).astype(dtype)
    E_prev = (E + 0.01 * rng.standard_normal(shape)).astype(dtype)
    return E, E_prev


def assert_close(got, expected, rtol):
    scale = float(np.max(np.abs(expected)))
    worst = float(np.max(np.abs(got.astype(np.float64) - expected)))
    assert worst <= rtol * scale, f"max |diff| = {worst:.3e} > {rtol:g} · max|ref| = {rtol * scale:.3e}"


@pytest.fixture
def rng():
    return np.random.default_rng(20240515)


@pytest.fixture(scope="session")
def lfm_cli():
    """The `lfm` program: $LFM_CLI, on PATH, or build/release/bin/lfm.
    ci/python.sh sets LFM_REQUIRE_CLI=1, turning its absence into a failure."""
    found = os.environ.get("LFM_CLI") or shutil.which("lfm")
    if not found and (REPO / "build/release/bin/lfm").exists():
        found = str(REPO / "build/release/bin/lfm")
    if not found:
        message = "the lfm CLI is not built (cmake --preset release && cmake --build --preset release)"
        if os.environ.get("LFM_REQUIRE_CLI") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found

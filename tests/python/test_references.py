"""The library's references from Python: exact_solution continues a pair
exactly (SPEC §5), so a run agrees with it to SPEC §6's tolerances; the
standard workloads come out as `lfm run --workload` makes them; validate
returns what `lfm validate` writes."""

import json

import numpy as np
import pytest

import lfm
from conftest import FLOAT32_RTOL, FLOAT64_RTOL, assert_close, random_pair

WAVES = ["wave_packet", "standing_wave", "plane_wave"]


@pytest.mark.parametrize("name", WAVES)
@pytest.mark.parametrize("dims,n", [(1, 64), (2, 24), (3, 12)], ids=["1d", "2d", "3d"])
def test_a_run_of_a_workload_matches_the_exact_solution(name, dims, n):
    w = lfm.workload(name, dims, n)
    assert w.chi is None and w.params["boundary"] == "periodic"
    exact_E, exact_prev = lfm.exact_solution(w.E, w.E_prev, w.params, 60)
    sim = lfm.Simulation(w.E.copy(), w.E_prev.copy(), w.params)
    sim.advance(60)
    assert_close(sim.E, exact_E, FLOAT64_RTOL)
    assert_close(sim.E_prev, exact_prev, FLOAT64_RTOL)
    # Not the initial pair: the waves have moved, by 1e9 times the tolerance.
    assert np.max(np.abs(exact_E - w.E)) > 1e-3 * np.max(np.abs(w.E))


@pytest.mark.parametrize("params", [
    {"dt": 0.3, "dx": 1.0, "chi": 0.4},
    {"dt": 0.2, "dx": 0.9, "chi": 0.0, "stencil_order": 4, "gamma_damp": 0.01},
    {"dt": 0.1, "dx": 1.0, "chi": 1.5, "alpha": 2.0, "beta": 0.5},
], ids=["o2", "o4_damped", "c2"])
def test_random_pairs_match_lattice_step_chains(rng, params):
    E, E_prev = random_pair(rng, (10, 12))
    exact_E, exact_prev = lfm.exact_solution(E, E_prev, params, 25)
    a, b = E, E_prev
    for _ in range(25):
        a, b = lfm.lattice_step(a, b, params), a
    assert_close(a, exact_E, FLOAT64_RTOL)
    assert_close(b, exact_prev, FLOAT64_RTOL)


def test_float32_run_within_spec_tolerance_of_the_exact_solution(rng):
    E, E_prev = random_pair(rng, (16, 16, 16), np.float32)
    params = {"dt": 0.25, "dx": 1.0, "chi": 0.1}
    # The float32 pair as it is: only the run's own rounding is measured.
    exact_E, _ = lfm.exact_solution(E, E_prev, params, 100)
    assert exact_E.dtype == np.float64
    sim = lfm.Simulation(E, E_prev, params)
    sim.advance(100)
    assert_close(sim.E, exact_E, FLOAT32_RTOL)


def test_zero_steps_is_the_pair_itself(rng):
    E, E_prev = random_pair(rng, (30,))
    got_E, got_prev = lfm.exact_solution(E, E_prev, {"dt": 0.2, "dx": 1.0}, 0)
    # Through the FFT and back: equal to round-off.
    assert_close(got_E, E, FLOAT64_RTOL)
    assert_close(got_prev, E_prev, FLOAT64_RTOL)
    assert not np.shares_memory(got_E, E)


def test_exact_solution_refuses_what_it_cannot_solve(rng):
    E, E_prev = random_pair(rng, (16,))
    with pytest.raises(ValueError, match=r"periodic"):
        lfm.exact_solution(E, E_prev, {"dt": 0.2, "dx": 1.0, "boundary": "reflective"}, 5)
    with pytest.raises(ValueError, match=r"chi is a field"):
        lfm.exact_solution(E, E_prev, {"dt": 0.2, "dx": 1.0, "chi": np.zeros(16)}, 5)
    with pytest.raises(ValueError, match=r"is unstable"):
        lfm.exact_solution(E, E_prev, {"dt": 2.0, "dx": 1.0}, 5)
    with pytest.raises(ValueError, match=r"steps = -1 is negative"):
        lfm.exact_solution(E, E_prev, {"dt": 0.2, "dx": 1.0}, -1)


def test_gravity_well_carries_its_chi_field():
    w = lfm.workload("gravity_well", 2, 32)
    assert w.chi.shape == (32, 32) and w.chi.dtype == np.float64
    # χ(r) = 0.5 (1 − 0.6 exp(−r²/(2s²))): 0.2 at the centre, towards 0.5 far away.
    assert 0.2 <= w.chi.min() < 0.21 and 0.45 < w.chi.max() <= 0.5
    with pytest.raises(ValueError, match=r"unknown workload 'wave_pakcet'.*wave_packet"):
        lfm.workload("wave_pakcet", 2, 32)


def test_validate_reports_every_case_of_the_matrix():
    report = lfm.validate("cpu", precisions=["float32"])
    assert list(report) == ["backend", "reference", "steps", "passed", "failures", "cases"]
    assert (report["backend"], report["reference"], report["passed"], report["failures"]) == \
        ("cpu", "baseline", True, 0)
    names = [c["case"] for c in report["cases"]]
    assert len(names) == len(set(names)) and all(n.endswith("_float32") for n in names)
    # 72 small-grid cases per precision, and the threaded sizes.
    assert len(names) > 72
    for c in report["cases"]:
        assert c["passed"] and c["max_rel_error"] <= c["field_tolerance"] == 1e-4


def test_validate_refuses_unknown_names_before_running():
    with pytest.raises(ValueError, match=r"unknown backend 'cpux'.*cpu"):
        lfm.validate("cpux")
    with pytest.raises(ValueError, match=r"precision"):
        lfm.validate("cpu", precisions=["float16"])


def test_validate_equals_the_cli_record(lfm_cli, tmp_path):
    import subprocess

    subprocess.run([lfm_cli, "validate", "cpu", "--precision", "float32", "--out", str(tmp_path)],
                   check=True, capture_output=True)
    cli = json.loads((tmp_path / "validation.json").read_text())
    assert lfm.validate("cpu", precisions="float32") == cli

"""The Python faces compute what `lfm run --config ... --init ...` computes,
bit for bit: the same library, the same backend, the same arithmetic."""

import json
import subprocess

import numpy as np
import pytest

import lfm
from conftest import random_pair

CASES = [
    ((64,), {"dt": 0.2, "dx": 1.0, "chi": 0.1}),
    ((12, 10), {"dt": 0.2, "dx": 0.8, "stencil_order": 4, "boundary": "reflective"}),
    ((9, 8, 10), {"dt": 0.2, "dx": 1.0, "gamma_damp": 0.05, "boundary": "absorbing", "absorb_width": 2}),
]


def run_cli(lfm_cli, tmp_path, E, E_prev, params, steps, backend, chi=None):
    np.save(tmp_path / "E0.npy", E)
    np.save(tmp_path / "P0.npy", E_prev)
    (tmp_path / "config.json").write_text(json.dumps(params))
    command = [lfm_cli, "run", "--config", str(tmp_path / "config.json"), "--init", str(tmp_path / "E0.npy"),
               "--init-prev", str(tmp_path / "P0.npy"), "--steps", str(steps), "--backend", backend,
               "--out", str(tmp_path / "out"), "--quiet"]
    if chi is not None:
        np.save(tmp_path / "chi.npy", chi)
        command += ["--chi", str(tmp_path / "chi.npy")]
    subprocess.run(command, check=True, capture_output=True)
    out = tmp_path / "out"
    summary = json.loads((out / "summary.json").read_text())
    return np.load(out / "E.npy"), np.load(out / "E_prev.npy"), summary


@pytest.mark.parametrize("backend", ["auto", "baseline", "cpu"])
@pytest.mark.parametrize("shape,params", CASES, ids=["1d", "2d", "3d"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_simulation_bitwise_equal_to_cli(lfm_cli, tmp_path, rng, backend, shape, params, dtype):
    E, E_prev = random_pair(rng, shape, dtype)
    chi = rng.uniform(0.0, 0.4, shape).astype(dtype)
    # The CLI runs in the config's precision (float64 unless it says).
    config = {**params, "precision": np.dtype(dtype).name}
    cli_E, cli_prev, summary = run_cli(lfm_cli, tmp_path, E, E_prev, config, 21, backend, chi)
    sim = lfm.Simulation(E, E_prev, params, chi=chi, backend=backend)
    sim.advance(21)
    assert E.dtype == cli_E.dtype
    np.testing.assert_array_equal(E, cli_E)
    np.testing.assert_array_equal(E_prev, cli_prev)
    # The run's records come from the fused diagnostics pass, whose sums run
    # in another order: equal to a few ulps of the total, not bit for bit.
    assert sim.energy() == pytest.approx(summary["energy_end"], rel=1e-12)
    assert sim.invariant() == pytest.approx(summary["invariant_end"], rel=1e-12)


@pytest.mark.parametrize("shape,params", CASES, ids=["1d", "2d", "3d"])
def test_lattice_step_chain_bitwise_equal_to_cli(lfm_cli, tmp_path, rng, shape, params):
    E, E_prev = random_pair(rng, shape)
    cli_E, cli_prev, _ = run_cli(lfm_cli, tmp_path, E, E_prev, params, 9, "auto")
    for _ in range(9):
        E, E_prev = lfm.lattice_step(E, E_prev, params), E
    np.testing.assert_array_equal(E, cli_E)
    np.testing.assert_array_equal(E_prev, cli_prev)


def cli_error(lfm_cli, tmp_path, params):
    E = np.zeros((8, 8))
    np.save(tmp_path / "E0.npy", E)
    (tmp_path / "config.json").write_text(json.dumps(params))
    r = subprocess.run([lfm_cli, "run", "--config", str(tmp_path / "config.json"), "--init",
                        str(tmp_path / "E0.npy"), "--init-prev", str(tmp_path / "E0.npy"), "--steps", "1",
                        "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert r.returncode == 2
    return r.stderr.strip()


@pytest.mark.parametrize("params", [
    {"dt": 0.1, "dx": 1.0, "chii": 0.1},
    {"dt": -0.1, "dx": 1.0},
    {"dx": 1.0},
    {"dt": 0.1, "dx": 1.0, "boundary": "mirror"},
    {"dt": 0.1, "dx": 1.0, "stencil_order": 3},
    {"dt": 0.1, "dx": 1.0, "boundary": "absorbing", "absorb_width": 4},
    {"dt": 3.0, "dx": 1.0},
], ids=["unknown-key", "negative-dt", "missing-dt", "bad-boundary", "bad-order", "wide-absorber", "unstable"])
def test_parameter_errors_carry_the_cli_message(lfm_cli, tmp_path, params):
    cli = cli_error(lfm_cli, tmp_path, params)
    # The CLI names the config file, Python the argument; the rest is the same
    # words, but for the way to run an unstable dt anyway.
    expected = cli.removeprefix("lfm: error: ").replace(str(tmp_path / "config.json"), "params")
    expected = expected.replace("pass --allow-unstable", "pass allow_unstable=True")
    E = np.zeros((8, 8))
    for call in (lambda: lfm.Simulation(E, E.copy(), params), lambda: lfm.lattice_step(E, E, params)):
        with pytest.raises(ValueError) as error:
            call()
        assert str(error.value) == expected

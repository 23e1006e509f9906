"""Simulation.from_config reads a config exactly as `lfm run --config` does:
the same keys mapped, ignored and refused, the same variant, the same
numbers (bit for bit against the CLI)."""

import json
import subprocess
import warnings

import numpy as np
import pytest

import lfm
from conftest import random_pair

PEER = {
    "run_settings": {"use_gpu": False, "output_dir": "results/x"},
    "diagnostics": {"energy_monitor_every": 5},
    "parameters": {"grid_points": 12, "dimensions": 2, "steps": 30, "time_step": 0.2, "space_step": 1.0,
                   "alpha": 1.0, "beta": 1.0, "chi": 0.1, "damping": 0.001, "boundary": "absorbing",
                   "absorb_factor": 0.9, "tiles": [1, 1]},
    "variants": [{"test_id": "P-1", "description": "stronger mass", "steps": 8, "chi": 0.3}],
}


def write(tmp_path, config, name="peer.json"):
    path = tmp_path / name
    path.write_text(json.dumps(config))
    return path


def test_maps_the_peer_keys_and_takes_lfms_defaults(tmp_path, rng):
    E, E_prev = random_pair(rng, (12, 12))
    with pytest.warns(UserWarning, match=r"ignored LFM keys .*: diagnostics, run_settings.output_dir, "
                                         r"run_settings.use_gpu, parameters.tiles, variants \(no --variant given\)"):
        sim = lfm.Simulation.from_config(write(tmp_path, PEER), E=E, E_prev=E_prev, backend="cpu")
    p = sim.params
    assert (p["dt"], p["dx"], p["chi"], p["gamma_damp"], p["boundary"]) == (0.2, 1.0, 0.1, 0.001, "absorbing")
    assert p["absorb_width"] == 1  # LFM's default, not lfm's 4
    assert p["absorb_factor"] == 0.9
    assert sim.config["steps"] == 30 and sim.config["variant"] is None and sim.config["lfm_format"]


def test_fresh_aligned_arrays_in_the_configs_precision(tmp_path, rng):
    E, E_prev = random_pair(rng, (12, 12))
    config = {**PEER, "run_settings": {"precision": "float32"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim = lfm.Simulation.from_config(write(tmp_path, config), E=E, E_prev=E_prev, backend="cpu")
    assert sim.E is not E and sim.E_prev is not E_prev
    assert sim.E.dtype == np.float32 and sim.E.ctypes.data % 64 == 0 and sim.E_prev.ctypes.data % 64 == 0
    np.testing.assert_array_equal(sim.E, E.astype(np.float32))
    np.testing.assert_array_equal(sim.E_prev, E_prev.astype(np.float32))
    before = E.copy()
    sim.advance(2)
    np.testing.assert_array_equal(E, before)  # the caller's arrays are left alone


def test_variant_and_bitwise_equal_to_cli(lfm_cli, tmp_path, rng):
    E, E_prev = random_pair(rng, (12, 12))
    path = write(tmp_path, PEER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim = lfm.Simulation.from_config(path, variant="P-1", backend="cpu", E=E, E_prev=E_prev)
    assert sim.params["chi"] == 0.3 and sim.config["steps"] == 8 and sim.config["variant"] == "P-1"
    sim.advance(sim.config["steps"])
    np.save(tmp_path / "E0.npy", E)
    np.save(tmp_path / "P0.npy", E_prev)
    r = subprocess.run([lfm_cli, "run", "--config", str(path), "--variant", "P-1", "--init", str(tmp_path / "E0.npy"),
                        "--init-prev", str(tmp_path / "P0.npy"), "--backend", "cpu", "--quiet",
                        "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("\n") == 1 and "ignored LFM keys" in r.stderr
    out = tmp_path / "out"
    assert json.loads((out / "summary.json").read_text())["steps"] == 8
    assert np.array_equal(np.load(out / "E.npy"), sim.E)
    assert np.array_equal(np.load(out / "E_prev.npy"), sim.E_prev)


def test_refusals_are_value_errors_with_the_clis_message(tmp_path, rng):
    E, E_prev = random_pair(rng, (12, 12))
    path = write(tmp_path, PEER)
    with pytest.raises(ValueError, match=r"no variant with that test_id; the file has P-1"):
        lfm.Simulation.from_config(path, variant="P-9", E=E, E_prev=E_prev)
    bad = write(tmp_path, {"parameters": {"dt": 0.1, "dx": 1.0, "k_fraction": 0.1}}, "bad.json")
    with pytest.raises(ValueError, match=r"'parameters.k_fraction' is not a key lfm can honour"):
        lfm.Simulation.from_config(bad, E=E, E_prev=E_prev)
    with pytest.raises(ValueError, match=r"shape 8x8 is not the lattice the config asks for"):
        lfm.Simulation.from_config(path, E=E[:8, :8].copy(), E_prev=E_prev[:8, :8].copy())
    with pytest.raises(ValueError, match=r"pass E= and E_prev="):
        lfm.Simulation.from_config(path)
    with pytest.raises(ValueError, match=r"E is float64 but E_prev is float32"):
        lfm.Simulation.from_config(path, E=E, E_prev=E_prev.astype(np.float32))


def test_lfms_own_config_too(tmp_path, rng):
    E, E_prev = random_pair(rng, (16,))
    path = write(tmp_path, {"dt": 0.2, "dx": 1.0, "boundary": "absorbing"}, "own.json")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing ignored, nothing to say
        sim = lfm.Simulation.from_config(path, E=E, E_prev=E_prev, backend="baseline")
    assert sim.params["absorb_width"] == 4 and sim.config["steps"] is None and not sim.config["lfm_format"]
    with pytest.raises(ValueError, match=r"this is lfm's own config"):
        lfm.Simulation.from_config(path, variant="A", E=E, E_prev=E_prev)

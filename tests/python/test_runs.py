"""lfm.run and lfm.resume write the run directory `lfm run` and `lfm resume`
write: the same files with the same bytes, the same refusals, and runs that
stop and resume across the two faces."""

import json
import os
import pathlib
import signal
import subprocess
import threading

import numpy as np
import pytest

import lfm
from conftest import random_pair

# Files whose bytes do not depend on timing (summary.json records times).
FIELD_FILES = ["E.npy", "E_prev.npy", "energy.csv"]


def same_bytes(a: pathlib.Path, b: pathlib.Path, names=FIELD_FILES):
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs"


def cli(lfm_cli, *args, env=None, check=True):
    return subprocess.run([lfm_cli, *map(str, args), "--quiet"], capture_output=True, text=True, check=check,
                          env=None if env is None else {**os.environ, **env})


@pytest.mark.parametrize("backend", ["cpu", "cpu_temporal"])
def test_workload_run_equals_cli(lfm_cli, tmp_path, backend):
    summary = lfm.run("wave_packet", n=16, steps=24, diagnostics_every=4, backend=backend, out=tmp_path / "py")
    cli(lfm_cli, "run", "wave_packet", "--n", 16, "--steps", 24, "--diagnostics-every", 4, "--backend", backend,
        "--out", tmp_path / "cli")
    same_bytes(tmp_path / "py", tmp_path / "cli")
    on_disk = json.loads((tmp_path / "py" / "summary.json").read_text())
    assert summary == on_disk
    expected = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert summary.keys() == expected.keys()
    for key in ["status", "workload", "backend", "shape", "steps", "energy_end", "invariant_end", "max_abs_E"]:
        assert summary[key] == expected[key], key
    assert summary["command"].startswith("lfm.run('wave_packet'")


def test_workload_params_override_as_set_does(lfm_cli, tmp_path):
    lfm.run("standing_wave", dim=2, n=20, steps=10, params={"stencil_order": 4, "boundary": "reflective"},
            diagnostics_every=5, out=tmp_path / "py")
    cli(lfm_cli, "run", "standing_wave", "--dim", 2, "--n", 20, "--steps", 10, "--set", "stencil_order=4",
        "--set", "boundary=reflective", "--diagnostics-every", 5, "--out", tmp_path / "cli")
    same_bytes(tmp_path / "py", tmp_path / "cli")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_array_run_equals_cli_and_leaves_the_arrays(lfm_cli, tmp_path, rng, dtype):
    E, E_prev = random_pair(rng, (10, 9, 8), dtype)
    chi = rng.uniform(0.0, 0.4, E.shape).astype(dtype)
    params = {"dt": 0.2, "dx": 1.0, "boundary": "absorbing", "absorb_width": 2}
    before = (E.copy(), E_prev.copy())
    lfm.run(E=E, E_prev=E_prev, params=params, chi=chi, steps=15, diagnostics_every=5, out=tmp_path / "py")
    np.testing.assert_array_equal(E, before[0])
    np.testing.assert_array_equal(E_prev, before[1])
    for name, a in [("E0.npy", E), ("P0.npy", E_prev), ("chi_in.npy", chi)]:
        np.save(tmp_path / name, a)
    (tmp_path / "config.json").write_text(json.dumps({**params, "precision": np.dtype(dtype).name}))
    cli(lfm_cli, "run", "--config", tmp_path / "config.json", "--init", tmp_path / "E0.npy", "--init-prev",
        tmp_path / "P0.npy", "--chi", tmp_path / "chi_in.npy", "--steps", 15, "--diagnostics-every", 5,
        "--out", tmp_path / "cli")
    same_bytes(tmp_path / "py", tmp_path / "cli", FIELD_FILES + ["chi.npy"])
    assert np.load(tmp_path / "py" / "E.npy").dtype == dtype


def test_resume_of_a_cli_run_killed_mid_run(lfm_cli, tmp_path):
    """SIGKILL (the test hook) stops the CLI run between checkpoints; lfm.resume finishes it."""
    args = ["run", "wave_packet", "--n", 12, "--steps", 30, "--diagnostics-every", 3, "--checkpoint-every", 5,
            "--snapshot-every", 10]
    killed = cli(lfm_cli, *args, "--out", tmp_path / "killed", env={"LFM_TEST_KILL_AT_STEP": "17"}, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "killed" / "summary.json").exists()
    summary = lfm.resume(tmp_path / "killed")
    assert summary["status"] == "completed" and summary["steps"] == 30
    cli(lfm_cli, *args, "--out", tmp_path / "whole")
    same_bytes(tmp_path / "killed", tmp_path / "whole")
    assert summary["command"].endswith(f"--out {tmp_path / 'killed'} --quiet")  # the command that started it


def newest_checkpoint_step(run_dir: pathlib.Path) -> int:
    return max(int(p.stem.split("_")[1]) for p in (run_dir / "checkpoints").glob("step_*.ckpt"))


def test_ctrl_c_stops_with_a_checkpoint_and_resume_continues(tmp_path, capfd):
    options = dict(n=32, diagnostics_every=10, checkpoint_every=50, backend="cpu")
    # The run would take seconds to minutes; the signal comes after a fraction of one.
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            lfm.run("wave_packet", steps=200_000, out=tmp_path / "stopped", **options)
    finally:
        timer.cancel()
    assert "lfm: stopped at step" in capfd.readouterr().err
    assert not (tmp_path / "stopped" / "summary.json").exists()
    total = newest_checkpoint_step(tmp_path / "stopped") + 20
    summary = lfm.resume(tmp_path / "stopped", steps_total=total)
    assert summary["steps"] == total
    lfm.run("wave_packet", steps=total, out=tmp_path / "whole", **options)
    same_bytes(tmp_path / "stopped", tmp_path / "whole")


def test_a_progress_callback_that_raises_stops_the_run(tmp_path):
    seen = []

    def progress(step, total, elapsed):
        seen.append((step, total, elapsed))
        raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        lfm.run("wave_packet", n=32, steps=200_000, checkpoint_every=100, out=tmp_path / "r", progress=progress)
    assert len(seen) == 1 and seen[0][1] == 200_000
    assert (tmp_path / "r" / "checkpoints").is_dir()


def test_progress_reports_the_end(tmp_path):
    seen = []
    lfm.run("wave_packet", n=8, steps=6, out=tmp_path / "r", progress=lambda *p: seen.append(p))
    assert seen[-1][:2] == (6, 6)


def test_snapshots_and_divergence_are_reported(tmp_path):
    summary = lfm.run("plane_wave", dim=1, n=64, steps=20, snapshot_every=5, out=tmp_path / "s")
    assert summary["snapshots"]["steps_captured"] == 5
    assert (tmp_path / "s" / "snapshots.h5").exists()
    diverged = lfm.run("wave_packet", dim=1, n=64, steps=400, params={"dt": 1.5}, allow_unstable=True,
                       out=tmp_path / "d")
    assert diverged["status"] == "diverged" and diverged["diverged_at_step"] > 0


def test_force_removes_only_what_lfm_wrote(tmp_path):
    out = tmp_path / "r"
    lfm.run("wave_packet", n=8, steps=2, out=out)
    (out / "thesis.tex").write_text("mine")
    with pytest.raises(ValueError, match="thesis.tex, which lfm did not write"):
        lfm.run("wave_packet", n=8, steps=2, out=out, force=True)
    assert (out / "thesis.tex").read_text() == "mine"
    (out / "thesis.tex").unlink()
    # Refused as an earlier run: the refusal above left no lock behind in this process.
    with pytest.raises(ValueError, match="holds an earlier run"):
        lfm.run("wave_packet", n=8, steps=2, out=out)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(steps=-1), r"--steps = -1 is negative"),
        (dict(checkpoint_every=-2), r"--checkpoint-every = -2 is negative"),
        (dict(keep_checkpoints=0), r"--keep-checkpoints = 0; expected >= 1"),
        (dict(snapshot_fields="E"), r"need snapshot_every"),
        (dict(backend="cpux"), r"cpux"),
        (dict(params={"stencil_ordr": 4}), r"stencil_ordr"),
        (dict(memory_limit="1000"), r"--memory-limit"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        lfm.run("wave_packet", n=16, out=tmp_path / "r", **kwargs)
    assert not (tmp_path / "r").exists()


def test_bad_calls(tmp_path, rng):
    E, E_prev = random_pair(rng, (8, 8))
    with pytest.raises(ValueError, match="not both"):
        lfm.run("wave_packet", E=E, E_prev=E_prev, out=tmp_path / "r")
    with pytest.raises(ValueError, match="E, E_prev and params"):
        lfm.run(E=E, out=tmp_path / "r")
    with pytest.raises(TypeError, match="directory path"):
        lfm.run("wave_packet", out=3)
    with pytest.raises(ValueError, match="nearest|wave_packet"):
        lfm.run("wave_pakcet", out=tmp_path / "r")
    with pytest.raises(ValueError, match="not a checkpointed run"):
        lfm.run("wave_packet", n=8, steps=2, out=tmp_path / "plain")
        lfm.resume(tmp_path / "plain")
    bad = E.copy()
    bad[3, 4] = np.nan
    with pytest.raises(ValueError, match=r"E.*\(3, 4\).*NaN"):
        lfm.run(E=bad, E_prev=E_prev, params={"dt": 0.1, "dx": 1.0}, out=tmp_path / "n")
    assert not (tmp_path / "r").exists() and not (tmp_path / "n").exists()

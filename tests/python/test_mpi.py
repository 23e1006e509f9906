"""lfm.run, lfm.resume and lfm.Simulation on the ranks of an mpi4py
communicator, under mpiexec: every rank makes the same calls; rank 0 writes
the run directory (or holds the arrays), which must hold the bytes of a
one-process `cpu` run; every rank returns the same summary or raises the
same error. ci/python.sh installs mpi4py, and sets
LFM_REQUIRE_MPI=1 there, so that these tests cannot be skipped in CI."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lfm
from lfm import _core

OUTPUTS = ("E.npy", "E_prev.npy", "energy.csv")


def _missing() -> str:
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return "mpi4py is not installed (pip install mpi4py)"
    if not _core.mpi_built:
        return "this lfm module was built without MPI (install libopenmpi-dev and reinstall it)"
    if not shutil.which("mpiexec"):
        return "mpiexec is not on PATH"
    return ""


@pytest.fixture(scope="module")
def mpiexec():
    why = _missing()
    if why:
        if os.environ.get("LFM_REQUIRE_MPI") == "1":
            pytest.fail(why)
        pytest.skip(why)
    # More ranks than cores: one OpenMP thread each, waiting ranks yield.
    env = dict(os.environ, OMP_NUM_THREADS="1", OMPI_MCA_mpi_yield_when_idle="1")
    root = ["--allow-run-as-root"] if os.geteuid() == 0 else []

    def launch(ranks: int, script: str, tmp_path: pathlib.Path, out: str = "many") -> list[dict]:
        """Runs `script` (the body of a function of `comm` and `out`, tmp_path / out)
        on `ranks` ranks; returns what each rank's body returned or raised, in rank order."""
        path = tmp_path / "script.py"
        path.write_text(textwrap.dedent("""
            import json, sys
            from mpi4py import MPI
            import lfm

            def body(comm, out):
            {body}

            comm = MPI.COMM_WORLD
            try:
                told = {{"returned": body(comm, sys.argv[1])}}
            except Exception as e:
                told = {{"raised": type(e).__name__, "message": str(e)}}
            with open(f"{{sys.argv[2]}}.{{comm.Get_rank()}}", "w") as f:
                json.dump(told, f)
        """).format(body=textwrap.indent(textwrap.dedent(script), "    ")))
        report = tmp_path / "report"
        done = subprocess.run(["mpiexec", "-n", str(ranks), "--oversubscribe", *root, sys.executable, str(path),
                               str(tmp_path / out), str(report)], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return [json.loads(pathlib.Path(f"{report}.{r}").read_text()) for r in range(ranks)]

    return launch


def _same_outputs(one: pathlib.Path, many: pathlib.Path) -> None:
    for name in OUTPUTS:
        assert (many / name).read_bytes() == (one / name).read_bytes(), f"{name} differs"


@pytest.mark.parametrize("ranks", [2, 3])
def test_a_workload_on_the_ranks_equals_one_process(mpiexec, tmp_path, ranks):
    told = mpiexec(ranks, """
        return lfm.run("wave_packet", out=out, n=24, steps=12, diagnostics_every=3, comm=comm)["steps"]
    """, tmp_path)
    lfm.run("wave_packet", out=str(tmp_path / "one"), n=24, steps=12, diagnostics_every=3, backend="cpu")
    _same_outputs(tmp_path / "one", tmp_path / "many")
    assert told == [{"returned": 12}] * ranks
    summary = json.loads((tmp_path / "many" / "summary.json").read_text())
    assert f"{ranks} ranks (slabs of axis 0" in summary["backend_tuning"]


def test_a_line_of_arrays_with_a_chi_field_and_deep_halos(mpiexec, tmp_path):
    # 20000 cells: diagnostics slabs of 8192, 8192 and 3616 cells, one a rank.
    x = np.linspace(0, 1, 20000, endpoint=False)
    E = np.sin(2 * np.pi * 7 * x)
    chi = 0.5 + 0.25 * np.cos(2 * np.pi * x)
    np.save(tmp_path / "E0.npy", E)
    np.save(tmp_path / "chi0.npy", chi)
    params = {"dt": 0.05, "dx": 0.1, "boundary": "absorbing", "stencil_order": 4}
    told = mpiexec(3, f"""
        import numpy as np
        E, chi = np.load({str(tmp_path / "E0.npy")!r}), np.load({str(tmp_path / "chi0.npy")!r})
        return lfm.run(E=E, E_prev=E.copy(), params={params!r}, chi=chi, out=out, steps=14, diagnostics_every=2,
                       comm=comm, exchange_depth=3)["status"]
    """, tmp_path)
    assert told == [{"returned": "completed"}] * 3
    lfm.run(E=E, E_prev=E.copy(), params=params, chi=chi, out=str(tmp_path / "one"), steps=14, diagnostics_every=2,
            backend="cpu")
    _same_outputs(tmp_path / "one", tmp_path / "many")
    assert (tmp_path / "many" / "chi.npy").read_bytes() == (tmp_path / "one" / "chi.npy").read_bytes()
    summary = json.loads((tmp_path / "many" / "summary.json").read_text())
    assert "parts of the line: 8192, 8192, 3616 cells" in summary["backend_tuning"]


def test_a_run_checkpointed_on_three_ranks_resumes_on_two(mpiexec, tmp_path):
    mpiexec(3, """
        return lfm.run("gravity_well", out=out, dim=2, n=40, steps=10, diagnostics_every=5, checkpoint_every=5,
                       comm=comm)["steps"]
    """, tmp_path)
    told = mpiexec(2, """
        return lfm.resume(out, steps_total=25, comm=comm)["steps"]
    """, tmp_path)
    assert told == [{"returned": 25}] * 2
    lfm.run("gravity_well", out=str(tmp_path / "one"), dim=2, n=40, steps=25, diagnostics_every=5, backend="cpu")
    _same_outputs(tmp_path / "one", tmp_path / "many")


def test_every_rank_raises_what_rank_0_refused(mpiexec, tmp_path):
    told = mpiexec(2, """
        return lfm.run("wave_packet", out=out, n=16, steps=4, comm=comm, decomposition="3x1x1")
    """, tmp_path)
    assert [t["raised"] for t in told] == ["ValueError", "ValueError"]
    assert "is 3 ranks; mpiexec started 2" in told[0]["message"]
    assert told[1]["message"] == told[0]["message"] + " (raised on rank 0)"
    assert not (tmp_path / "many" / "summary.json").exists()
    # Refused in Python, before the ranks meet in the library.
    told = mpiexec(2, """
        return lfm.run("wave_packet", out=out, n=16, steps=4, comm=comm, decomposition=2)
    """, tmp_path, "typed")
    assert [t["raised"] for t in told] == ["TypeError", "TypeError"]
    told = mpiexec(2, """
        return lfm.run("wave_packet", out=out, n=16, steps="4", comm=comm)
    """, tmp_path, "steps")
    assert [t["raised"] for t in told] == ["TypeError", "TypeError"]
    told = mpiexec(2, """
        return lfm.run("wave_packet", out=out, n=16, steps=4, comm=comm, backend="baseline")
    """, tmp_path, "baseline")
    assert [t["raised"] for t in told] == ["ValueError", "ValueError"]
    assert "steps every rank with cpu or cpu_temporal" in told[0]["message"]


def _simulate_on_one_process(E, E_prev, params, chi):
    """What the Simulation script below does, on one process with cpu."""
    sim = lfm.Simulation(E, E_prev, params, chi=chi, backend="cpu")
    energies = []
    sim.advance(12, every=4, callback=lambda s: energies.append(s.energy()))
    E *= 0.5  # the caller's own change between calls
    sim.set_chi(0.3)
    sim.advance(7)
    return energies + [sim.energy()]


SIMULATION = """
    import numpy as np
    rank = comm.Get_rank()
    E = E_prev = chi = None
    if rank == 0:
        E, E_prev, chi = np.load({E!r}), np.load({E_prev!r}), np.load({chi!r})
    sim = lfm.Simulation(E, E_prev, {params!r}, chi=chi, backend="cpu", comm=comm, exchange_depth=2)
    energies = []
    sim.advance(12, every=4, callback=lambda s: energies.append(s.energy()))
    if rank == 0:
        E *= 0.5
    sim.set_chi(0.3)
    sim.advance(7)
    if rank != 0:
        try:
            sim.energy()
        except ValueError as e:
            return [sim.step, str(e)]
    np.save(out + ".E.npy", E)
    np.save(out + ".E_prev.npy", E_prev)
    return [sim.step, energies + [sim.energy()], sim.tuning]
"""


def test_a_simulation_on_the_ranks_steps_rank_0s_arrays_as_one_process(mpiexec, tmp_path, rng):
    shape = (18, 12, 10)
    E = rng.standard_normal(shape)
    E_prev = E + 0.01 * rng.standard_normal(shape)
    chi = 0.2 + 0.1 * rng.random(shape)
    for name, a in (("E0", E), ("P0", E_prev), ("chi0", chi)):
        np.save(tmp_path / f"{name}.npy", a)
    params = {"dt": 0.1, "dx": 1.0, "boundary": "reflective", "stencil_order": 4}
    told = mpiexec(3, SIMULATION.format(E=str(tmp_path / "E0.npy"), E_prev=str(tmp_path / "P0.npy"),
                                        chi=str(tmp_path / "chi0.npy"), params=params), tmp_path)
    want = _simulate_on_one_process(E, E_prev, params, chi)
    step, energies, tuning = told[0]["returned"]
    assert step == 19 and energies == want
    assert "3 ranks (slabs of axis 0: 6, 6, 6 slices), halos of 4 slices, exchanged every 2 steps" in tuning
    assert np.load(str(tmp_path / "many") + ".E.npy").tobytes() == E.tobytes()
    assert np.load(str(tmp_path / "many") + ".E_prev.npy").tobytes() == E_prev.tobytes()
    for worker in told[1:]:
        assert worker["returned"][0] == 19
        assert "holds no fields" in worker["returned"][1]


def test_a_simulation_the_ranks_cannot_step_is_refused_on_every_rank(mpiexec, tmp_path):
    told = mpiexec(2, """
        import numpy as np
        E = np.zeros((3, 8)) if comm.Get_rank() == 0 else None
        return lfm.Simulation(E, None if E is None else E.copy(), {"dt": 0.1, "dx": 1.0}, comm=comm,
                              exchange_depth=2).step
    """, tmp_path)
    assert [t["raised"] for t in told] == ["ValueError", "ValueError"]
    assert "too few slices of axis 0" in told[0]["message"] or "exchange-depth" in told[0]["message"]


def test_distributed_options_need_a_communicator(tmp_path):
    with pytest.raises(ValueError, match="apply to distributed runs: pass comm="):
        lfm.run("wave_packet", out=str(tmp_path / "a"), n=8, steps=2, decomposition="2x1x1")
    with pytest.raises(TypeError, match="expected an mpi4py communicator"):
        lfm.run("wave_packet", out=str(tmp_path / "b"), n=8, steps=2, comm=object())

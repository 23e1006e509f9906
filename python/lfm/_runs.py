"""lfm.run and lfm.resume: whole runs into a run directory, as `lfm run` and
`lfm resume` make them (the same library code, the same files)."""

from __future__ import annotations

import json
import operator
import sys
from typing import Any, Callable, Mapping

import numpy as np

from . import _arrays, _core, _ranks

Progress = Callable[[int, int, float], object]


def run(
    workload: str | None = None,
    *,
    out: str,
    steps: int = 100,
    n: int = 64,
    dim: int = 3,
    precision: str = "float64",
    E: np.ndarray | None = None,
    E_prev: np.ndarray | None = None,
    params: Mapping[str, Any] | None = None,
    chi: float | np.ndarray | None = None,
    backend: str = "auto",
    force: bool = False,
    diagnostics_every: int = 0,
    checkpoint_every: int = 0,
    keep_checkpoints: int = 2,
    blowup_factor: float = 1e6,
    snapshot_every: int | None = None,
    snapshot_fields: str | None = None,
    snapshot_compression: int | None = None,
    snapshot_float32: bool = False,
    allow_unstable: bool = False,
    memory_limit: str | None = None,
    progress: Progress | None = None,
    comm: Any = None,
    decomposition: str = "",
    exchange_depth: int = 0,
) -> dict[str, Any]:
    """Runs a standard workload, or the caller's own arrays, into the run directory `out`.

    What `lfm run` does, with its option names (dashes as underscores) and
    defaults: the same files (summary.json, energy.csv, E.npy, E_prev.npy,
    chi.npy for a χ field, snapshots and checkpoints when asked), the same
    rules for `out` (lfm removes only files it wrote, and only with
    force=True) and the same bits as the CLI for the same inputs.

    Either `workload` ("wave_packet", "standing_wave", "plane_wave",
    "gravity_well") with `n` cells per axis in `dim` dimensions and
    `precision`, `params` overriding its parameters as `--set` does; or
    `E`, `E_prev` and `params` (the JSON config's keys), in the arrays'
    dtype, with `chi` a number or an array of E's shape. The arrays are
    copied: the caller's stay as they are (lfm.Simulation steps them in place).

    progress(step, total, elapsed_s) is called a few times per second.
    Returns summary.json as a dict; its "status" is "completed" or
    "diverged" (the outputs then hold the last healthy step). Ctrl-C, or an
    exception raised by `progress`, stops the run at the next step boundary
    after writing a checkpoint (when checkpoint_every is set) and is raised,
    after a line on stderr saying what was kept and how to continue (lfm.resume(out)).
    Bad input raises ValueError/TypeError with the CLI's messages before
    anything is written.

    With `comm`, an mpi4py communicator of several ranks (under `mpiexec -n
    P python script.py`), every rank calls lfm.run with the same arguments
    and the lattice is shared out among them as `mpiexec -n P lfm run`
    shares it (`decomposition` as --decomposition, `exchange_depth` as
    --exchange-depth; backend cpu, auto or cpu_temporal per rank): rank 0
    writes the run directory, the same bytes as one process, and every rank
    returns its summary, or raises the same exception.
    """
    if _ranks.is_worker(comm):
        return _ranks.on_worker(comm)

    def prepare() -> Callable[[Any, str, int], dict[str, Any]]:
        settings = _settings(backend, steps, diagnostics_every, checkpoint_every, keep_checkpoints, blowup_factor,
                             snapshot_every, snapshot_fields, snapshot_compression, snapshot_float32)
        path = _path("out", out)
        command = _command("lfm.run", workload, path, steps)
        if workload is not None:
            if not isinstance(workload, str):
                raise TypeError(f"workload is a {type(workload).__name__}; expected a name such as 'wave_packet'")
            if E is not None or E_prev is not None or chi is not None:
                raise ValueError("pass either a workload or E, E_prev (and chi), not both")
            overrides = {} if params is None else dict(params)
            _arrays.check_mapping(overrides)
            args = (workload, operator.index(dim), operator.index(n), precision, _arrays.params_text(overrides),
                    path, bool(force), settings, bool(allow_unstable), memory_limit, command, progress)
            return lambda *ranks: _finish(_core.run_workload(*args, *ranks), path)
        if E is None or E_prev is None or params is None:
            raise ValueError("pass a workload name, or E, E_prev and params")
        _arrays.check_mapping(params)
        _arrays.check_field("E", E, in_place=False)
        _arrays.check_field("E_prev", E_prev, in_place=False)
        _arrays.check_pair(E, E_prev, in_place=False)
        given = params.get("precision")
        if given in ("float64", "float32") and given != E.dtype.name:
            raise ValueError(f"params: precision is {given} but E is {E.dtype}; a run from arrays runs in "
                             f"their dtype: drop 'precision' or pass {given} arrays")
        keys = dict(params)
        chi_field = None
        if chi is not None:
            if _arrays.is_scalar(chi):
                keys["chi"] = float(chi)
            else:
                chi_field = _arrays.check_chi_field(chi, E)
        args = (E, E_prev, _arrays.params_text(keys), chi_field, path, bool(force), settings, bool(allow_unstable),
                command, progress)
        return lambda *ranks: _finish(_core.run_arrays(*args, *ranks), path)

    return _ranks.on_root(comm, prepare, decomposition, exchange_depth)


def resume(out: str, *, steps_total: int | None = None, memory_limit: str | None = None,
           progress: Progress | None = None, comm: Any = None, decomposition: str = "",
           exchange_depth: int = 0) -> dict[str, Any]:
    """Continues a checkpointed run directory, as `lfm resume` does.

    From its newest intact checkpoint to the steps it was started with (or
    `steps_total`), with the options it was started with, whether it was
    started by lfm.run or by `lfm run`, on one process or on the ranks of
    `comm` (any number of them, as for lfm.run). The outputs equal an
    uninterrupted run's, bit for bit. Returns summary.json as a dict; stops
    as lfm.run does.
    """
    if _ranks.is_worker(comm):
        return _ranks.on_worker(comm)

    def prepare() -> Callable[[Any, str, int], dict[str, Any]]:
        path = _path("out", out)
        total = None if steps_total is None else operator.index(steps_total)
        return lambda *ranks: _finish(_core.resume(path, total, memory_limit, progress, *ranks), path)

    return _ranks.on_root(comm, prepare, decomposition, exchange_depth)


def _settings(backend: str, steps: int, diagnostics_every: int, checkpoint_every: int, keep_checkpoints: int,
              blowup_factor: float, snapshot_every: int | None, snapshot_fields: str | None,
              snapshot_compression: int | None, snapshot_float32: bool) -> _core.RunSettings:
    if not isinstance(backend, str):
        raise TypeError(f"backend is a {type(backend).__name__}; expected a name such as 'auto' or 'cpu'")
    s = _core.RunSettings()
    s.backend = backend
    s.steps = operator.index(steps)
    s.diagnostics_every = operator.index(diagnostics_every)
    s.checkpoint_every = operator.index(checkpoint_every)
    s.keep_checkpoints = operator.index(keep_checkpoints)
    s.blowup_factor = float(blowup_factor)
    s.snapshot_every = None if snapshot_every is None else operator.index(snapshot_every)
    s.snapshot_fields = snapshot_fields
    s.snapshot_compression = None if snapshot_compression is None else operator.index(snapshot_compression)
    s.snapshot_float32 = bool(snapshot_float32)
    return s


def _path(name: str, value: Any) -> str:
    try:
        text = str(value.__fspath__()) if hasattr(value, "__fspath__") else value
    except TypeError:
        text = None
    if not isinstance(text, str) or not text:
        raise TypeError(f"{name} is {value!r}; expected a directory path")
    return text


def _command(function: str, workload: str | None, out: str, steps: int) -> str:
    """What summary.json records as the command that made the run."""
    what = repr(workload) if workload is not None else "E, E_prev, params"
    return f"{function}({what}, out={out!r}, steps={steps})"


def _finish(outcome: tuple[str, str, int, str, list[int], BaseException | None], out: str) -> dict[str, Any]:
    status, summary, step, checkpoint, snapshot_steps, exception = outcome
    if status != "stopped":
        return json.loads(summary)
    if checkpoint:
        kept = f"checkpoint {checkpoint} written; continue with lfm.resume({out!r})"
    else:
        kept = "no checkpoint, so it cannot be resumed (pass checkpoint_every=K for that)"
    if snapshot_steps:
        kept += f"; snapshots of steps {snapshot_steps[0]} to {snapshot_steps[-1]} kept"
    # As `lfm run` says it on stderr; the exception that stopped the run follows.
    sys.stderr.write(f"lfm: stopped at step {step}; {kept}\n")
    raise exception if exception is not None else KeyboardInterrupt()

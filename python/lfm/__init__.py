"""lfm: the Lattice Field Medium simulator's library from Python.

    E_next = (2 - γ) E - (1 - γ) E_prev + dt² (c² ∇²E - χ² E),   c² = alpha / beta

Arrays in, arrays out, C order, dtype kept (float64 or float32), parameters
named as in the JSON config of `lfm run`. Nothing is copied behind the
caller's back: an array lfm cannot use as it is raises with how to fix it.
"""

from __future__ import annotations

import json
import operator
from typing import Any, Mapping, NamedTuple, Sequence

import numpy as np

from . import _arrays, _core
from ._arrays import empty
from ._runs import resume, run
from ._simulation import Simulation

__version__: str = _core.__version__
__all__ = ["Simulation", "lattice_step", "run", "resume", "exact_solution", "workload", "Workload", "validate",
           "bench", "backends", "empty", "BackendInfo", "__version__"]


class BackendInfo(NamedTuple):
    name: str
    available: bool
    description: str
    reason: str  # why it is not available; "" when it is


def backends() -> list[BackendInfo]:
    """Every backend this build knows, available or not, as `lfm backends` lists them."""
    return [BackendInfo(*b) for b in _core.backends()]


def lattice_step(E: np.ndarray, E_prev: np.ndarray, params: Mapping[str, Any], *,
                 allow_unstable: bool = False) -> np.ndarray:
    """One leapfrog step: returns E_next as a new array; E and E_prev are left as they are.

    The signature of LFM's lattice_step(E, E_prev, params). params holds the
    JSON config's keys; besides them, as in LFM, params["chi"] may be an
    array of E's shape (a χ field) and params["backend"] names the backend
    ("auto" when absent, as for `lfm run`). Without params["precision"]
    the inputs' common dtype is the precision; with it, inputs of another
    dtype are converted to it (copies, as asked).

    Where LFM's function differs, this one follows the JSON config: keys it
    does not know are refused (with the nearest key), absorb_width defaults
    to 4, an unstable dt is refused unless allow_unstable=True, and the 2D
    order-4 Laplacian is the per-axis sum of SPEC §2. The inputs must be
    C-contiguous and aligned (no hidden copy); they may be read-only.

    "auto" steps with cpu: auto chooses among backends with cpu's bits for
    runs of many steps, and for one step none is faster. Grids under 2^20
    cells step on the calling thread (waking OpenMP's threads for one pass
    costs more than it saves between Python calls); the bits are the same.
    """
    _arrays.check_mapping(params)
    try:
        # Hashable: a dict of numbers and strings, the usual call. The type
        # is part of the key: True == 1 but they are different JSON values.
        key = tuple((k, type(v), v) for k, v in params.items() if not (k == "chi" and _is_field(v)))
        prepared = _step_params.get(key)
    except TypeError:  # a value without a hash (a list, a 0-d array): the checks below refuse or convert it
        key, prepared = None, None
    if prepared is None:
        prepared = _prepare_step_params(params)
        if key is not None:
            if len(_step_params) >= _STEP_PARAMS_KEPT:
                _step_params.clear()
            _step_params[key] = prepared
    text, backend, precision = prepared
    chi = params.get("chi")
    if chi is not None and _arrays.is_scalar(chi):
        chi = None  # a number: in the text
    if precision is not None:
        E, E_prev = (np.asarray(a, dtype=precision) if isinstance(a, np.ndarray) else a for a in (E, E_prev))
        if isinstance(chi, np.ndarray):
            chi = chi.astype(precision, copy=False)
    _arrays.check_field("E", E, in_place=False)
    _arrays.check_field("E_prev", E_prev, in_place=False)
    _arrays.check_pair(E, E_prev, in_place=False)
    chi_field = None if chi is None else _arrays.check_chi_field(chi, E)
    return _core.lattice_step(E, E_prev, text, chi_field, backend, bool(allow_unstable))


# lattice_step's parameters as the extension takes them, per distinct params
# (keys, value types and values): building and checking the JSON text costs
# more than a small step. A handful of entries covers a loop over steps.
_STEP_PARAMS_KEPT = 16
_step_params: dict[tuple[Any, ...], tuple[str, str, str | None]] = {}


def _is_field(value: Any) -> bool:
    """A χ field (an array with axes): passed beside the text, so not part of the key."""
    return isinstance(value, np.ndarray) and value.ndim > 0


def _prepare_step_params(params: Mapping[str, Any]) -> tuple[str, str, str | None]:
    """(JSON text, backend name, precision to convert the inputs to or None)."""
    params = dict(params)
    backend = params.pop("backend", "auto")
    if not isinstance(backend, str):
        raise TypeError(f"params['backend'] is a {type(backend).__name__}; expected a name such as 'cpu'")
    chi = params.get("chi")
    if chi is not None and not _arrays.is_scalar(chi):
        del params["chi"]  # a field: passed beside the text
    precision = params.get("precision")
    return _arrays.params_text(params), backend, precision if precision in ("float64", "float32") else None


def exact_solution(E: np.ndarray, E_prev: np.ndarray, params: Mapping[str, Any], steps: int, *,
                   allow_unstable: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The lattice state `steps` leapfrog steps after the pair (E, E_prev), exactly (SPEC §5).

    Returns (E_n, E_{n-1}) as new float64 arrays: what a run of `steps`
    steps from this pair holds in E and E_prev, computed without any
    backend's stencil code. Every discrete Fourier mode of the pair evolves
    by its own two-term recurrence (FFT, the recurrence, the inverse FFT),
    so the answer is exact to round-off at any step count. A run agrees
    with it to SPEC §6's tolerances: 1e-12 · max|E| in float64, 1e-4 in
    float32 (from the same float32 pair).

    Periodic boundaries and a scalar χ only (params["chi"] a number):
    anything else raises ValueError. E and E_prev: one shape, one dtype
    (float64 or float32, read as the values they hold).
    """
    _arrays.check_mapping(params)
    _arrays.check_field("E", E, in_place=False)
    _arrays.check_field("E_prev", E_prev, in_place=False)
    _arrays.check_pair(E, E_prev, in_place=False)
    steps = _count("steps", steps)
    chi = params.get("chi")
    if chi is not None and not _arrays.is_scalar(chi):
        raise ValueError("params: chi is a field; the exact solution is for a scalar chi (a number)")
    return _core.exact_solution(E, E_prev, _arrays.params_text(params), steps, bool(allow_unstable))


class Workload(NamedTuple):
    """A standard problem: its initial pair, χ field (None for a scalar χ) and parameters."""
    E: np.ndarray
    E_prev: np.ndarray
    chi: np.ndarray | None
    params: dict[str, Any]


def workload(name: str, dims: int, n: int) -> Workload:
    """The standard workload `name` (as `lfm run --workload`) on n cells per axis, float64.

    wave_packet, standing_wave and plane_wave are exact travelling or
    standing waves of the lattice with a scalar χ: exact_solution continues
    them. gravity_well carries a χ field.
    """
    if not isinstance(name, str):
        raise TypeError(f"name is a {type(name).__name__}; expected a workload name such as 'wave_packet'")
    E, E_prev, chi, text = _core.workload(name, _count("dims", dims), _count("n", n))
    return Workload(E, E_prev, chi, json.loads(text))


def validate(backend: str = "auto", *, against: str = "baseline",
             precisions: Sequence[str] = ("float64", "float32")) -> dict[str, Any]:
    """`lfm validate BACKEND --against AGAINST --precision ...` as a dict: validation.json's keys.

    Runs the standard matrix of SPEC §6 (every dimension, both stencil
    orders, every boundary, χ scalar and field, γ zero and not, each
    precision; small grids for 100 steps and threaded sizes for 10) with
    the backend and the reference, and returns backend, reference, steps,
    passed, failures and one entry per case (case, shape, threads, steps,
    max_abs_error, max_rel_error, energy_rel_diff, field_tolerance,
    energy_tolerance, passed). Seconds to a minute; the GIL is released.
    """
    for what, value in (("backend", backend), ("against", against)):
        if not isinstance(value, str):
            raise TypeError(f"{what} is a {type(value).__name__}; expected a backend name such as 'cpu'")
    if isinstance(precisions, str):
        precisions = [precisions]
    return json.loads(_core.validation_json(backend, against, [str(p) for p in precisions]))


def bench(backend: str = "auto", *, against: str = "baseline", workload: str = "wave_packet", dims: int = 3,
          n: int | Sequence[int] = (64, 128), precision: str = "float64", reps: int = 10, warmup: int = 2,
          min_rep_seconds: float = 0.2, skip_validation: bool = False) -> dict[str, Any]:
    """`lfm bench BACKEND --against AGAINST ...` as a dict: bench.json's keys (without --numpy's).

    Validates the backend first (as validate(backend, against=against,
    precisions=[precision])) and raises RuntimeError, timing nothing, when
    it fails; skip_validation=True times it anyway and records that. Then,
    at each size n (cells per axis), the reference and the backend step the
    workload in interleaved repetitions (`reps` timed after `warmup`, each
    at least min_rep_seconds), and the stream triad is measured on one
    thread and on all. The record holds, per size, each side's seconds per
    step (samples, median and its 95% interval), cells/s, GB/s and their
    fraction of the triad, the speedup with its interval, and the resources
    used; besides them the machine and the validation summary.
    """
    for what, value in (("backend", backend), ("against", against), ("workload", workload),
                        ("precision", precision)):
        if not isinstance(value, str):
            raise TypeError(f"{what} is a {type(value).__name__}; expected a name")
    sizes = [n] if not isinstance(n, Sequence) else list(n)
    sizes = [_count("n", size) for size in sizes]
    if reps < 10:
        raise ValueError(f"reps = {reps}; expected >= 10 for a median and its confidence interval")
    return json.loads(_core.bench_json(backend, against, workload, _count("dims", dims), sizes, precision,
                                       _count("warmup", warmup), _count("reps", reps), float(min_rep_seconds),
                                       bool(skip_validation)))


def _count(name: str, value: Any) -> int:
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} is a {type(value).__name__}; expected an integer") from None
    if n < 0:
        raise ValueError(f"{name} = {n} is negative; expected an integer >= 0")
    return n

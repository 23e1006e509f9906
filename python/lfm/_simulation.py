"""lfm.Simulation: the caller's NumPy arrays stepped in place by a backend."""

from __future__ import annotations

import json
import operator
import os
import warnings
from typing import Any, Callable, Mapping

import numpy as np

from . import _arrays, _core, _ranks


class Simulation:
    """Steps the caller's arrays E (level n) and E_prev (level n - 1) in place.

    E and E_prev: C-contiguous, writeable float64 or float32 arrays of 1-3
    axes, one shape and one dtype; the dtype is the run's precision. They
    are never copied: after every `advance` (and whenever `callback` runs)
    E holds the newest level and E_prev the one before, in the same buffers
    the caller passed. Backends rotate the two levels internally; when a
    chunk leaves them in each other's arrays (an odd number of in-place
    steps), one pass swaps them back, so even `steps` and `every` cost
    nothing extra.

    params: the JSON config's keys and rules (`lfm run --config`): dt and
    dx required; alpha, beta, chi, gamma_damp, boundary, absorb_width,
    absorb_factor, stencil_order; precision, when given, must name E's
    dtype. chi: None (params' scalar chi), a number, or an array of E's
    shape and dtype (copied; change it with set_chi). backend: a name from
    lfm.backends(), "auto" by default as for `lfm run`.

    comm: an mpi4py communicator of several ranks (under `mpiexec -n P`),
    every rank making the same calls: the arrays are rank 0's (other ranks
    may pass None for E and E_prev), and each advance() shares them out
    among the ranks as lfm.run(comm=) does (decomposition, exchange_depth
    as it takes them; backend cpu, auto or cpu_temporal per rank), then
    gathers them back into rank 0's arrays after every chunk. The callback
    runs on rank 0; energy(), invariant() and params are asked there; on
    every rank `step` counts the steps and advance() raises rank 0's error.
    """

    # What from_config read: steps, ignored keys, notes, variant; None otherwise.
    config: dict[str, Any] | None = None

    def __init__(
        self,
        E: np.ndarray,
        E_prev: np.ndarray,
        params: Mapping[str, Any],
        chi: float | np.ndarray | None = None,
        backend: str = "auto",
        *,
        allow_unstable: bool = False,
        comm: Any = None,
        decomposition: str = "",
        exchange_depth: int = 0,
    ) -> None:
        self._comm = comm
        self._core = None  # a worker rank's: the state is rank 0's
        self._step = 0
        self._E = self._E_prev = None
        if _ranks.is_worker(comm):
            _ranks.on_worker(comm, serves=False)
            return
        _ranks.on_root(comm, lambda: self._prepare(E, E_prev, params, chi, backend, allow_unstable, comm),
                       decomposition, exchange_depth, serves=False)

    def _prepare(self, E, E_prev, params, chi, backend, allow_unstable, comm):
        _arrays.check_field("E", E, in_place=True)
        _arrays.check_field("E_prev", E_prev, in_place=True)
        _arrays.check_pair(E, E_prev, in_place=True)
        text = _arrays.params_text(params)
        precision = params.get("precision")
        if precision is not None and precision in ("float64", "float32") and precision != E.dtype.name:
            raise ValueError(
                f"params: precision is {precision} but E is {E.dtype}; Simulation steps E in its own "
                f"dtype: drop 'precision' or pass {precision} arrays"
            )
        if not isinstance(backend, str):
            raise TypeError(f"backend is a {type(backend).__name__}; expected a name such as 'auto' or 'cpu'")
        chi_field = None
        if chi is not None:
            if _arrays.is_scalar(chi):
                text = _arrays.params_text({**params, "chi": float(chi)})
            else:
                chi_field = _arrays.check_chi_field(chi, E)

        def go(_session: Any, decomposition: str, exchange_depth: int) -> None:
            self._E, self._E_prev = E, E_prev
            self._core = _core.Simulation(E, E_prev, text, chi_field, backend, bool(allow_unstable))
            if _ranks.ranks_of(comm) > 1:
                self._core.on_ranks(comm.py2f(), decomposition, exchange_depth)

        return go

    @classmethod
    def from_config(
        cls,
        path: str | os.PathLike[str],
        variant: str | None = None,
        backend: str = "auto",
        *,
        E: np.ndarray | None = None,
        E_prev: np.ndarray | None = None,
        chi: float | np.ndarray | None = None,
        allow_unstable: bool = False,
    ) -> Simulation:
        """A Simulation of a config file, as `lfm run --config path` would start it.

        path: lfm's own JSON config, or a config of the LFM Python code (a
        `parameters` block, run_settings, variants or tests; README, "Coming
        from LFM"), read by the same library code as the CLI: the same keys
        mapped, ignored (one UserWarning naming them) and refused
        (ValueError). variant: an LFM config's test_id, as --variant.

        Neither format holds initial fields lfm can build, so E and E_prev
        (levels n and n - 1, as --init and --init-prev) are required; they
        are copied into new 64-byte aligned arrays in the run's precision
        (the config's, else their common dtype), which the Simulation then
        steps: `sim.E`, not the arrays passed. Their shape must be the
        lattice the config asks for (grid_points, dimensions). chi: as for
        Simulation (an array is --chi). The config's step count is
        `sim.config["steps"]` (None when it has none); stepping is the
        caller's: `sim.advance(sim.config["steps"])`.
        """
        if variant is not None and not isinstance(variant, str):
            raise TypeError(f"variant is a {type(variant).__name__}; expected a test_id string or None")
        source = os.fspath(path)
        with open(source, encoding="utf-8") as f:
            text = f.read()
        if E is None or E_prev is None:
            _core.read_config(text, source, variant, None, "")  # refuse a bad config first
            raise ValueError(
                f"{source}: a config holds no initial fields lfm can build; pass E= and E_prev= "
                f"(levels n and n - 1, as `lfm run --config` takes --init and --init-prev)"
            )
        for name, a in (("E", E), ("E_prev", E_prev)):
            if not isinstance(a, np.ndarray):
                raise TypeError(f"{name} is a {type(a).__name__}; expected a NumPy array")
        config = _core.read_config(text, source, variant, list(E.shape), "E")
        params = json.loads(config["params_json"])
        if config["precision_given"]:
            dtype = np.dtype(params["precision"])
        elif E.dtype != E_prev.dtype:
            raise ValueError(
                f"E is {E.dtype} but E_prev is {E_prev.dtype}; give the config a precision "
                f"or pass arrays of one dtype"
            )
        else:
            dtype = E.dtype
            params["precision"] = dtype.name  # checked by Simulation: float64 or float32 only
        if dtype.name not in ("float64", "float32"):
            raise TypeError(f"E is {E.dtype}; expected float64 or float32")
        if E_prev.shape != E.shape:
            raise ValueError(f"E_prev has shape {E_prev.shape} but E {E.shape}; expected one shape")
        fields = []
        for a in (E, E_prev):
            fresh = _arrays.empty(E.shape, dtype)
            fresh[...] = a
            fields.append(fresh)
        if config["ignored_line"]:
            warnings.warn(config["ignored_line"], UserWarning, stacklevel=2)
        for note in config["notes"]:
            warnings.warn(note, UserWarning, stacklevel=2)
        sim = cls(fields[0], fields[1], params, chi, backend, allow_unstable=allow_unstable)
        sim.config = {
            "steps": config["steps"],
            "ignored": list(config["ignored"]),
            "notes": list(config["notes"]),
            "variant": config["variant"] or None,
            "lfm_format": config["lfm_format"],
        }
        return sim

    @property
    def E(self) -> np.ndarray | None:
        """The caller's array holding the newest level (None on ranks other than 0)."""
        return self._E

    @property
    def E_prev(self) -> np.ndarray | None:
        """The caller's array holding the level before E (None on ranks other than 0)."""
        return self._E_prev

    @property
    def step(self) -> int:
        """Steps taken since the initial pair."""
        return self._step if self._core is None else self._core.step

    @property
    def backend(self) -> str:
        return self._root().backend

    @property
    def tuning(self) -> str:
        """What an autotuning backend chose ("auto: cpu (...)"), or how the ranks share the lattice; "" otherwise."""
        return self._root().tuning

    @property
    def params(self) -> dict[str, Any]:
        """Every parameter as the run uses it, defaults filled in."""
        return json.loads(self._root().params_json)

    def advance(
        self, steps: int, every: int | None = None, callback: Callable[[Simulation], Any] | None = None
    ) -> None:
        """Takes `steps` leapfrog steps, the GIL released while stepping.

        With callback, callback(self) runs (GIL held) whenever `self.step` is
        a multiple of `every`, E and E_prev holding that step's levels.
        Ctrl-C raises KeyboardInterrupt within about 0.1 s, at a step
        boundary: E, E_prev and `step` then describe the step reached.
        """
        if self._core is None:
            self._step = _ranks.on_worker(self._comm)
            return

        def prepare() -> Callable[[Any, str, int], int]:
            n = _count("steps", steps, minimum=0)
            if callback is not None and not callable(callback):
                raise TypeError(f"callback is a {type(callback).__name__}; expected a function of the Simulation")
            if (every is None) != (callback is None):
                raise ValueError("every and callback go together: advance(steps, every=K, callback=f)")
            stride = 0 if every is None else _count("every", every, minimum=1)
            call = None if callback is None else (lambda: callback(self))

            def go(session: Any, *_: Any) -> int:
                self._core.advance(n, stride, call, session)
                return self._core.step

            return go

        _ranks.on_root(self._comm, prepare)

    def energy(self) -> float:
        """SPEC §4's energy of (E, E_prev); drifts by O(dt²)."""
        return self._root().energy()

    def invariant(self) -> float:
        """SPEC §4's discrete invariant H; conserved to round-off when periodic and undamped."""
        return self._root().invariant()

    def set_chi(self, chi: float | np.ndarray) -> None:
        """Replaces χ (a number, or an array of E's shape and dtype, copied) for later steps.

        On the ranks of a communicator, rank 0's χ is the one stepped: other ranks may call it too, and it does
        nothing there."""
        if self._core is None:
            return
        if _arrays.is_scalar(chi):
            self._core.set_chi(float(chi))
        else:
            self._core.set_chi_field(_arrays.check_chi_field(chi, self._E))

    def _root(self) -> Any:
        if self._core is None:
            raise ValueError(f"rank {self._comm.Get_rank()} holds no fields: a Simulation on the ranks of comm keeps "
                             f"its state on rank 0; ask it there (comm.Get_rank() == 0)")
        return self._core

    def __repr__(self) -> str:
        if self._core is None:
            return f"<lfm.Simulation on rank {self._comm.Get_rank()}: the state is rank 0's, step={self.step}>"
        shape = _arrays.shape_string(self._E.shape)
        return f"<lfm.Simulation {shape} {self._E.dtype} backend={self.backend} step={self.step}>"


def _count(name: str, value: Any, *, minimum: int) -> int:
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} is a {type(value).__name__}; expected an integer >= {minimum}") from None
    if n < minimum:
        raise ValueError(f"{name} = {n} is too small; expected an integer >= {minimum}")
    return n

"""lfm: the Lattice Field Medium simulator's library from Python.

    E_next = (2 - γ) E - (1 - γ) E_prev + dt² (c² ∇²E - χ² E),   c² = alpha / beta

Arrays in, arrays out, C order, dtype kept (float64 or float32), parameters
named as in the JSON config of `lfm run`. Nothing is copied behind the
caller's back: an array lfm cannot use as it is raises with how to fix it.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

import numpy as np

from . import _arrays, _core
from ._arrays import empty
from ._simulation import Simulation

__version__: str = _core.__version__
__all__ = ["Simulation", "lattice_step", "backends", "empty", "BackendInfo", "__version__"]


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

"""Checks that refuse an array lfm cannot use as it is, saying how to fix it.

lfm never copies a caller's array behind their back: Simulation steps E and
E_prev in place, so an array that would need a copy (another dtype, another
layout, read-only memory) is refused with the call that makes a usable one.
"""

from __future__ import annotations

import json
import math
import numbers
from typing import Any, Mapping

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))

# 64 bytes: a cache line and the widest SIMD register (AVX-512), the
# alignment of the library's own fields. The backends need only the
# element alignment NumPy gives every array it allocates.
ALIGNMENT = 64


def empty(shape: int | tuple[int, ...], dtype: Any = np.float64) -> np.ndarray:
    """A new, uninitialised C-order array aligned to 64 bytes, as lfm's own fields are."""
    dtype = np.dtype(dtype)
    if dtype not in FLOAT_DTYPES:
        raise TypeError(f"dtype {dtype} is not supported; expected float64 or float32")
    shape = (int(shape),) if isinstance(shape, numbers.Integral) else tuple(int(n) for n in shape)
    nbytes = math.prod(shape) * dtype.itemsize
    raw = np.empty(nbytes + ALIGNMENT, dtype=np.uint8)
    offset = -raw.ctypes.data % ALIGNMENT
    return raw[offset : offset + nbytes].view(dtype).reshape(shape)


def shape_string(shape: tuple[int, ...]) -> str:
    """A shape as the library prints it: 64x64x64."""
    return "x".join(str(n) for n in shape)


def check_field(name: str, a: Any, *, in_place: bool) -> np.ndarray:
    """`a` if lfm can use its memory as it is; TypeError/ValueError otherwise."""
    if not isinstance(a, np.ndarray):
        raise TypeError(
            f"{name} is a {type(a).__name__}; expected a numpy.ndarray of float64 or float32 "
            f"(numpy.asarray({name}, dtype=numpy.float64))"
        )
    if a.dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"{name} has dtype {a.dtype}; expected float64 or float32 ({name}.astype(numpy.float64))"
        )
    if not 1 <= a.ndim <= 3:
        raise ValueError(f"{name} has {a.ndim} axes (shape {a.shape}); expected 1, 2 or 3")
    if a.size == 0:
        raise ValueError(f"{name} has shape {a.shape}; every axis needs at least one cell")
    if not a.flags.c_contiguous:
        raise ValueError(
            f"{name} is not C-contiguous (strides {a.strides}); lfm reads and steps the array's own "
            f"memory and does not copy it: pass numpy.ascontiguousarray({name}) and keep using that array"
        )
    if not a.flags.aligned:
        raise ValueError(
            f"{name} is not aligned to its {a.dtype.itemsize}-byte elements (address {a.ctypes.data:#x}); "
            f"make an aligned array with lfm.empty({name}.shape, {name}.dtype) or numpy.empty and copy "
            f"into it: aligned[...] = {name}"
        )
    if in_place and not a.flags.writeable:
        raise ValueError(
            f"{name} is read-only; Simulation steps it in place: pass a writeable array ({name}.copy())"
        )
    return a


def check_pair(E: np.ndarray, E_prev: np.ndarray, *, in_place: bool) -> None:
    """The two levels: one shape, one dtype, and two separate buffers when stepped in place."""
    if E_prev.shape != E.shape:
        raise ValueError(
            f"E_prev: shape {shape_string(E_prev.shape)} differs from E's {shape_string(E.shape)}; "
            "E, E_prev and chi must have the same shape"
        )
    if E_prev.dtype != E.dtype:
        raise TypeError(
            f"E is {E.dtype} but E_prev is {E_prev.dtype}; pass arrays of one dtype "
            "(E_prev.astype(E.dtype)), or name the precision in params"
        )
    if in_place and np.may_share_memory(E, E_prev):
        raise ValueError("E and E_prev share memory; they must be two separate arrays (E_prev = E.copy())")


def check_chi_field(chi: Any, E: np.ndarray) -> np.ndarray:
    """A χ array of E's shape and dtype, C-contiguous (χ is copied, so any layout will do)."""
    if not isinstance(chi, np.ndarray):
        raise TypeError(f"chi is a {type(chi).__name__}; expected a number or a numpy.ndarray of E's shape")
    if chi.dtype != E.dtype:
        raise TypeError(f"chi is {chi.dtype} but E is {E.dtype}; pass chi.astype(E.dtype)")
    if chi.shape != E.shape:
        raise ValueError(
            f"chi: shape {shape_string(chi.shape)} differs from E's {shape_string(E.shape)}; "
            "E, E_prev and chi must have the same shape"
        )
    return np.ascontiguousarray(chi)


def is_scalar(value: Any) -> bool:
    return isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0)


def _json_value(value: Any) -> Any:
    if isinstance(value, (np.generic, np.ndarray)):  # NumPy scalars and 0-d arrays
        return value.item()
    raise TypeError(f"a {type(value).__name__} is not a parameter value; expected a number or a string")


def check_mapping(params: Any) -> None:
    if not isinstance(params, Mapping):
        raise TypeError(f"params is a {type(params).__name__}; expected a dict such as {{'dt': 0.25, 'dx': 1.0}}")


def params_text(params: Mapping[str, Any]) -> str:
    """The parameters as the JSON text the library's config reader takes."""
    check_mapping(params)
    for key, value in params.items():
        if isinstance(value, np.ndarray) and value.ndim > 0:
            raise TypeError(f"params[{key!r}] is an array; a χ field goes in as chi=..., other parameters are numbers")
        # JSON holds no NaN or Inf, so the library's reader cannot name them.
        if is_scalar(value) and not isinstance(value, bool) and not math.isfinite(float(value)):
            raise ValueError(f"params: {key} = {float(value)} is not finite; expected a finite number")
    return json.dumps(dict(params), default=_json_value)

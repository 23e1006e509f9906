"""Every input lfm cannot use raises TypeError or ValueError saying what is
wrong and how to fix it; nothing is copied or stepped."""

import numpy as np
import pytest

import lfm

P = {"dt": 0.2, "dx": 1.0}


def pair(shape=(8, 8), dtype=np.float64):
    return np.zeros(shape, dtype), np.zeros(shape, dtype)


def misaligned(shape, dtype=np.float64):
    """A view one byte past an aligned buffer: NumPy flags it unaligned."""
    n = int(np.prod(shape)) * np.dtype(dtype).itemsize
    raw = np.zeros(n + 1, np.uint8)
    a = raw[1:].view(dtype).reshape(shape)
    assert not a.flags.aligned
    return a


def read_only(a):
    a.setflags(write=False)
    return a


BAD_FIELDS = [
    (lambda: [[0.0] * 8] * 8, TypeError, r"E is a list; expected a numpy\.ndarray.*numpy\.asarray"),
    (lambda: np.zeros((8, 8), np.int64), TypeError, r"E has dtype int64; expected float64 or float32.*astype"),
    (lambda: np.zeros((8, 8), np.float16), TypeError, r"dtype float16"),
    (lambda: np.zeros((8, 8), np.complex128), TypeError, r"dtype complex128"),
    (lambda: np.zeros((2, 8, 8, 8)), ValueError, r"E has 4 axes \(shape \(2, 8, 8, 8\)\); expected 1, 2 or 3"),
    (lambda: np.zeros(()), ValueError, r"E has 0 axes"),
    (lambda: np.zeros((0, 8)), ValueError, r"every axis needs at least one cell"),
    (lambda: np.zeros((8, 16))[:, ::2], ValueError, r"E is not C-contiguous.*numpy\.ascontiguousarray\(E\)"),
    (lambda: np.zeros((8, 8), order="F")[:, :7], ValueError, r"not C-contiguous"),
    (lambda: misaligned((8, 8)), ValueError, r"E is not aligned to its 8-byte elements.*lfm\.empty\(E\.shape, E\.dtype\)"),
]


FIELD_IDS = ["list", "int64", "float16", "complex", "4d", "0d", "empty", "strided", "fortran-slice", "misaligned"]


@pytest.mark.parametrize("make,error,message", BAD_FIELDS, ids=FIELD_IDS)
def test_bad_E_is_refused(make, error, message):
    bad = make()
    with pytest.raises(error, match=message):
        lfm.Simulation(bad, np.zeros((8, 8)), P)
    with pytest.raises(error, match=message):
        lfm.lattice_step(bad, np.zeros((8, 8)), P)


@pytest.mark.parametrize("make,error,message", BAD_FIELDS, ids=FIELD_IDS)
def test_bad_E_prev_is_refused(make, error, message):
    with pytest.raises(error, match=message.replace("E ", "E_prev ").replace(r"\(E\)", r"\(E_prev\)")
                       .replace("E\\.shape, E\\.dtype", "E_prev\\.shape, E_prev\\.dtype")):
        lfm.Simulation(np.zeros((8, 8)), make(), P)


def test_read_only_is_refused_in_place_only():
    E, E_prev = pair()
    with pytest.raises(ValueError, match=r"E is read-only; Simulation steps it in place.*E\.copy\(\)"):
        lfm.Simulation(read_only(E), E_prev, P)
    with pytest.raises(ValueError, match=r"E_prev is read-only"):
        lfm.Simulation(np.zeros((8, 8)), read_only(E_prev), P)
    assert lfm.lattice_step(E, E_prev, P).shape == (8, 8)  # a pure function: reading is enough


def test_shape_mismatch():
    with pytest.raises(ValueError, match=r"E_prev: shape 8x9 differs from E's 8x8; E, E_prev and chi must"):
        lfm.Simulation(np.zeros((8, 8)), np.zeros((8, 9)), P)
    with pytest.raises(ValueError, match=r"E_prev: shape 64 differs from E's 8x8"):
        lfm.lattice_step(np.zeros((8, 8)), np.zeros(64), P)


def test_dtype_mismatch():
    with pytest.raises(TypeError, match=r"E is float64 but E_prev is float32.*E_prev\.astype\(E\.dtype\)"):
        lfm.Simulation(np.zeros((8, 8)), np.zeros((8, 8), np.float32), P)
    with pytest.raises(TypeError, match=r"E is float32 but E_prev is float64"):
        lfm.lattice_step(np.zeros(8, np.float32), np.zeros(8), P)


def test_shared_buffers():
    E = np.zeros((8, 8))
    with pytest.raises(ValueError, match=r"E and E_prev share memory.*E_prev = E\.copy\(\)"):
        lfm.Simulation(E, E, P)
    big = np.zeros(16)
    with pytest.raises(ValueError, match=r"share memory"):
        lfm.Simulation(big[:8], big[4:12], P)


def test_bad_chi():
    E, E_prev = pair()
    with pytest.raises(ValueError, match=r"chi: shape 8x9 differs from E's 8x8"):
        lfm.Simulation(E, E_prev, P, chi=np.zeros((8, 9)))
    with pytest.raises(TypeError, match=r"chi is float32 but E is float64; pass chi\.astype\(E\.dtype\)"):
        lfm.Simulation(E, E_prev, P, chi=np.zeros((8, 8), np.float32))
    with pytest.raises(TypeError, match=r"chi is a str"):
        lfm.Simulation(E, E_prev, P, chi="0.1")
    bad = np.zeros((8, 8))
    bad[3, 5] = np.nan
    with pytest.raises(ValueError, match=r"chi: value at index \(3, 5\) is NaN; every value must be finite"):
        lfm.Simulation(E, E_prev, P, chi=bad)
    sim = lfm.Simulation(E, E_prev, P)
    with pytest.raises(ValueError, match=r"chi: shape 4x4 differs"):
        sim.set_chi(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"is unstable.*pass allow_unstable=True"):
        sim.set_chi(50.0)
    with pytest.raises(ValueError, match=r"chi = inf is not finite"):
        sim.set_chi(float("inf"))
    assert sim.params["chi"] == 0.0  # a refused χ changes nothing


def test_non_finite_fields():
    E, E_prev = pair()
    E[2, 7] = np.inf
    with pytest.raises(ValueError, match=r"E: value at index \(2, 7\) is Inf; every value must be finite"):
        lfm.Simulation(E, E_prev, P)


@pytest.mark.parametrize("params,error,message", [
    ([("dt", 0.1)], TypeError, r"params is a list; expected a dict"),
    ({"dt": np.zeros(3), "dx": 1.0}, TypeError, r"params\['dt'\] is an array"),
    ({"dt": float("nan"), "dx": 1.0}, ValueError, r"params: dt = nan is not finite"),
    ({"dt": 0.1, "dx": 1.0, "boundary": object()}, TypeError, r"a object is not a parameter value"),
    ({"dt": "fast", "dx": 1.0}, ValueError, r"params: .*dt"),
    ({"dt": 0.1, "dx": 1.0, "precision": "float32"}, ValueError,
     r"params: precision is float32 but E is float64; .*drop 'precision' or pass float32 arrays"),
])
def test_bad_params(params, error, message):
    E, E_prev = pair()
    with pytest.raises(error, match=message):
        lfm.Simulation(E, E_prev, params)


def test_numpy_scalars_are_parameters():
    E, E_prev = pair()
    sim = lfm.Simulation(E, E_prev, {"dt": np.float32(0.25), "dx": np.float64(1.0), "stencil_order": np.int64(4)})
    assert sim.params["stencil_order"] == 4 and sim.params["dt"] == 0.25


def test_unstable_runs_when_asked():
    E, E_prev = pair()
    with pytest.raises(ValueError, match=r"largest stable dt is 0\.7071"):
        lfm.Simulation(E, E_prev, {"dt": 3.0, "dx": 1.0})
    lfm.Simulation(E, E_prev, {"dt": 3.0, "dx": 1.0}, allow_unstable=True).advance(1)
    lfm.lattice_step(E, E_prev, {"dt": 3.0, "dx": 1.0}, allow_unstable=True)


def test_bad_backend():
    E, E_prev = pair()
    with pytest.raises(ValueError, match=r"unknown backend 'cpux'.*cpu"):
        lfm.Simulation(E, E_prev, P, backend="cpux")
    with pytest.raises(ValueError, match=r"unknown backend 'fused'"):
        lfm.lattice_step(E, E_prev, {**P, "backend": "fused"})
    with pytest.raises(TypeError, match=r"backend is a int"):
        lfm.Simulation(E, E_prev, P, backend=3)


def test_bad_advance_arguments():
    sim = lfm.Simulation(*pair(), P)
    with pytest.raises(ValueError, match=r"steps = -1 is too small; expected an integer >= 0"):
        sim.advance(-1)
    with pytest.raises(TypeError, match=r"steps is a float; expected an integer"):
        sim.advance(2.5)
    with pytest.raises(ValueError, match=r"every = 0 is too small"):
        sim.advance(3, every=0, callback=print)
    with pytest.raises(ValueError, match=r"every and callback go together"):
        sim.advance(3, every=2)
    with pytest.raises(TypeError, match=r"callback is a int"):
        sim.advance(3, every=2, callback=5)
    assert sim.step == 0


def test_empty_gives_aligned_arrays():
    for shape, dtype in [((7,), np.float64), ((3, 5), np.float32), ((4, 4, 3), "float64"), (9, np.float32)]:
        a = lfm.empty(shape, dtype)
        assert a.ctypes.data % 64 == 0
        assert a.shape == ((shape,) if isinstance(shape, int) else shape) and a.dtype == np.dtype(dtype)
        assert a.flags.c_contiguous and a.flags.writeable and a.flags.aligned
    with pytest.raises(TypeError, match=r"dtype int32 is not supported"):
        lfm.empty((3,), np.int32)
    # What the misalignment message suggests works.
    bad = misaligned((8, 8))
    fixed = lfm.empty(bad.shape, bad.dtype)
    fixed[...] = bad
    lfm.Simulation(fixed, np.zeros((8, 8)), P)

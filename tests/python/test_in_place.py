"""Simulation steps the caller's own buffers: the same addresses before and
after, E holding the newest level and E_prev the one before, whatever the
backend and the parity of the step counts; lattice_step leaves its inputs
as they were."""

import numpy as np
import pytest

import lfm
import spec_numpy as spec
from conftest import FLOAT64_RTOL, assert_close, random_pair

BACKENDS = [b.name for b in lfm.backends() if b.available]
P = {"dt": 0.2, "dx": 1.0, "chi": 0.2}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("steps", [1, 2, 7, 16])
@pytest.mark.parametrize("shape", [(40,), (10, 12), (8, 9, 10)], ids=["1d", "2d", "3d"])
def test_advance_keeps_buffers_and_level_order(rng, backend, steps, shape):
    E, E_prev = random_pair(rng, shape)
    expected = spec.run(E, E_prev, P, steps)[-1]
    addresses = (E.ctypes.data, E_prev.ctypes.data)
    sim = lfm.Simulation(E, E_prev, P, backend=backend)
    sim.advance(steps)
    assert (E.ctypes.data, E_prev.ctypes.data) == addresses
    assert sim.E is E and sim.E_prev is E_prev
    assert_close(E, expected[0], FLOAT64_RTOL)
    assert_close(E_prev, expected[1], FLOAT64_RTOL)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("every", [1, 3, 4])
def test_callback_sees_each_step_in_the_callers_arrays(rng, backend, every):
    E, E_prev = random_pair(rng, (8, 9, 10))
    pairs = spec.run(E, E_prev, P, 13)
    seen = []

    def record(sim):
        assert sim.E is E and sim.E_prev is E_prev
        seen.append((sim.step, E.copy(), E_prev.copy()))

    sim = lfm.Simulation(E, E_prev, P, backend=backend)
    sim.advance(13, every=every, callback=record)
    assert [s for s, _, _ in seen] == list(range(every, 14, every))
    for step, got_E, got_prev in seen:
        assert_close(got_E, pairs[step - 1][0], FLOAT64_RTOL)
        assert_close(got_prev, pairs[step - 1][1], FLOAT64_RTOL)
    assert_close(E, pairs[-1][0], FLOAT64_RTOL)


def test_callback_stride_counts_from_step_zero(rng):
    E, E_prev = random_pair(rng, (16,))
    sim = lfm.Simulation(E, E_prev, P)
    steps = []
    sim.advance(5, every=4, callback=lambda s: steps.append(s.step))
    sim.advance(5, every=4, callback=lambda s: steps.append(s.step))
    assert steps == [4, 8]
    assert sim.step == 10


@pytest.mark.parametrize("backend", BACKENDS)
def test_chunks_and_calls_add_up_to_one_run(rng, backend):
    E, E_prev = random_pair(rng, (8, 9, 10))
    whole_E, whole_prev = E.copy(), E_prev.copy()
    lfm.Simulation(whole_E, whole_prev, P, backend=backend).advance(15)
    sim = lfm.Simulation(E, E_prev, P, backend=backend)
    for n in (1, 2, 5, 7):
        sim.advance(n)
    np.testing.assert_array_equal(E, whole_E)
    np.testing.assert_array_equal(E_prev, whole_prev)


def test_callback_exception_leaves_the_step_reached(rng):
    E, E_prev = random_pair(rng, (30,))
    pairs = spec.run(E, E_prev, P, 3)

    def stop(sim):
        if sim.step == 3:
            raise RuntimeError("enough")

    sim = lfm.Simulation(E, E_prev, P)
    with pytest.raises(RuntimeError, match="enough"):
        sim.advance(10, every=1, callback=stop)
    assert sim.step == 3
    assert_close(E, pairs[-1][0], FLOAT64_RTOL)
    assert_close(E_prev, pairs[-1][1], FLOAT64_RTOL)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("writeable", [True, False])
def test_lattice_step_leaves_inputs_untouched(rng, backend, writeable):
    E, E_prev = random_pair(rng, (8, 9, 10))
    chi = rng.uniform(0, 0.3, E.shape)
    copies = E.copy(), E_prev.copy(), chi.copy()
    for a in (E, E_prev, chi):
        a.setflags(write=writeable)
    out = lfm.lattice_step(E, E_prev, {**P, "chi": chi, "backend": backend})
    for a, b in zip((E, E_prev, chi), copies):
        np.testing.assert_array_equal(a, b)
    assert not np.shares_memory(out, E) and not np.shares_memory(out, E_prev)
    assert out.flags.c_contiguous and out.flags.writeable and out.ctypes.data % 64 == 0
    assert_close(out, spec.step(*copies[:2], P, chi=copies[2]), FLOAT64_RTOL)


def test_chi_array_is_copied(rng):
    E, E_prev = random_pair(rng, (20,))
    chi = np.full(E.shape, 0.2)
    reference_E, reference_prev = E.copy(), E_prev.copy()
    lfm.Simulation(reference_E, reference_prev, P).advance(4)
    sim = lfm.Simulation(E, E_prev, {"dt": 0.2, "dx": 1.0}, chi=chi)
    chi[:] = 0.45  # after the call: no effect until set_chi
    sim.advance(4)
    assert_close(E, reference_E, FLOAT64_RTOL)
    assert_close(E_prev, reference_prev, FLOAT64_RTOL)



def test_callback_may_read_diagnostics_and_set_chi(rng):
    E, E_prev = random_pair(rng, (24,))
    pairs = spec.run(E, E_prev, P, 4)
    after = spec.run(*pairs[-1], {**P, "chi": 0.4}, 4)
    energies = []

    def look(sim):
        energies.append(sim.energy())
        if sim.step == 4:
            sim.set_chi(0.4)

    sim = lfm.Simulation(E, E_prev, P)
    sim.advance(8, every=2, callback=look)
    assert energies[1] == pytest.approx(spec.energy(*pairs[-1], P), rel=1e-12)
    assert_close(E, after[-1][0], FLOAT64_RTOL)


def test_advance_from_its_callback_is_refused(rng):
    sim = lfm.Simulation(*random_pair(rng, (24,)), P)
    with pytest.raises(RuntimeError, match=r"advance\(\) was called from its own callback"):
        sim.advance(4, every=2, callback=lambda s: s.advance(1))
    assert sim.step == 2

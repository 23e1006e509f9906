"""lattice_step and Simulation against SPEC's update transcribed in NumPy
(spec_numpy.py), on seeded random inputs, every dimension, order, boundary
and χ kind."""

import numpy as np
import pytest

import lfm
import spec_numpy as spec
from conftest import FLOAT32_RTOL, FLOAT64_RTOL, assert_close, random_pair

SHAPES = {1: (37,), 2: (13, 11), 3: (9, 8, 10)}
CASES = [
    {"boundary": "periodic"},
    {"boundary": "reflective"},
    {"boundary": "absorbing", "absorb_width": 2, "absorb_factor": 1.0},
    {"boundary": "absorbing", "absorb_width": 3, "absorb_factor": 0.5},
    {"boundary": "periodic", "gamma_damp": 0.1, "alpha": 2.0, "beta": 1.5},
]


def params_for(case, order):
    # dt within the leapfrog limit for every dimension and order at dx = 1.
    return {"dt": 0.2, "dx": 1.0, "chi": 0.3, "stencil_order": order, **case}


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_lattice_step_matches_numpy(rng, dims, order, case):
    p = params_for(case, order)
    E, E_prev = random_pair(rng, SHAPES[dims])
    assert_close(lfm.lattice_step(E, E_prev, p), spec.step(E, E_prev, p), FLOAT64_RTOL)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_lattice_step_chi_field_matches_numpy(rng, dims):
    p = {"dt": 0.2, "dx": 1.0}
    E, E_prev = random_pair(rng, SHAPES[dims])
    chi = rng.uniform(0.0, 0.5, SHAPES[dims])
    got = lfm.lattice_step(E, E_prev, {**p, "chi": chi})
    assert_close(got, spec.step(E, E_prev, p, chi=chi), FLOAT64_RTOL)


@pytest.mark.parametrize("backend", [b.name for b in lfm.backends() if b.available])
@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("case", CASES[:3], ids=lambda c: c["boundary"])
def test_simulation_100_steps_matches_numpy(rng, backend, dims, case):
    p = params_for(case, 2)
    E, E_prev = random_pair(rng, SHAPES[dims])
    chi = rng.uniform(0.0, 0.5, SHAPES[dims])
    expected = spec.run(E, E_prev, p, 100, chi=chi)[-1]
    sim = lfm.Simulation(E, E_prev, p, chi=chi, backend=backend)
    sim.advance(100)
    assert sim.step == 100
    assert_close(E, expected[0], FLOAT64_RTOL)
    assert_close(E_prev, expected[1], FLOAT64_RTOL)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_float32_within_spec_tolerance(rng, dims):
    p = params_for(CASES[0], 2)
    E, E_prev = random_pair(rng, SHAPES[dims])
    expected = spec.run(E, E_prev, p, 100)[-1]
    E32, P32 = E.astype(np.float32), E_prev.astype(np.float32)
    lfm.Simulation(E32, P32, p).advance(100)
    assert E32.dtype == np.float32
    assert_close(E32, expected[0], FLOAT32_RTOL)
    step32 = lfm.lattice_step(E.astype(np.float32), E_prev.astype(np.float32), p)
    assert step32.dtype == np.float32
    assert_close(step32, spec.step(E, E_prev, p), FLOAT32_RTOL)


def test_precision_in_params_converts_lattice_step_inputs(rng):
    p = {"dt": 0.2, "dx": 1.0, "precision": "float32"}
    E, E_prev = random_pair(rng, (16,))
    got = lfm.lattice_step(E, E_prev, p)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, lfm.lattice_step(E.astype(np.float32), E_prev.astype(np.float32),
                                                       {"dt": 0.2, "dx": 1.0}))


def test_energy_and_invariant_match_numpy(rng):
    p = {"dt": 0.2, "dx": 0.9, "alpha": 1.3, "chi": 0.2}
    E, E_prev = random_pair(rng, SHAPES[3])
    sim = lfm.Simulation(E, E_prev, p)
    sim.advance(7)
    # Sums in a different order: a few ulps of the total per term.
    assert sim.energy() == pytest.approx(spec.energy(E, E_prev, p), rel=1e-12)
    assert sim.invariant() == pytest.approx(spec.invariant(E, E_prev, p), rel=1e-12)


def test_invariant_conserved_over_100_steps(rng):
    # SPEC §4: H conserved to about 1e-15 relative per step in float64;
    # 100 steps of round-off stay far below 1e-12.
    p = {"dt": 0.2, "dx": 1.0}
    E, E_prev = random_pair(rng, SHAPES[2])
    chi = rng.uniform(0.0, 0.5, SHAPES[2])
    sim = lfm.Simulation(E, E_prev, p, chi=chi)
    h0 = sim.invariant()
    sim.advance(100)
    assert sim.invariant() == pytest.approx(h0, rel=1e-12)


def test_set_chi_between_calls_matches_numpy(rng):
    p = {"dt": 0.2, "dx": 1.0, "chi": 0.1}
    E, E_prev = random_pair(rng, SHAPES[2])
    chi = rng.uniform(0.0, 0.5, SHAPES[2])
    first = spec.run(E, E_prev, p, 5)[-1]
    second = spec.run(*first, p, 5, chi=chi)[-1]
    third = spec.run(*second, {**p, "chi": 0.4}, 5)[-1]
    sim = lfm.Simulation(E, E_prev, p)
    sim.advance(5)
    sim.set_chi(chi)
    sim.advance(5)
    assert_close(E, second[0], FLOAT64_RTOL)
    sim.set_chi(0.4)
    sim.advance(5)
    assert_close(E, third[0], FLOAT64_RTOL)
    assert_close(E_prev, third[1], FLOAT64_RTOL)

"""lattice_step in a loop: what one call parsed and checked serves the next
only when it is the same question. Parameters changed in place, another
grid, another χ, allow_unstable or a value of another type must be seen;
`auto` takes `cpu`'s bits for its one step."""

import numpy as np
import pytest

import lfm
import spec_numpy as spec
from conftest import FLOAT64_RTOL, assert_close, random_pair

P = {"dt": 0.2, "dx": 1.0, "chi": 0.1}


def test_a_dict_changed_in_place_is_read_again(rng):
    E, E_prev = random_pair(rng, (40,))
    params = dict(P)
    lfm.lattice_step(E, E_prev, params)
    params["dt"] = 0.3
    assert_close(lfm.lattice_step(E, E_prev, params), spec.step(E, E_prev, params), FLOAT64_RTOL)
    params["stencil_order"] = 4
    assert_close(lfm.lattice_step(E, E_prev, params), spec.step(E, E_prev, params), FLOAT64_RTOL)


def test_each_grid_is_validated(rng):
    params = {**P, "stencil_order": 4}
    lfm.lattice_step(*random_pair(rng, (16, 16)), params)
    # The order-4 stencil needs 5 cells on every axis.
    with pytest.raises(ValueError, match=r"axis 1 of shape 16x4 has 4 cells"):
        lfm.lattice_step(*random_pair(rng, (16, 4)), params)


def test_each_chi_field_is_validated(rng):
    E, E_prev = random_pair(rng, (32,))
    params = {"dt": 0.5, "dx": 1.0}
    lfm.lattice_step(E, E_prev, {**params, "chi": np.full(E.shape, 0.5)})
    # dt²(4 + χ²) > 4 once χ > sqrt(12): the same text, a larger max|χ|.
    with pytest.raises(ValueError, match=r"is unstable"):
        lfm.lattice_step(E, E_prev, {**params, "chi": np.full(E.shape, 3.5)})


def test_allow_unstable_is_asked_each_call(rng):
    E, E_prev = random_pair(rng, (32,))
    unstable = {"dt": 3.0, "dx": 1.0}
    lfm.lattice_step(E, E_prev, unstable, allow_unstable=True)
    with pytest.raises(ValueError, match=r"largest stable dt is 1\b.*pass allow_unstable=True"):
        lfm.lattice_step(E, E_prev, unstable)


def test_equal_values_of_other_types_are_other_parameters(rng):
    # True == 1 in Python (and hashes alike), but JSON true is no number.
    E, E_prev = random_pair(rng, (32,))
    lfm.lattice_step(E, E_prev, {"dt": 0.2, "dx": 1.0, "chi": 1})
    with pytest.raises(ValueError, match=r"chi = true is a boolean"):
        lfm.lattice_step(E, E_prev, {"dt": 0.2, "dx": 1.0, "chi": True})


def test_precision_follows_the_arrays_for_one_text(rng):
    E, E_prev = random_pair(rng, (8, 9, 10))
    out64 = lfm.lattice_step(E, E_prev, P)
    out32 = lfm.lattice_step(E.astype(np.float32), E_prev.astype(np.float32), P)
    assert out64.dtype == np.float64 and out32.dtype == np.float32
    expected = spec.step(E, E_prev, P)
    assert_close(out64, expected, FLOAT64_RTOL)
    # One float32 step from float32-rounded inputs: a few ulp of float32.
    assert_close(out32, expected, 1e-6)
    # Checked in each precision: dx² = 1e-40 is a float64 but not a float32.
    tiny = {"dt": 5e-21, "dx": 1e-20}
    lfm.lattice_step(E, E_prev, tiny)
    with pytest.raises(ValueError, match=r"dx² = 1e-40 .*underflows float32"):
        lfm.lattice_step(E.astype(np.float32), E_prev.astype(np.float32), tiny)


@pytest.mark.parametrize("shape", [(512,), (16, 16, 16), (64, 64, 64)], ids=["1d", "3d16", "3d64"])
@pytest.mark.parametrize("params", [P, {**P, "boundary": "absorbing"}, {**P, "boundary": "reflective",
                                                                         "stencil_order": 4}],
                         ids=["periodic", "absorbing", "reflective_o4"])
def test_auto_and_cpu_give_the_same_bits(rng, shape, params):
    E, E_prev = random_pair(rng, shape)
    copies = E.copy(), E_prev.copy()
    by_auto = lfm.lattice_step(E, E_prev, params)
    by_cpu = lfm.lattice_step(E, E_prev, {**params, "backend": "cpu"})
    sim = lfm.Simulation(E.copy(), E_prev.copy(), params, backend="cpu")
    sim.advance(1)
    np.testing.assert_array_equal(by_auto, by_cpu)
    np.testing.assert_array_equal(by_cpu, sim.E)
    np.testing.assert_array_equal(E, copies[0])
    np.testing.assert_array_equal(E_prev, copies[1])

"""SPEC §1-3 as a NumPy user writes it: whole-array np.roll passes per step.

Timed by `lfm bench --numpy` next to the C++ backends, so a report can state
the speedup over the array-library approach on the same machine. Prints one
JSON object: the seconds per step of each repetition.
"""
import json, sys, time
import numpy as np

def laplacian(E, dx, order):
    lap = np.zeros_like(E)
    for axis in range(E.ndim):
        if order == 2:
            lap += np.roll(E, 1, axis) - 2 * E + np.roll(E, -1, axis)
        else:
            lap += (-np.roll(E, 2, axis) + 16 * np.roll(E, 1, axis) - 30 * E
                    + 16 * np.roll(E, -1, axis) - np.roll(E, -2, axis)) / 12
    return lap / (dx * dx)

def step(E, E_prev, p):
    E_next = (2 - p["gamma"]) * E - (1 - p["gamma"]) * E_prev \
        + p["dt"] ** 2 * (p["c2"] * laplacian(E, p["dx"], p["order"]) - p["chi"] ** 2 * E)
    return E_next, E  # periodic: no boundary pass

def main(n, dims, reps, steps, precision, order=2):
    rng = np.random.default_rng(1)
    E = rng.standard_normal((n,) * dims).astype(precision)
    E_prev = E.copy()
    p = {"dt": 0.25, "dx": 1.0, "c2": 1.0, "chi": 0.1, "gamma": 0.0, "order": order}
    E, E_prev = step(E, E_prev, p)  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(steps):
            E, E_prev = step(E, E_prev, p)
        times.append((time.perf_counter() - t0) / steps)
    print(json.dumps({"numpy": np.__version__, "seconds_per_step": times}))

if __name__ == "__main__":
    # An optional sixth argument is the stencil order (2 or 4, default 2).
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5],
         int(sys.argv[6]) if len(sys.argv) > 6 else 2)

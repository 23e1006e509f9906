"""SPEC §1-3 written in Devito, timed by `lfm bench --peer devito`.

The same leapfrog update lfm computes,

    E_next = (2 - γ) E - (1 - γ) E_prev + Δt² (c² ∇²_h E - χ² E),

as one Devito Operator on a TimeFunction(time_order=2, space_order=ORDER),
compiled with opt='advanced' to C with OpenMP (DEVITO_LANGUAGE=openmp).

Two choices keep it the same equation rather than a neighbour of it:

- Periodic boundaries. Devito has none built in: a stencil near the edge reads
  the TimeFunction's halo, which holds zeros unless someone writes it. Before
  every step this script copies the opposite faces of E into the halo (axis by
  axis, so edges and corners wrap too) and then applies the operator for one
  step. The copies and the per-step `op.apply` call are part of every timed
  step; the operator's own timer (its performance summary) is reported beside
  the wall time so the cost of the periodic wrap can be read off.
- The weights of ∇²_h. Devito's `E.laplace` at space_order=4 prints its
  weights into the C code with nine significant digits (1.333333330,
  -8.33333333e-2), so they no longer sum to zero: a different formula, which
  SPEC §6's float64 tolerance (1e-12 of max|E| after 100 steps) rejects. The
  stencil is therefore written with SPEC §2's integer weights (1, -2, 1 and
  -1, 16, -30, 16, -1) and the factors Δt²c²/Δx² (/12) and 2 - γ - Δt²χ²
  passed as runtime Constants, at full precision. `--laplace devito` uses
  `E.laplace` instead, to show the difference (`--check` reports it).

Timing (positional arguments, as perf_tests/numpy_step.py):
    devito_step.py N DIMS REPS STEPS PRECISION [ORDER]
prints one JSON object: the wall seconds per step of each repetition (after a
warm-up that also compiles the operator), the operator's own seconds per step
and what was run.

Correctness:
    devito_step.py --check INIT_DIR FINAL_DIR [--precision P] [--laplace spec|devito]
INIT_DIR is `lfm run wave_packet --steps 0 --out INIT_DIR`, FINAL_DIR the same
run with --steps S in float64; the script starts from INIT_DIR's E_prev.npy and
E.npy, takes S steps with the parameters of INIT_DIR/summary.json and compares
with FINAL_DIR/E.npy to SPEC §6: max |diff| <= 1e-12 max|E_lfm| in float64,
1e-4 in float32. Exit 0 when it agrees, 1 when not; one JSON line either way.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("DEVITO_LANGUAGE", "openmp")  # read when devito is imported
os.environ.setdefault("DEVITO_LOGGING", "ERROR")  # no "Operator ran in" lines on stdout
import numpy as np  # noqa: E402
import devito  # noqa: E402
from devito import Constant, Eq, Grid, Operator, TimeFunction  # noqa: E402

# SPEC §6: float64 against the float64 baseline, and float32 against it.
TOLERANCE = {"float64": 1e-12, "float32": 1e-4}

# SPEC §2's per-axis weights (offset: weight) and their common divisor.
WEIGHTS = {2: ({-1: 1, 0: -2, 1: 1}, 1), 4: ({-2: -1, -1: 16, 0: -30, 1: 16, 2: -1}, 12)}


class Leapfrog:
    """One Devito operator taking one periodic leapfrog step per apply."""

    def __init__(self, shape, order, precision, p, laplace="spec"):
        dtype = np.dtype(precision).type
        dx = p["dx"]
        # Devito's spacing is extent / (points - 1).
        grid = Grid(shape=shape, extent=tuple((n - 1) * dx for n in shape), dtype=dtype)
        self.E = E = TimeFunction(name="E", grid=grid, time_order=2, space_order=order)
        self.halo = E.halo[1][0]  # the same on every side of every space axis
        if min(shape) < self.halo:
            raise ValueError(f"n = {min(shape)} is below the halo width {self.halo} of space_order {order}")
        dt2 = p["dt"] ** 2
        keep = Constant(name="keep", dtype=dtype, value=2 - p["gamma"] - dt2 * p["chi"] ** 2)
        back = Constant(name="back", dtype=dtype, value=1 - p["gamma"])
        if laplace == "spec":
            weights, divisor = WEIGHTS[order]
            t = grid.stepping_dim
            space = grid.dimensions
            lap = 0
            for axis in range(len(shape)):
                for offset, w in weights.items():
                    at = tuple(d + offset if i == axis else d for i, d in enumerate(space))
                    lap += w * E[(t,) + at]
            k = Constant(name="k", dtype=dtype, value=dt2 * p["c2"] / (divisor * dx * dx))
            update = keep * E - back * E.backward + k * lap
        else:
            k = Constant(name="k", dtype=dtype, value=dt2 * p["c2"])
            update = keep * E - back * E.backward + k * E.laplace
        self.op = Operator([Eq(E.forward, update)], opt="advanced")
        self.t = 1  # E.data[t % 3] is E, E.data[(t - 1) % 3] is E_prev

    def load(self, E, E_prev):
        self.E.data[0] = E_prev
        self.E.data[1] = E
        self.t = 1

    def wrap(self, buffer):
        """Periodic boundary: each halo takes the planes at the opposite face."""
        a = self.E.data_with_halo[buffer]
        h = self.halo
        for axis in range(a.ndim):
            n = a.shape[axis] - 2 * h
            low = [slice(None)] * a.ndim
            src = list(low)
            low[axis], src[axis] = slice(0, h), slice(n, n + h)
            a[tuple(low)] = a[tuple(src)]
            low[axis], src[axis] = slice(n + h, n + 2 * h), slice(h, 2 * h)
            a[tuple(low)] = a[tuple(src)]

    def step(self, steps):
        """Takes `steps` steps; returns the operator's own seconds."""
        kernel = 0.0
        for _ in range(steps):
            self.wrap(self.t % 3)
            summary = self.op.apply(time_m=self.t, time_M=self.t)
            kernel += sum(entry.time for entry in summary.values())
            self.t += 1
        return kernel

    def fields(self):
        return np.array(self.E.data[self.t % 3]), np.array(self.E.data[(self.t - 1) % 3])


# The wave_packet workload's parameters (lattice/src/core/workloads.cpp).
WAVE_PACKET = {"dt": 0.25, "dx": 1.0, "c2": 1.0, "chi": 0.1, "gamma": 0.0}


def time_steps(n, dims, reps, steps, precision, order):
    rng = np.random.default_rng(1)
    E = rng.standard_normal((n,) * dims).astype(precision)
    leap = Leapfrog((n,) * dims, order, precision, WAVE_PACKET)
    leap.load(E, E)
    leap.step(1)  # warm-up: JIT compilation, first touch
    wall, kernel = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        k = leap.step(steps)
        wall.append((time.perf_counter() - t0) / steps)
        kernel.append(k / steps)
    print(json.dumps({
        "devito": devito.__version__,
        "opt": "advanced",
        "language": devito.configuration["language"],
        "threads": int(os.environ.get("OMP_NUM_THREADS", os.cpu_count())),
        "boundary": "periodic: halo copies before each step, timed",
        "stencil_order": order,
        "seconds_per_step": wall,
        "operator_seconds_per_step": kernel,
    }))


def check(init_dir, final_dir, precision, laplace):
    with open(os.path.join(init_dir, "summary.json")) as f:
        summary = json.load(f)
    q = summary["parameters"]
    if q["boundary"] != "periodic" or summary["chi"] != "scalar":
        raise SystemExit(f"--check compares periodic runs with a scalar chi; {init_dir} has "
                         f"boundary {q['boundary']}, chi {summary['chi']}")
    p = {"dt": q["dt"], "dx": q["dx"], "c2": q["alpha"] / q["beta"], "chi": q["chi"], "gamma": q["gamma_damp"]}
    with open(os.path.join(final_dir, "summary.json")) as f:
        steps = json.load(f)["steps"]
    E0 = np.load(os.path.join(init_dir, "E.npy")).astype(precision)
    E_prev0 = np.load(os.path.join(init_dir, "E_prev.npy")).astype(precision)
    expected = np.load(os.path.join(final_dir, "E.npy")).astype(np.float64)
    leap = Leapfrog(E0.shape, q["stencil_order"], precision, p, laplace)
    leap.load(E0, E_prev0)
    leap.step(steps)
    E, _ = leap.fields()
    scale = float(np.max(np.abs(expected)))
    error = float(np.max(np.abs(E.astype(np.float64) - expected)))
    ok = error <= TOLERANCE[precision] * scale
    print(json.dumps({"agrees": ok, "steps": steps, "stencil_order": q["stencil_order"], "precision": precision,
                      "laplace": laplace, "max_abs_diff": error, "max_abs_lfm": scale,
                      "relative": error / scale, "tolerance": TOLERANCE[precision]}))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        ap = argparse.ArgumentParser(description="Devito against an lfm run, to SPEC §6")
        ap.add_argument("--check", nargs=2, metavar=("INIT_DIR", "FINAL_DIR"), required=True)
        ap.add_argument("--precision", choices=sorted(TOLERANCE), default="float64")
        ap.add_argument("--laplace", choices=["spec", "devito"], default="spec")
        a = ap.parse_args()
        sys.exit(check(a.check[0], a.check[1], a.precision, a.laplace))
    n, dims, reps, steps, precision = sys.argv[1:6]
    order = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    time_steps(int(n), int(dims), int(reps), int(steps), precision, order)

#!/usr/bin/env python3
"""What the Python faces cost over the C++ path. A microbenchmark of the
binding, not a gate: prints medians and spreads, asserts nothing.

1. Simulation.advance at 128³ (backend cpu, float64) against the same steps
   in `lfm run --config ... --init ... --backend cpu`, whose step_time_s
   (summary.json) is the time inside Backend::advance: the Python figure
   adds chunking, signal checks and, for an odd step count, the pass that
   puts the newest level back in the caller's E.
2. lfm.lattice_step against one NumPy leapfrog step (np.roll stencil, the
   way LFM's own lattice_step computes) at 512 cells (1D) and 64³: the
   per-call price of the binding where a step is cheap, and where it is not.

Repetitions are interleaved (A, B, A, B, ...) after one warm-up each.
  usage: python perf_tests/python_overhead.py [--reps 10] [--lfm build/release/bin/lfm]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import statistics
import subprocess
import tempfile
import time

import numpy as np

import lfm

PARAMS = {"dt": 0.25, "dx": 1.0, "chi": 0.1}


def numpy_step(E, E_prev, p):
    lap = sum(np.roll(E, 1, a) + np.roll(E, -1, a) - 2 * E for a in range(E.ndim)) / (p["dx"] ** 2)
    return 2 * E - E_prev + p["dt"] ** 2 * (lap - p["chi"] ** 2 * E)


def spread(times):
    q = statistics.quantiles(times, n=4)
    return f"median {statistics.median(times) * 1e3:.3f} ms, IQR {q[0] * 1e3:.3f}-{q[2] * 1e3:.3f} ms, " \
           f"min {min(times) * 1e3:.3f} ms (n={len(times)})"


def initial(shape):
    rng = np.random.default_rng(7)
    E = lfm.empty(shape)
    E[...] = rng.standard_normal(shape)
    E_prev = lfm.empty(shape)
    E_prev[...] = E * 0.999
    return E, E_prev


def advance_vs_cli(cli, reps, steps):
    shape = (128, 128, 128)
    E0, P0 = initial(shape)
    work = pathlib.Path(tempfile.mkdtemp())
    np.save(work / "E.npy", E0)
    np.save(work / "P.npy", P0)
    (work / "config.json").write_text(json.dumps(PARAMS))
    command = [cli, "run", "--config", str(work / "config.json"), "--init", str(work / "E.npy"), "--init-prev",
               str(work / "P.npy"), "--steps", str(steps), "--backend", "cpu", "--quiet", "--force",
               "--diagnostics-every", str(steps), "--out", str(work / "out")]
    python, cpp = [], []
    for rep in range(reps + 1):
        E, P = E0.copy(), P0.copy()
        sim = lfm.Simulation(E, P, PARAMS, backend="cpu")
        start = time.perf_counter()
        sim.advance(steps)
        t_py = time.perf_counter() - start
        subprocess.run(command, check=True, capture_output=True)
        t_cpp = json.loads((work / "out/summary.json").read_text())["step_time_s"]
        if rep:  # the first of each is a warm-up
            python.append(t_py / steps)
            cpp.append(t_cpp / steps)
    shutil.rmtree(work)
    ratio = [a / b for a, b in zip(python, cpp)]
    print(f"advance 128^3 cpu float64, {steps} steps, per step:")
    print(f"  Simulation.advance  {spread(python)}")
    print(f"  lfm run (C++)       {spread(cpp)}")
    print(f"  ratio python/C++    median {statistics.median(ratio):.3f}, range {min(ratio):.3f}-{max(ratio):.3f}")


def step_vs_numpy(shape, reps, calls):
    E, P = initial(shape)
    ours, theirs = [], []
    for rep in range(reps + 1):
        start = time.perf_counter()
        for _ in range(calls):
            lfm.lattice_step(E, P, PARAMS)
        t_ours = (time.perf_counter() - start) / calls
        start = time.perf_counter()
        for _ in range(calls):
            numpy_step(E, P, PARAMS)
        t_np = (time.perf_counter() - start) / calls
        if rep:
            ours.append(t_ours)
            theirs.append(t_np)
    ratio = [b / a for a, b in zip(ours, theirs)]
    cells = "x".join(map(str, shape))
    print(f"one step at {cells} ({calls} calls per repetition), per call:")
    print(f"  lfm.lattice_step    {spread(ours)}")
    print(f"  NumPy np.roll step  {spread(theirs)}")
    print(f"  speedup numpy/lfm   median {statistics.median(ratio):.2f}x, range {min(ratio):.2f}-{max(ratio):.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--lfm", default=shutil.which("lfm") or "build/release/bin/lfm")
    args = parser.parse_args()
    if args.reps < 10:
        parser.error("--reps: at least 10")
    print(f"lfm {lfm.__version__}, numpy {np.__version__}")
    for steps in (20, 21):
        advance_vs_cli(args.lfm, args.reps, steps)
    step_vs_numpy((512,), args.reps, 2000)
    step_vs_numpy((64, 64, 64), args.reps, 20)


if __name__ == "__main__":
    main()

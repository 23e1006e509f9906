#!/usr/bin/env python3
"""What the Python faces cost over the C++ path. A microbenchmark of the
binding, not a gate: prints medians and spreads, asserts nothing.

1. Simulation.advance at 128³ (backend cpu, float64) against the same steps
   in `lfm run --config ... --init ... --backend cpu`, whose step_time_s
   (summary.json) is the time inside Backend::advance: the Python figure
   adds chunking, signal checks and, for an odd step count, the pass that
   puts the newest level back in the caller's E.
2. lfm.lattice_step (default backend, float64) against one step of the
   NumPy transcription in numpy_step.py (np.roll passes, the way LFM's own
   lattice_step computes) at 512 cells (1D) and 8³, 16³, 32³, 64³, 128³:
   the per-call price of the binding where a step is cheap, and the
   speedup where it is not. Each repetition times a batch of calls of each
   (the batch lasts about 50 ms of NumPy); the ratio is taken repetition by
   repetition, so a change in the machine's load falls on both sides.

Repetitions are interleaved (A, B, A, B, ...), the order alternating, after
one warm-up each. Medians, interquartile ranges and minima are printed.
  usage: python perf_tests/python_overhead.py [--reps 10] [--only step|advance] [--lfm build/release/bin/lfm]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import lfm

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import numpy_step  # noqa: E402  (the transcription `lfm bench --numpy` times)

PARAMS = {"dt": 0.25, "dx": 1.0, "chi": 0.1}
# The same problem in numpy_step's names: c² = alpha/beta = 1, no damping.
NUMPY_PARAMS = {"dt": 0.25, "dx": 1.0, "c2": 1.0, "chi": 0.1, "gamma": 0.0, "order": 2}
STEP_SHAPES = [(512,), (8, 8, 8), (16, 16, 16), (32, 32, 32), (64, 64, 64), (128, 128, 128)]
# Seconds of NumPy stepping per repetition: long enough that the timer's
# resolution and one scheduler tick are small beside it.
BATCH_SECONDS = 0.05


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


def timed(f, calls):
    start = time.perf_counter()
    for _ in range(calls):
        f()
    return (time.perf_counter() - start) / calls


def step_vs_numpy(shape, reps):
    E, P = initial(shape)
    ours = lambda: lfm.lattice_step(E, P, PARAMS)  # noqa: E731
    theirs = lambda: numpy_step.step(E, P, NUMPY_PARAMS)[0]  # noqa: E731
    # The two compute one step of one scheme: a timing of a wrong answer is no timing.
    worst = float(np.max(np.abs(ours() - theirs())))
    if worst > 1e-12 * float(np.max(np.abs(E))):
        raise SystemExit(f"lattice_step and the NumPy step differ by {worst:.3e} at {shape}")
    one = statistics.median(timed(theirs, 1) for _ in range(3))
    calls = max(3, round(BATCH_SECONDS / one))
    timed(ours, calls)  # warm-ups: the backend made, the result's pages touched
    timed(theirs, calls)
    lfm_times, numpy_times = [], []
    for rep in range(reps):
        pair = [(ours, lfm_times), (theirs, numpy_times)]
        for f, times in pair if rep % 2 == 0 else pair[::-1]:
            times.append(timed(f, calls))
    ratio = [b / a for a, b in zip(lfm_times, numpy_times)]
    q = statistics.quantiles(ratio, n=4)
    cells = "x".join(map(str, shape))
    print(f"one step at {cells} ({calls} calls per repetition), per call:")
    print(f"  lfm.lattice_step    {spread(lfm_times)}")
    print(f"  NumPy np.roll step  {spread(numpy_times)}")
    print(f"  speedup numpy/lfm   median {statistics.median(ratio):.2f}x, IQR {q[0]:.2f}-{q[2]:.2f}x, "
          f"range {min(ratio):.2f}-{max(ratio):.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--lfm", default=shutil.which("lfm") or "build/release/bin/lfm")
    parser.add_argument("--only", choices=["step", "advance"], help="run one of the two comparisons")
    args = parser.parse_args()
    if args.reps < 10:
        parser.error("--reps: at least 10")
    print(f"lfm {lfm.__version__}, numpy {np.__version__}")
    if args.only != "step":
        for steps in (20, 21):
            advance_vs_cli(args.lfm, args.reps, steps)
    if args.only != "advance":
        for shape in STEP_SHAPES:
            step_vs_numpy(shape, args.reps)


if __name__ == "__main__":
    main()

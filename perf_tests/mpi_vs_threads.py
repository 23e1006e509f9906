#!/usr/bin/env python3
"""Whole `lfm run` processes on the same cores, two ways, interleaved:
one process with T OpenMP threads, and `mpiexec -n T` ranks of one thread.

    python3 perf_tests/mpi_vs_threads.py [--lfm build/release/bin/lfm]
        [--n 256] [--dim 3] [--steps 40] [--ranks 2] [--reps 10] [--max-step-ratio R]
        [--backend cpu|cpu_temporal] [--exchange-depth K]

Both runs use the one backend (cpu by default; bit-identical, checked on
the first pair) and their default diagnostics stride; --exchange-depth
goes to the distributed side (with cpu_temporal, each rank's wavefront
depth; the threaded side takes its own tuning). Prints each side's median and range
of the stepping time (summary.json) and of the process's wall time, and
the median and range of the paired ratios distributed / threaded. With
--max-step-ratio, a gate: exits 1 when the median paired ratio of the
stepping times is above R.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def run(cmd, env):
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lfm", default="build/release/bin/lfm")
    ap.add_argument("--mpiexec", default=shutil.which("mpiexec") or "mpiexec")
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--dim", type=int, default=3, choices=[1, 2, 3])
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--max-step-ratio", type=float)
    ap.add_argument("--backend", default="cpu", choices=["cpu", "cpu_temporal"])
    ap.add_argument("--exchange-depth", type=int)
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="lfm-mpi-vs-threads-")
    job = ["run", "wave_packet", "--dim", str(a.dim), "--n", str(a.n), "--steps", str(a.steps), "--backend", a.backend,
           "--quiet", "--force"]
    depth = ["--exchange-depth", str(a.exchange_depth)] if a.exchange_depth else []
    threaded_env = dict(os.environ, OMP_NUM_THREADS=str(a.ranks))
    ranks_env = dict(os.environ, OMP_NUM_THREADS="1")
    mpi = [a.mpiexec, "-n", str(a.ranks)]
    if os.geteuid() == 0:
        mpi.append("--allow-run-as-root")
    sides = {
        "threaded": ([a.lfm] + job + ["--out", os.path.join(work, "threaded")], threaded_env),
        "distributed": (mpi + [a.lfm] + job + depth + ["--out", os.path.join(work, "distributed")], ranks_env),
    }
    times = {k: {"step": [], "wall": []} for k in sides}
    for rep in range(a.reps + 1):  # the first pair is a warm-up (and the bit check)
        order = list(sides) if rep % 2 == 0 else list(reversed(sides))
        for name in order:
            cmd, env = sides[name]
            wall = run(cmd, env)
            if rep > 0:
                times[name]["wall"].append(wall)
                times[name]["step"].append(step_seconds(os.path.join(work, name, "summary.json")))
        if rep == 0:
            for f in ("E.npy", "E_prev.npy"):
                with open(os.path.join(work, "threaded", f), "rb") as x, open(os.path.join(work, "distributed", f), "rb") as y:
                    if x.read() != y.read():
                        raise SystemExit(f"{f} differs between the two runs")
            # Each side chooses its own stride from its own timings: the
            # steps both recorded (the first and last at least) must agree.
            records = [energy_rows(os.path.join(work, name, "energy.csv")) for name in sides]
            if any(records[0][k] != records[1][k] for k in records[0].keys() & records[1].keys()):
                raise SystemExit("energy.csv differs between the two runs at a step both recorded")

    print(f"wave_packet {a.n}^{a.dim} float64, {a.steps} steps, backend {a.backend}: 1 process x {a.ranks} threads "
          f"vs {a.ranks} ranks x 1 thread{' (exchange depth %d)' % a.exchange_depth if a.exchange_depth else ''}, "
          f"{a.reps} interleaved pairs")
    ratios = {}
    for what in ("step", "wall"):
        for name in sides:
            t = times[name][what]
            print(f"  {name:11s} {what:4s} median {statistics.median(t):.3f} s (range {min(t):.3f}-{max(t):.3f})")
        r = [d / t for d, t in zip(times["distributed"][what], times["threaded"][what])]
        ratios[what] = statistics.median(r)
        print(f"  distributed/threaded {what}: median {ratios[what]:.3f} (range {min(r):.3f}-{max(r):.3f})")
    shutil.rmtree(work)
    if a.max_step_ratio is not None:
        ok = ratios["step"] <= a.max_step_ratio
        print(f"{'PASS' if ok else 'FAIL'}: stepping ratio {ratios['step']:.3f} "
              f"{'<=' if ok else '>'} {a.max_step_ratio}")
        if not ok:
            raise SystemExit(1)


def energy_rows(path):
    with open(path) as f:
        return {line.split(",", 1)[0]: line for line in f.read().splitlines()[1:]}


def step_seconds(summary):
    with open(summary) as f:
        s = json.load(f)
    return s["step_time_s"]


if __name__ == "__main__":
    main()

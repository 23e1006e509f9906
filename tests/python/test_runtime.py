"""What a long run needs from the binding: memory that stays flat over many
small calls, the GIL released while stepping, Ctrl-C between chunks."""

import os
import re
import signal
import threading
import time

import numpy as np
import pytest

import lfm
from conftest import REPO, random_pair

P = {"dt": 0.2, "dx": 1.0, "chi": 0.1}


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_memory_flat_over_10000_small_calls(rng):
    # A round: two lattice_step calls, a Simulation made, advanced with a
    # callback and asked its energy (5 calls).
    E, E_prev = random_pair(rng, (512,))
    chi = rng.uniform(0, 0.2, E.shape)

    def calls(n):
        for _ in range(n):
            out = lfm.lattice_step(E, E_prev, P)
            lfm.lattice_step(E, E_prev, {**P, "chi": chi})
            sim = lfm.Simulation(out, E_prev.copy(), P, chi=chi)
            sim.advance(3, every=2, callback=lambda s: None)
            sim.energy()

    calls(500)  # allocator pools and caches reach their steady size
    before = rss_bytes()
    calls(2000)  # 10^4 calls into the extension
    grown = rss_bytes() - before
    # Each round allocates about 5 arrays of 4 KiB (512 float64): keeping one
    # of them per round would add 8 MB; 2 MiB is allocator noise.
    assert grown < 2 * 2**20, f"RSS grew by {grown / 2**20:.1f} MiB over 2000 rounds (10^4 calls)"


def seconds_per_step(sim):
    """Time of one step of `sim`, from 10 steps after 2 of warm-up."""
    sim.advance(2)
    start = time.perf_counter()
    sim.advance(10)
    return (time.perf_counter() - start) / 10


def test_gil_released_while_advancing(rng):
    E, E_prev = random_pair(rng, (48, 48, 48))
    sim = lfm.Simulation(E, E_prev, P, backend="cpu")
    per_step = seconds_per_step(sim)
    steps = max(20, int(1.0 / per_step))  # about a second of stepping

    ticks = []
    running = threading.Event()
    done = threading.Event()

    def count():
        running.set()
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=count)
    thread.start()
    running.wait()
    begin = time.perf_counter()
    sim.advance(steps)
    end = time.perf_counter()
    done.set()
    thread.join()
    during = [t for t in ticks if begin < t < end]
    # A thread sleeping 1 ms per tick gets hundreds of ticks in a second of
    # stepping when the GIL is free, and none at all when it is held (it
    # could only run between chunks, 0.1 s apart: at most about 10).
    assert len(during) > 50, f"{len(during)} ticks of another thread during {end - begin:.2f} s of advance"


def test_ctrl_c_stops_between_chunks(rng):
    E, E_prev = random_pair(rng, (32, 32, 32))
    sim = lfm.Simulation(E, E_prev, P, backend="cpu")
    per_step = seconds_per_step(sim)
    steps = int(30.0 / per_step)  # half a minute: the signal comes after 0.3 s

    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        sim.advance(steps)
    elapsed = time.perf_counter() - start
    timer.join()
    # Chunks last about 0.1 s; a second is ample on a loaded machine.
    assert elapsed < 1.5, f"advance took {elapsed:.2f} s to stop after Ctrl-C"
    assert 12 < sim.step < 12 + steps
    # The arrays hold the levels of the step reached, as a run to it gives.
    again_E, again_prev = random_pair(np.random.default_rng(20240515), (32, 32, 32))
    lfm.Simulation(again_E, again_prev, P, backend="cpu").advance(sim.step)
    np.testing.assert_array_equal(E, again_E)
    np.testing.assert_array_equal(E_prev, again_prev)
    sim.advance(1)  # and it can go on
    assert sim.step > 12


def test_version_is_the_projects():
    version = re.search(r"project\(lfm VERSION ([0-9.]+)", (REPO / "CMakeLists.txt").read_text()).group(1)
    assert lfm.__version__ == version


def test_backends_listed_like_the_cli():
    infos = lfm.backends()
    names = [b.name for b in infos]
    assert names[0] == "baseline"
    for required in ("baseline", "cpu", "cpu_temporal", "auto"):
        assert required in names
    for b in infos:
        assert b.description
        assert b.available == (b.reason == "")
    cuda = [b for b in infos if b.name == "cuda"]
    if cuda and not cuda[0].available:
        assert "not built" in cuda[0].reason or "device" in cuda[0].reason


def test_backends_match_cli_listing(lfm_cli):
    import subprocess

    listing = subprocess.run([lfm_cli, "backends"], capture_output=True, text=True, check=True).stdout
    for b in lfm.backends():
        assert b.name in listing


def test_second_thread_cannot_advance_the_same_simulation(rng):
    sim = lfm.Simulation(*random_pair(rng, (32, 32, 32)), P, backend="cpu")
    errors = []
    started = threading.Event()

    def other(_):
        if not started.is_set():
            started.set()
            thread = threading.Thread(target=lambda: errors.append(_try(sim.advance, 1)))
            thread.start()
            thread.join()

    sim.advance(4, every=2, callback=other)
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError)
    assert "advancing in another thread" in str(errors[0])
    assert sim.step == 4


def _try(f, *args):
    try:
        f(*args)
    except Exception as e:  # noqa: BLE001 - the test inspects it
        return e
    return None


def test_readme_examples_run_as_written(capsys, tmp_path, monkeypatch):
    """Every Python block of README's Python section, in order, in one namespace
    (the later blocks use the first one's arrays), writing into a fresh directory."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Python"):]
    section = section[: section.index("\n## ", 1)]
    blocks = [b.split("```", 1)[0] for b in section.split("```python")[1:]]
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for code in blocks:
        exec(compile(code, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out.split("\n")
    assert printed[0].startswith("50 ") and printed[2].startswith("100 ")
    assert printed[4].startswith("completed ")
    assert (tmp_path / "r1" / "summary.json").exists() and (tmp_path / "r2" / "E.npy").exists()

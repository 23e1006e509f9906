"""lfm.bench: `lfm bench`'s record as a dict, the same keys as bench.json,
its figures consistent with their samples; a backend that fails
validation is not timed."""

import json
import statistics
import subprocess

import pytest

import lfm

# Small and short: the record's shape, not its speed, is under test.
SIZES = [10, 14]
REQUEST = {"n": SIZES, "reps": 10, "warmup": 1, "min_rep_seconds": 0.005, "skip_validation": True}


@pytest.fixture(scope="module")
def record():
    return lfm.bench("cpu", **REQUEST)


def key_paths(value, path=""):
    """Every key of a JSON value with its path, list items by position."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in [f"{path}/{k}", *key_paths(v, f"{path}/{k}")]]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in key_paths(v, f"{path}[{i}]")]
    return []


def test_record_describes_the_request(record):
    assert (record["backend"], record["reference"], record["workload"], record["precision"]) == \
        ("cpu", "baseline", "wave_packet", "float64")
    assert record["validation"] == {"skipped": True}
    # SPEC: read E and E_prev, write E_next, 8 bytes each.
    assert record["compulsory_bytes_per_cell"] == 24
    assert [(s["dims"], s["n"], s["cells"], s["warmup"]) for s in record["sizes"]] == \
        [(3, n, n**3, 1) for n in SIZES]
    assert len(record["stream_triad"]) == 2 and record["stream_triad"][0]["threads"] == 1


def test_figures_follow_from_their_samples(record):
    bytes_per_cell = record["compulsory_bytes_per_cell"]
    for size in record["sizes"]:
        for side in ("reference", "candidate"):
            t = size[side]
            assert t["n"] == len(t["samples"]) == 10
            assert t["median"] == pytest.approx(statistics.median(t["samples"]), rel=1e-12)
            assert t["median_ci95"][0] <= t["median"] <= t["median_ci95"][1]
            assert t["cells_per_s"] == pytest.approx(size["cells"] / t["median"], rel=1e-12)
            assert t["gb_per_s"] == pytest.approx(t["cells_per_s"] * bytes_per_cell / 1e9, rel=1e-12)
            triad = record["stream_triad"][0]["best_gbs"]
            assert t["fraction_of_triad_1thread"] == pytest.approx(t["gb_per_s"] / triad, rel=1e-12)
        # The speedup is of the paired samples: within the range of their ratios.
        ratios = [r / c for r, c in zip(size["reference"]["samples"], size["candidate"]["samples"])]
        assert min(ratios) <= size["speedup"]["estimate"] <= max(ratios)
        lo, hi = size["speedup"]["ci95"]
        assert lo <= size["speedup"]["estimate"] <= hi


def test_same_keys_as_the_cli_record(record, lfm_cli, tmp_path):
    args = [lfm_cli, "bench", "cpu", "--n", str(SIZES[0]), "--n", str(SIZES[1]), "--reps", "10", "--warmup", "1",
            "--min-time", "0.005", "--skip-validation", "--out", str(tmp_path)]
    subprocess.run(args, check=True, capture_output=True)
    cli = json.loads((tmp_path / "bench.json").read_text())
    assert key_paths(record) == key_paths(cli)
    for key in ("backend", "reference", "workload", "precision", "validation", "compulsory_bytes_per_cell", "machine"):
        assert record[key] == cli[key]


def test_validation_summary_when_validated():
    got = lfm.bench("cpu", n=[10], reps=10, warmup=0, min_rep_seconds=0.005, precision="float32")
    assert got["validation"]["skipped"] is False and got["validation"]["passed"] is True
    assert got["validation"]["failures"] == 0 and got["validation"]["cases"] > 72
    assert got["precision"] == "float32" and got["compulsory_bytes_per_cell"] == 12


def test_bad_requests_are_refused_before_timing():
    with pytest.raises(ValueError, match=r"reps = 5; expected >= 10"):
        lfm.bench("cpu", reps=5)
    with pytest.raises(ValueError, match=r"unknown backend 'cpux'"):
        lfm.bench("cpux")
    with pytest.raises(ValueError, match=r"unknown workload"):
        lfm.bench("cpu", workload="wave")

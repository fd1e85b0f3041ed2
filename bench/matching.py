"""The matching benchmark: `make bench-matching` (or `python -m bench.matching`).

For each generated programme size (mentees x mentors, capacities 1-5) it measures
`assign` (scoring included) and compares its total with the greedy and
first-come-first-served baselines and, where the dense matrix of every pair and
place fits (mentees x places under EXACT_CELLS), with an exact optimum from
scipy's `linear_sum_assignment` over every pair. Each size runs in a fresh
process, so that its memory peak is its own. Results go to
bench/results/matching.json; BENCH_SIZES="1000x300,5000x1500" runs only those.
BENCH_STRICT=1 makes the command fail when a target is missed.

Memory: `peak_mb` is how far the process's peak resident memory (VmHWM, reset just
before the run) rose above its resident memory before the run; `peak_rss_mb` is
that peak itself, generated programme and interpreter included.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from matching.engine import assign, first_come_first_served, greedy
from matching.engine.assign import DENSE_CELLS, MIN_SCORE_TOLERANCE, PER_MENTEE, PER_PLACE
from matching.engine.matrix import PoolScores

from .generate import programme

SIZES = [(1_000, 300), (5_000, 1_500), (10_000, 3_000), (50_000, 15_000)]
TARGET_SECONDS = {1_000: 1.0, 5_000: 3.0, 10_000: 6.0, 50_000: 60.0}
TARGET_RATIO = 0.999
TARGET_PEAK_MB = 4096
# The exact check needs a dense matrix of mentees x places (8 bytes a cell) and
# time; BENCH_EXACT_CELLS raises the limit (10,000 x 3,000 needs about 90 million).
EXACT_CELLS = int(os.environ.get("BENCH_EXACT_CELLS", 60_000_000))
RESULTS = Path(__file__).resolve().parent / "results" / "matching.json"
SEED = 2024


# --- Memory ----------------------------------------------------------------------------


def status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Start VmHWM again from the current resident memory (Linux 4.0 and later)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mb() -> float:
    found = status_mb("VmHWM")
    if found is not None:
        return found
    import resource  # noqa: PLC0415 - not on every platform

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- One size --------------------------------------------------------------------------


def exact_optimum(prog) -> float:
    """The best total over every allowed pair, by dense assignment on replicated places."""
    mentees = sorted(prog.mentees, key=lambda c: c.id)
    mentors = sorted(prog.mentors, key=lambda c: c.id)
    scores = PoolScores(mentees, mentors, prog.weights, prog.rules).dense()
    allowed = scores >= prog.rules.min_score - MIN_SCORE_TOLERANCE
    values = np.where(allowed, scores, 0.0)
    del scores, allowed
    places = np.array([prog.rules.capacities.get(m.id, 0) for m in mentors])
    values = values[:, np.repeat(np.arange(len(mentors)), places)]
    rows, cols = linear_sum_assignment(values, maximize=True)
    return float(values[rows, cols].sum())


def timed(function, *args):
    gc.collect()
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def measure(mentees: int, mentors: int) -> dict:
    prog = programme(mentees, mentors, seed=SEED)
    places = sum(prog.rules.capacities.values())
    people = (prog.mentees, prog.mentors, prog.weights, prog.rules)
    gc.collect()
    before = status_mb("VmRSS") or 0.0
    exact_peak = reset_peak()
    result, seconds = timed(assign, *people)
    peak = peak_mb()
    greedy_result, greedy_seconds = timed(greedy, *people)
    fcfs_result, fcfs_seconds = timed(first_come_first_served, *people)
    optimum = exact_seconds = None
    if mentees * places < EXACT_CELLS:
        optimum, exact_seconds = timed(exact_optimum, prog)

    def ratio(other: float | None) -> float | None:
        return round(result.total / other, 6) if other else None

    return {
        "size": f"{mentees}x{mentors}",
        "mentees": mentees,
        "mentors": mentors,
        "places": places,
        "solver": (
            "linear_sum_assignment (every pair)"
            if mentees * places <= DENSE_CELLS
            else f"shortlists ({PER_MENTEE} per mentee, {PER_PLACE} per place) + min-cost flow"
        ),
        "seconds": round(seconds, 3),
        "target_seconds": TARGET_SECONDS.get(mentees),
        "peak_mb": round(peak - before, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_measure": "VmHWM growth" if exact_peak else "ru_maxrss growth (peak not reset)",
        "total": round(result.total, 3),
        "matched": len(result.pairs),
        "unmatched": len(result.unmatched),
        "optimum": round(optimum, 3) if optimum is not None else None,
        "optimum_seconds": round(exact_seconds, 3) if exact_seconds is not None else None,
        "ratio_to_optimum": ratio(optimum),
        "greedy_total": round(greedy_result.total, 3),
        "greedy_matched": len(greedy_result.pairs),
        "greedy_seconds": round(greedy_seconds, 3),
        "ratio_to_greedy": ratio(greedy_result.total),
        "fcfs_total": round(fcfs_result.total, 3),
        "fcfs_matched": len(fcfs_result.pairs),
        "fcfs_seconds": round(fcfs_seconds, 3),
        "ratio_to_fcfs": ratio(fcfs_result.total),
    }


def meets_targets(row: dict) -> bool:
    fast = row["target_seconds"] is None or row["seconds"] <= row["target_seconds"]
    close = row["ratio_to_optimum"] is None or row["ratio_to_optimum"] >= TARGET_RATIO
    return fast and close and row["peak_rss_mb"] < TARGET_PEAK_MB


# --- Driver ----------------------------------------------------------------------------


def sizes_wanted() -> list[tuple[int, int]]:
    wanted = os.environ.get("BENCH_SIZES", "").replace(" ", "")
    if not wanted:
        return SIZES
    return [tuple(int(x) for x in size.lower().split("x")) for size in wanted.split(",")]


def run_alone(mentees: int, mentors: int) -> dict:
    """One size in a fresh interpreter, so that memory peaks do not carry over."""
    command = [sys.executable, "-m", "bench.matching", "--one", f"{mentees}x{mentors}"]
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {mentees}x{mentors} run failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(row: dict) -> None:
    optimum = row["ratio_to_optimum"]
    print(
        f"{row['size']:>12}  {row['seconds']:>7.2f}s (target {row['target_seconds']}s)"
        f"  peak +{row['peak_mb']:.0f} MB"
        f"  optimum {'n/a' if optimum is None else f'{optimum:.6f}'}"
        f"  greedy {row['ratio_to_greedy']:.4f}  fcfs {row['ratio_to_fcfs']:.4f}"
        f"  matched {row['matched']}/{row['mentees']}"
        f"  {'ok' if row['meets_targets'] else 'TARGET MISSED'}",
        flush=True,
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        mentees, mentors = (int(x) for x in argv[1].split("x"))
        print(json.dumps(measure(mentees, mentors)))
        return 0
    print(f"Matching benchmark on {os.cpu_count()} cores, Python {platform.python_version()}")
    rows = []
    for mentees, mentors in sizes_wanted():
        row = run_alone(mentees, mentors)
        row["meets_targets"] = meets_targets(row)
        rows.append(row)
        show(row)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"Written to {RESULTS}")
    strict = os.environ.get("BENCH_STRICT") == "1"
    return 1 if strict and not all(r["meets_targets"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

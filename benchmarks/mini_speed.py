"""Speed ladder of the bundled mini suite: is each task's spread of correct solutions real?

    .venv/bin/python benchmarks/mini_speed.py [--repeat 5] [--task NAME ...] [--jobs 1]

A time is the program's own run (compile, run, flushed output) measured inside a
fresh interpreter by effiskel/tasks/mini/_harness.py; the interpreter's start-up
(printed once, for reference) is left out, as a warm sandbox leaves it out. The
clock is the process's CPU time unless --clock wall: on a machine shared with
other work, wall time mostly measures the neighbours.

Per task, fastest first: the median over --repeat runs of every correct solution
on the task's last (largest) test; `ratio` = slowest / fastest there; `gap` = the
smallest ratio between neighbours of different complexity; `max` = the slowest
correct run on any test (one run per other test). Targets: max <= 80 ms,
ratio >= 3, gap >= 1.2. The summary line comes last.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from effiskel.tasks.mini import task_dirs  # noqa: E402
from effiskel.tasks.mini._harness import run  # noqa: E402

MAX_MS, MIN_RATIO, MIN_GAP = 80.0, 3.0, 1.2
WORK = ROOT / "build" / "tmp" / "mini_speed"


def time_ms(code: str, inp: str, expected: str, clock: str) -> float:
    """One fresh-interpreter run; refuses to time a wrong answer."""
    (result,) = run(code, [inp], str(WORK))
    if result["error"] or result["output"].split() != expected.split():
        raise RuntimeError(f"not a correct run: {result['error'] or result['output'][:100]!r}")
    return result["cpu_ns" if clock == "cpu" else "time_ns"] / 1e6


def startup_ms(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def measure(task: Path, repeat: int, clock: str, pool: ThreadPoolExecutor) -> dict:
    meta = json.loads((task / "metadata.json").read_text())
    codes = json.loads((task / "solutions.json").read_text())
    tests = json.loads((task / "input_output.json").read_text())
    ins, outs = tests["inputs"], tests["outputs"]
    correct = [(s, c) for s, c in zip(meta["solutions"], codes) if s["expected"] == "AC"]
    jobs = {}
    for s, code in correct:
        for k in range(len(ins) - 1):
            jobs[s["label"], k, 0] = pool.submit(time_ms, code, ins[k], outs[k], clock)
        for r in range(repeat):
            jobs[s["label"], len(ins) - 1, r] = pool.submit(time_ms, code, ins[-1], outs[-1], clock)
    times = {key: f.result() for key, f in jobs.items()}
    last = len(ins) - 1
    ladder = sorted(
        (
            statistics.median(times[s["label"], last, r] for r in range(repeat)),
            s["label"],
            s["complexity"],
        )
        for s, _ in correct
    )
    gaps = [b[0] / a[0] for a, b in zip(ladder, ladder[1:]) if a[2] != b[2]]
    return {
        "name": meta["name"],
        "ladder": ladder,
        "ratio": ladder[-1][0] / ladder[0][0],
        "gap": min(gaps) if gaps else float("inf"),
        "max": max(times.values()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="runs per solution on the largest test")
    ap.add_argument("--task", action="append", help="only this task name (repeatable)")
    ap.add_argument("--jobs", type=int, default=1, help="parallel runs (more is noisier)")
    ap.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="CPU time (default: steady on a shared machine) or wall time",
    )
    args = ap.parse_args()

    rows = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for d in task_dirs():
            name = json.loads((d / "metadata.json").read_text())["name"]
            if args.task and name not in args.task:
                continue
            row = measure(d, args.repeat, args.clock, pool)
            rows.append(row)
            flags = [
                f
                for f, bad in (
                    ("MAX", row["max"] > MAX_MS),
                    ("RATIO", row["ratio"] < MIN_RATIO),
                    ("GAP", row["gap"] < MIN_GAP),
                )
                if bad
            ]
            ladder = "  ".join(f"{label} {ms:.2f}" for ms, label, _ in row["ladder"])
            print(
                f"{d.name} {name:32s} ratio {row['ratio']:6.1f}  gap {row['gap']:4.2f}  "
                f"max {row['max']:5.1f} ms  {' '.join(flags) or 'ok'}\n      {ladder}",
                flush=True,
            )
    if not rows:
        sys.exit("no task matched")
    ratios = sorted(r["ratio"] for r in rows)
    worst = max(rows, key=lambda r: r["max"])
    gaps_missed = sum(r["gap"] < MIN_GAP for r in rows)
    print(
        f"mini_speed: {len(rows)} tasks; slowest/fastest on the largest test: "
        f"min {ratios[0]:.1f}x, median {statistics.median(ratios):.1f}x; "
        f"tasks under {MIN_RATIO:.0f}x: {sum(r < MIN_RATIO for r in ratios)}; "
        f"tasks with a neighbour gap under {MIN_GAP}x: {gaps_missed}; "
        f"slowest correct run: {worst['max']:.1f} ms ({worst['name']}); "
        f"interpreter start (not included): {startup_ms(args.repeat):.1f} ms"
    )


if __name__ == "__main__":
    main()

"""Speed ladder of the bundled mini suite: is each task's spread of correct solutions real?

    .venv/bin/python benchmarks/mini_speed.py [--repeat 5] [--task NAME ...]

Solutions are timed by the sandbox as the pipeline times them
(`Sandbox.run(..., repeat=N)` on the tests the mini loader gives): a warm fork
server runs them, with the interpreter's start-up and the preloaded modules'
imports already paid. The clock is the program's own run (`times_ns`, what
Stage 1 ranks by) unless --clock cpu (`cpu_ns`: the whole forked run's CPU
time, which adds the sandbox's own ~1.5 ms per run but is steadier on a
machine shared with other work).

Per task, fastest first: the median over --repeat runs of every correct solution
on the task's last (largest) test; `ratio` = slowest / fastest there; `gap` = the
smallest ratio between neighbours of different complexity; `max` = the slowest
correct run on any test (one run per other test), in interpreter start-ups: the
median start-up of a fresh `python -c pass`, measured first in the same run on
the same clock. Targets: max <= 3 start-ups, ratio >= 3, gap >= 1.2. The summary
line comes last.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from effiskel.sandbox import Limits, Sandbox, Verdict
from effiskel.tasks import iter_source

MAX_STARTUPS, MIN_RATIO, MIN_GAP = 3.0, 3.0, 1.2
WORK = Path(__file__).resolve().parents[1] / "build" / "tmp" / "mini_speed"


def startup_ms(repeat: int, clock: str) -> float:
    """Median start-up of a fresh interpreter, on `clock`."""
    times = []
    for _ in range(repeat):
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter() - start
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        times.append(cpu if clock == "cpu" else wall)
    return statistics.median(times) * 1e3


def run_ms(sb: Sandbox, code: str, task: dict, tests: list, repeat: int, clock: str):
    """Each test's run times in ms, `repeat` per test; refuses to time a wrong answer."""
    result = sb.run(code, tests, repeat=repeat, float_tolerance=task["float_tolerance"])
    if result.verdict != Verdict.AC:
        raise RuntimeError(f"{task['task_id']}: not a correct run: {result.detail}")
    return [[ns / 1e6 for ns in (t.cpu_ns if clock == "cpu" else t.times_ns)] for t in result.tests]


def measure(sb: Sandbox, task: dict, meta: dict, sols: list[dict], repeat: int, clock: str):
    *others, largest = task["tests"]
    ladder, slowest = [], 0.0
    for info, sol in zip(meta["solutions"], sols):
        if info["expected"] != "AC":
            continue
        (last,) = run_ms(sb, sol["code"], task, [largest], repeat, clock)
        rest = run_ms(sb, sol["code"], task, others, 1, clock)
        ladder.append((statistics.median(last), info["label"], info["complexity"]))
        slowest = max(slowest, *last, *(ms for runs in rest for ms in runs))
    ladder.sort()
    gaps = [b[0] / a[0] for a, b in zip(ladder, ladder[1:]) if a[2] != b[2]]
    return {
        "name": meta["name"],
        "ladder": ladder,
        "ratio": ladder[-1][0] / ladder[0][0],
        "gap": min(gaps) if gaps else float("inf"),
        "max": slowest,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="runs per solution on the largest test")
    ap.add_argument("--task", action="append", help="only this task name (repeatable)")
    ap.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="wall",
        help="wall: the program's own run, what Stage 1 ranks by (default); cpu: the whole "
             "forked run's CPU time, steadier on a busy machine but +~1.5 ms per run",
    )
    args = ap.parse_args()

    start_ms = startup_ms(max(args.repeat, 5), args.clock)
    rows = []
    WORK.mkdir(parents=True, exist_ok=True)
    with Sandbox(Limits(), scratch_root=WORK) as sb:
        for task, sols in iter_source("mini"):
            meta = json.loads(task["metadata"])
            if args.task and meta["name"] not in args.task:
                continue
            row = measure(sb, task, meta, sols, args.repeat, args.clock)
            rows.append(row)
            flags = [
                f
                for f, bad in (
                    ("MAX", row["max"] > MAX_STARTUPS * start_ms),
                    ("RATIO", row["ratio"] < MIN_RATIO),
                    ("GAP", row["gap"] < MIN_GAP),
                )
                if bad
            ]
            ladder = "  ".join(f"{label} {ms:.2f}" for ms, label, _ in row["ladder"])
            print(
                f"{task['task_id'].rsplit('/', 1)[-1]} {meta['name']:32s} "
                f"ratio {row['ratio']:6.1f}  gap {row['gap']:4.2f}  "
                f"max {row['max'] / start_ms:4.2f} start-ups  {' '.join(flags) or 'ok'}"
                f"\n      {ladder}",
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
        f"slowest correct run: {worst['max']:.1f} ms = {worst['max'] / start_ms:.2f}x "
        f"the interpreter's start-up ({start_ms:.1f} ms, not included) ({worst['name']})"
    )


if __name__ == "__main__":
    main()

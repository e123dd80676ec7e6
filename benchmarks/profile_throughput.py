"""Stage 1 throughput and scaling: the mini suite profiled with 1 and with N workers.

    .venv/bin/python benchmarks/profile_throughput.py [--repeat 5] [--workers 1,2]

Prints solutions/s and sandbox runs/s per worker for each worker count, the
scaling efficiency against one worker, and a projection for APPS train
(117,232 solutions, ~21 tests each, R = 30) on a 64-core cluster. Ray starts
once, before the timed runs; each run writes to a fresh directory.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow.dataset as pads

from data_pipeline.common import init_ray
from data_pipeline.profile import ProfileConfig, run

APPS_SOLUTIONS, APPS_TESTS, APPS_R, CLUSTER_CORES = 117_232, 21.2, 30, 64


def sandbox_runs(out: Path) -> tuple[int, float]:
    """Runs made (correctness + timed) and the program time they measured (s)."""
    rows = pads.dataset(out / "runs", format="parquet").to_table(
        columns=["verdict", "tests_passed", "tests_total", "repeats", "time_ns"]).to_pylist()
    runs, program_s = 0, 0.0
    for r in rows:
        if r["verdict"] == "AC":
            runs += r["tests_total"] * (1 + r["repeats"])
            program_s += r["time_ns"] * r["tests_total"] * (1 + r["repeats"]) / 1e9
        elif r["verdict"] != "SKIP":
            runs += r["tests_passed"] + 1
    return runs, program_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per test (paper: 30)")
    ap.add_argument("--workers", default="1,2", help="worker counts to compare")
    ap.add_argument("--address", default=None, help="Ray cluster (default: embedded)")
    args = ap.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    init_ray(args.address, None if args.address else max(counts))
    base = Path(tempfile.mkdtemp(prefix="profile-bench-"))
    results = {}
    try:
        for w in counts:
            out = base / f"w{w}"
            start = time.perf_counter()
            summary = run(ProfileConfig(source="mini", out=str(out), repeat=args.repeat,
                                        workers=w, progress=False))
            seconds = time.perf_counter() - start
            runs, program_s = sandbox_runs(out)
            results[w] = (summary["solutions"], runs, program_s, seconds)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"{'workers':>7} {'solutions':>9} {'runs':>7} {'wall s':>7} {'sol/s/worker':>12} "
          f"{'runs/s/worker':>13} {'scaling':>8}")
    one = results[counts[0]]
    one_rate = one[0] / one[3] / counts[0]
    for w, (sols, runs, _, seconds) in results.items():
        per_worker = sols / seconds / w
        print(f"{w:7d} {sols:9d} {runs:7d} {seconds:7.1f} {per_worker:12.2f} "
              f"{runs / seconds / w:13.1f} {per_worker / one_rate:7.0%}")
    # Projection: per-run cost = sandbox overhead + program time; mini's overhead
    # per run is what one worker spends beyond the programs' own measured time.
    sols, runs, program_s, seconds = one
    overhead = max(0.0, (seconds * counts[0] - program_s) / runs)
    big = max(counts)
    eff = (results[big][0] / results[big][3] / big) / one_rate
    apps_runs = APPS_SOLUTIONS * APPS_TESTS * (1 + APPS_R)
    for prog_ms in (1, 10):
        hours = apps_runs * (overhead + prog_ms / 1e3) / (CLUSTER_CORES * eff) / 3600
        print(f"projection APPS train, {prog_ms:2d} ms per program run: "
              f"{apps_runs / 1e6:.1f} M runs, {hours:.1f} h on {CLUSTER_CORES} cores")
    print(f"summary: {one_rate:.2f} solutions/s/worker (R={args.repeat}, mini), "
          f"{overhead * 1e3:.2f} ms sandbox overhead per run, scaling 1->{big} workers "
          f"{eff:.0%}; APPS train at R=30 on {CLUSTER_CORES} cores: see projections above")


if __name__ == "__main__":
    main()

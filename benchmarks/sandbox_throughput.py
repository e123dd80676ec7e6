"""Isolated executions per second: the fork-server sandbox vs a fresh interpreter per run.

    .venv/bin/python benchmarks/sandbox_throughput.py [--runs 600] [--naive-runs 40]

Runs the same trivial programs both ways on one core, in one run, and prints
executions/s of each and their ratio (targets: ≥ 300/s and ≥ 20× naive).
"""

from __future__ import annotations

import argparse
import time

from _common import naive_run, pin_to_one_core

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict

PROGRAMS = {
    "print": ("print(1)\n", "", "1"),
    "a_plus_b": ("a, b = map(int, input().split())\nprint(a + b)\n", "3 4\n", "7"),
    "small_loop": ("n = int(input())\nprint(sum(i * i for i in range(n)))\n", "100\n",
                   str(sum(i * i for i in range(100)))),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=600, help="sandbox runs per program")
    ap.add_argument("--naive-runs", type=int, default=40, help="naive runs per program")
    args = ap.parse_args()
    core = pin_to_one_core()
    print(f"pinned to core {core}")
    print(f"{'program':12} {'sandbox/s':>10} {'naive/s':>9} {'ratio':>7}")
    total_sb = total_naive = 0.0
    with Sandbox(Limits(cpu_time_s=2)) as sb:
        print(f"isolation: {sb.isolation}")
        for name, (prog, stdin, expected) in PROGRAMS.items():
            sb.run(prog, [TestCase(stdin, expected)], repeat=20)  # warm up
            start = time.perf_counter()
            res = sb.run(prog, [TestCase(stdin, expected)], repeat=args.runs)
            sb_rate = args.runs / (time.perf_counter() - start)
            assert res.verdict == Verdict.AC, res.detail
            naive_s = sum(naive_run(prog, stdin)[0] for _ in range(args.naive_runs))
            naive_rate = args.naive_runs / naive_s
            total_sb += args.runs / sb_rate
            total_naive += args.naive_runs / naive_rate
            print(f"{name:12} {sb_rate:10.0f} {naive_rate:9.1f} {sb_rate / naive_rate:6.0f}x")
    sb_all = len(PROGRAMS) * args.runs / total_sb
    naive_all = len(PROGRAMS) * args.naive_runs / total_naive
    print(f"summary: sandbox {sb_all:.0f} isolated executions/s on one core, naive "
          f"{naive_all:.1f}/s, ratio {sb_all / naive_all:.0f}x (targets: >= 300/s, >= 20x)")


if __name__ == "__main__":
    main()

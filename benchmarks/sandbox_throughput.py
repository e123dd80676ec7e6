"""Isolated executions per second: the fork-server sandbox vs a fresh interpreter per run.

    .venv/bin/python benchmarks/sandbox_throughput.py [--runs 600] [--naive-runs 40]

Runs the same trivial programs both ways on one core, in one run, and prints
executions/s of each and their ratio (targets: ≥ 300/s and ≥ 20× naive). The
sandbox runs twice: with its default preload (the standard-library modules
programs commonly import) and with none. Forking costs time in proportion to
the server's memory, so the preload taxes every run to save its importers'
import time; the second column shows that tax.
"""

from __future__ import annotations

import argparse
import time

from _common import naive_run, pin_to_one_core

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict
from effiskel.sandbox.server import DEFAULT_PRELOAD

PROGRAMS = {
    "print": ("print(1)\n", "", "1"),
    "a_plus_b": ("a, b = map(int, input().split())\nprint(a + b)\n", "3 4\n", "7"),
    "small_loop": ("n = int(input())\nprint(sum(i * i for i in range(n)))\n", "100\n",
                   str(sum(i * i for i in range(100)))),
}


def rate(sb: Sandbox, prog: str, stdin: str, expected: str, runs: int) -> float:
    sb.run(prog, [TestCase(stdin, expected)], repeat=20)  # warm up
    start = time.perf_counter()
    res = sb.run(prog, [TestCase(stdin, expected)], repeat=runs)
    assert res.verdict == Verdict.AC, res.detail
    return runs / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=600, help="sandbox runs per program")
    ap.add_argument("--naive-runs", type=int, default=40, help="naive runs per program")
    args = ap.parse_args()
    core = pin_to_one_core()
    print(f"pinned to core {core}")
    rates: dict[str, dict[str, float]] = {"default": {}, "none": {}, "naive": {}}
    for preload, key in ((DEFAULT_PRELOAD, "default"), ((), "none")):
        with Sandbox(Limits(cpu_time_s=2), preload=preload) as sb:
            if key == "default":
                print(f"isolation: {sb.isolation}")
            for name, (prog, stdin, expected) in PROGRAMS.items():
                rates[key][name] = rate(sb, prog, stdin, expected, args.runs)
    for name, (prog, stdin, _) in PROGRAMS.items():
        rates["naive"][name] = args.naive_runs / sum(
            naive_run(prog, stdin)[0] for _ in range(args.naive_runs))
    print(f"{'program':12} {'sandbox/s':>10} {'no preload/s':>13} {'naive/s':>8} {'ratio':>6}")
    for name in PROGRAMS:
        r = rates["default"][name] / rates["naive"][name]
        print(f"{name:12} {rates['default'][name]:10.0f} {rates['none'][name]:13.0f} "
              f"{rates['naive'][name]:8.1f} {r:5.0f}x")

    def overall(key: str) -> float:  # executions/s over all programs together
        return len(PROGRAMS) / sum(1 / v for v in rates[key].values())

    sb_all, lean, naive = overall("default"), overall("none"), overall("naive")
    print(f"summary: sandbox {sb_all:.0f} isolated executions/s on one core ({lean:.0f}/s with no "
          f"preload), naive {naive:.1f}/s; ratio {sb_all / naive:.0f}x ({lean / naive:.0f}x with "
          f"no preload) (targets: >= 300/s, >= 20x)")


if __name__ == "__main__":
    main()

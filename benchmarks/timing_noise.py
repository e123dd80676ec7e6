"""Run-to-run noise of timing: coefficient of variation of repeated measurements.

    .venv/bin/python benchmarks/timing_noise.py [--repeat 30]

Times the same programs on the same inputs R times with the sandbox (the
program's own work, measured inside the child) and with the naive method (a
fresh interpreter per run, timed from outside), on one core in one run, and
prints the median CV of each (target for the sandbox: ≤ 2 % on a quiet machine).
"""

from __future__ import annotations

import argparse
import random
import statistics

from _common import naive_run, pin_to_one_core

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict

rng = random.Random(0)
NUMS = " ".join(str(rng.randint(0, 10**9)) for _ in range(50000))
PROGRAMS = {
    "sort_50k": ("import sys\nxs = sorted(map(int, sys.stdin.read().split()))\nprint(xs[0])\n",
                 NUMS),
    "dp_loop": ("n = int(input())\nf = [0] * (n + 1)\nfor i in range(2, n + 1):\n"
                "    f[i] = min(f[i - 1], f[i - 2]) + i % 7\nprint(f[n])\n", "200000"),
    "dict_count": ("import sys\nc = {}\nfor w in sys.stdin.read().split():\n"
                   "    c[w[-2:]] = c.get(w[-2:], 0) + 1\nprint(len(c))\n", NUMS),
    "string_build": ("n = int(input())\ns = ''.join(str(i % 10) for i in range(n))\n"
                     "print(s.count('7'))\n", "300000"),
}


def cv(xs: list[float]) -> float:
    return statistics.stdev(xs) / statistics.mean(xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    core = pin_to_one_core()
    print(f"pinned to core {core}; {args.repeat} repeats per program")
    print(f"{'program':14} {'mean ms':>8} {'sandbox CV':>11} {'naive mean ms':>14} {'naive CV':>9}")
    sb_cvs, naive_cvs = [], []
    with Sandbox(Limits(cpu_time_s=10)) as sb:
        for name, (prog, stdin) in PROGRAMS.items():
            res = sb.run(prog, [TestCase(stdin, None)], repeat=args.repeat + 3)
            assert res.verdict == Verdict.AC, res.detail
            times = res.tests[0].times_ns[3:]  # the first runs warm the caches
            naive = [naive_run(prog, stdin)[0] for _ in range(args.repeat)]
            sb_cvs.append(cv(times))
            naive_cvs.append(cv(naive))
            print(f"{name:14} {statistics.mean(times) / 1e6:8.2f} {sb_cvs[-1]:10.2%} "
                  f"{statistics.mean(naive) * 1e3:14.1f} {naive_cvs[-1]:8.2%}")
    print(f"summary: median CV sandbox {statistics.median(sb_cvs):.2%}, naive "
          f"{statistics.median(naive_cvs):.2%} (target for the sandbox: <= 2%)")


if __name__ == "__main__":
    main()

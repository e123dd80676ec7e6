"""Timed repeats per second: the sandbox's two repeat modes vs a fresh interpreter per run.

    .venv/bin/python benchmarks/sandbox_throughput.py [--inputs 100] [--repeats 20] [--naive-runs 40]

Trivial programs, on one core, all in one run: each program on `--inputs`
distinct test inputs, `--repeats` timed repeats per input (every repeat's
output judged), by

* child mode: one fork per input, its repeats inside it (repeat_mode="child");
* fork mode: one fork per repeat (repeat_mode="fork", the default); and,
  alternating with a server whose runs do not mount a /proc of their own,
  what that isolation costs per run;
* naive: `subprocess.run([python, file])` per run (EffiBench, Mercury, the
  paper's code), timed from outside.

Targets: child mode >= 2,000 timed repeats/s and >= 100x naive. The ratio is
printed last. Figures on a shared machine are noisy: run it when it is idle.
"""

from __future__ import annotations

import argparse
import time

from _common import naive_run, pin_to_one_core

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict

PROGRAMS = {
    "print": ("print(1)\n", lambda i: ("", "1")),
    "a_plus_b": ("a, b = map(int, input().split())\nprint(a + b)\n",
                 lambda i: (f"{i} {i + 1}\n", str(2 * i + 1))),
    "small_loop": ("n = int(input())\nprint(sum(i * i for i in range(n)))\n",
                   lambda i: (f"{50 + i}\n", str(sum(k * k for k in range(50 + i))))),
}


def rate(sb: Sandbox, prog: str, tests: list[TestCase], repeats: int, mode: str) -> float:
    """Timed repeats per second over all inputs, the sandbox's calls included."""
    sb.run(prog, tests[:3], repeat=repeats, repeat_mode=mode)  # warm up
    start = time.perf_counter()
    res = sb.run(prog, tests, repeat=repeats, repeat_mode=mode)
    elapsed = time.perf_counter() - start
    assert res.verdict == Verdict.AC, res.detail
    modes = {t.repeat_mode for t in res.tests}
    assert modes == {mode}, f"{mode} mode ran as {modes}"
    return len(tests) * repeats / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=100, help="test inputs per program")
    ap.add_argument("--repeats", type=int, default=20, help="timed repeats per input")
    ap.add_argument("--fork-inputs", type=int, default=25,
                    help="inputs per program in fork mode (it is ~10x slower)")
    ap.add_argument("--naive-runs", type=int, default=40, help="naive runs per program")
    args = ap.parse_args()
    core = pin_to_one_core()
    print(f"pinned to core {core}; {args.inputs} inputs x {args.repeats} repeats per program")
    rates: dict[str, dict[str, float]] = {k: {} for k in ("child", "fork", "naive")}
    proc_ms: list[float] = []
    with Sandbox(Limits(cpu_time_s=2)) as sb, \
            Sandbox(Limits(cpu_time_s=2), private_proc=False) as bare:
        print(f"isolation: {sb.isolation}")
        for name, (prog, make) in PROGRAMS.items():  # each program's figures close in time
            tests = [TestCase(*make(i)) for i in range(args.inputs)]
            rates["child"][name] = rate(sb, prog, tests, args.repeats, "child")
            rates["fork"][name] = rate(sb, prog, tests[:args.fork_inputs], args.repeats, "fork")
            rates["naive"][name] = args.naive_runs / sum(
                naive_run(prog, make(0)[0])[0] for _ in range(args.naive_runs))
        if sb.isolation["private_proc"]:
            # what the per-run /proc costs: the two servers alternate, fork mode
            prog, make = PROGRAMS["print"]
            tests = [TestCase(*make(0))]
            for _ in range(6):
                with_proc = 1 / rate(sb, prog, tests, 100, "fork")
                without = 1 / rate(bare, prog, tests, 100, "fork")
                proc_ms.append((with_proc - without) * 1e3)

    def overall(key: str) -> float:  # repeats/s over all programs together
        got = rates[key]
        return len(got) / sum(1 / v for v in got.values()) if got else float("nan")

    print(f"{'program':12} {'child/s':>9} {'fork/s':>8} {'naive/s':>8} {'child/naive':>12}")
    for name in PROGRAMS:
        print(f"{name:12} {rates['child'][name]:9.0f} {rates['fork'][name]:8.0f} "
              f"{rates['naive'][name]:8.1f} {rates['child'][name] / rates['naive'][name]:11.0f}x")
    child, fork, naive = (overall(k) for k in ("child", "fork", "naive"))
    if proc_ms:
        print(f"per-run cost of a private /proc (fork mode, median of 6 alternations): "
              f"{sorted(proc_ms)[3]:.2f} ms (all: {', '.join(f'{x:.2f}' for x in proc_ms)})")
    print(f"summary: child mode {child:.0f} timed repeats/s on one core, fork mode {fork:.0f}/s, "
          f"naive {naive:.1f}/s; child/fork {child / fork:.1f}x; "
          f"ratio child/naive {child / naive:.0f}x (targets: >= 2000/s, >= 100x)")


if __name__ == "__main__":
    main()

"""Run-to-run noise of sandbox timings, pinned and unpinned, and what it does to a ranking.

    .venv/bin/python benchmarks/timing_noise.py [--repeat 20] [--rounds 6] [--rank-trials 8]

Three programs of about 1, 10 and 50 ms of work (a pure-Python loop, sized
on this machine at start) are timed by the sandbox, R repeats per round on
one input, in several independent rounds. Two sandbox servers run side by
side: one pinned to a single CPU (os.sched_setaffinity before it starts, so
it and every child it forks stay there), one free to use every allowed CPU.
Rounds alternate program and pinning so both see the same machine at the
same times. Per program and pinning it prints

* within-run CV: the CV of the R repeats of one round (median over rounds);
* CV of the mean and CV of the median: the CV across rounds of each round's
  mean and median, i.e. how far two honest measurements of the same program
  disagree;
* bimodality: the best split of all runs into a fast and a slow group (on log
  time); reported as two modes when the groups are well separated (Ashman's
  D > 2) and the smaller one holds at least 5 % of runs, with the slow mode's
  share and its mean stretch length (consecutive runs in the slow mode; about
  1/(1-p) if runs fell in it independently, longer if it comes in stretches).

Then, as a check of `effiskel.timing.rank` against the rule it replaced,
two programs 1.5x apart (about 10 and 15 ms) are ranked `--rank-trials` times
by each rule on the pinned sandbox: the old rule (each candidate's R runs back
to back, mean and t-interval) and the new one (interleaved rounds, median
polish, paired sign-test CI). It counts wrong orders and wrongly confident
orders (intervals separated the wrong way). The summary table comes last.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict  # noqa: E402
from effiskel.timing import Candidate, rank, t_quantile_95  # noqa: E402

LOOP = ("n = int(input())\ns = 0\nfor i in range(n):\n    s += i * i % 7\nprint(s)\n")
TARGETS_MS = (1, 10, 50)


def expected(n: int) -> str:
    return str(sum(i * i % 7 for i in range(n)))


def cv(xs: list[float]) -> float:
    return statistics.stdev(xs) / statistics.fmean(xs) if len(xs) > 1 else float("nan")


def times_of(sb: Sandbox, program: str, stdin: str, repeat: int) -> list[int]:
    res = sb.run(program, [TestCase(stdin, None)], repeat=repeat)
    if res.verdict != Verdict.AC:
        raise SystemExit(f"timing_noise: the workload failed in the sandbox: {res.detail}")
    return res.tests[0].times_ns


def calibrate(sb: Sandbox) -> dict[int, int]:
    """Loop sizes for TARGETS_MS on this machine, from the median of a few runs."""
    n0 = 200_000
    per_iter = statistics.median(times_of(sb, LOOP, str(n0), 5)) / n0
    return {ms: max(1, round(ms * 1e6 / per_iter)) for ms in TARGETS_MS}


def bimodality(xs: list[int]) -> dict | None:
    """The best two-group split of log times (1-D 2-means, exact over sorted splits),
    or None when the groups are not clearly separate modes."""
    logs = sorted(math.log(x) for x in xs)
    n = len(logs)
    if n < 10:
        return None
    prefix = [0.0]
    prefix2 = [0.0]
    for v in logs:
        prefix.append(prefix[-1] + v)
        prefix2.append(prefix2[-1] + v * v)

    def sse(i: int, j: int) -> float:
        m = j - i
        s = prefix[j] - prefix[i]
        return prefix2[j] - prefix2[i] - s * s / m

    k = min(range(1, n), key=lambda i: sse(0, i) + sse(i, n))
    lo, hi = logs[:k], logs[k:]
    if min(len(lo), len(hi)) < max(2, 0.05 * n):
        return None
    var = (statistics.pvariance(lo) + statistics.pvariance(hi)) / 2
    d = abs(statistics.fmean(hi) - statistics.fmean(lo)) / math.sqrt(var) if var > 0 else math.inf
    if d <= 2:
        return None
    cut = logs[k]
    slow = [math.log(x) >= cut for x in xs]
    stretches, run = [], 0
    for s in slow + [False]:
        if s:
            run += 1
        elif run:
            stretches.append(run)
            run = 0
    p = sum(slow) / n
    return {"fast_ms": math.exp(statistics.median(lo)) / 1e6,
            "slow_ms": math.exp(statistics.median(hi)) / 1e6, "slow_share": p, "D": d,
            "stretch": statistics.fmean(stretches), "iid_stretch": 1 / (1 - p)}


def start_sandbox(cpu: int | None, scratch: Path) -> Sandbox:
    """A sandbox server started with this thread's affinity set to `cpu` (None: all)."""
    allowed = os.sched_getaffinity(0)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    try:
        sb = Sandbox(Limits(cpu_time_s=10), scratch_root=scratch)
        sb.start()  # the server inherits the affinity now and keeps it
    finally:
        os.sched_setaffinity(0, allowed)
    return sb


def old_rule(sb: Sandbox, cands: list[Candidate], repeats: int):
    """The rule rank() used before: each candidate's runs back to back; mean, t-interval."""
    out = {}
    for c in cands:
        xs = c.run(sb, repeats).tests[0].times_ns
        m = statistics.fmean(xs)
        half = t_quantile_95(len(xs) - 1) * statistics.stdev(xs) / math.sqrt(len(xs))
        out[c.key] = (m, m - half, m + half)
    order = sorted(out, key=lambda k: out[k][0])
    a, b = out[order[0]], out[order[1]]
    return order, a[2] < b[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="repeats per round (R)")
    ap.add_argument("--rounds", type=int, default=6, help="independent rounds per program")
    ap.add_argument("--rank-trials", type=int, default=8,
                    help="rankings of a 1.5x pair per rule (0: skip)")
    ap.add_argument("--rank-repeats", type=int, default=30, help="R of each ranking")
    args = ap.parse_args()
    allowed = sorted(os.sched_getaffinity(0))
    cpu = allowed[-1]  # not CPU 0, where the kernel's own interrupts tend to land
    scratch = Path(__file__).resolve().parents[1] / "build" / "timing_noise"
    scratch.mkdir(parents=True, exist_ok=True)
    print(f"CPUs allowed: {allowed}; pinned sandbox on CPU {cpu}; load average "
          f"{os.getloadavg()[0]:.2f}; R = {args.repeat} per round, {args.rounds} rounds")
    pinned, free = start_sandbox(cpu, scratch), start_sandbox(None, scratch)
    rows = []
    try:
        sizes = calibrate(pinned)
        series: dict[tuple[int, str], list[list[int]]] = {}
        for r in range(args.rounds):
            for ms in TARGETS_MS:
                # alternate which sandbox goes first, so neither always follows the other
                order = [("pinned", pinned), ("unpinned", free)]
                for label, sb in order if r % 2 == 0 else order[::-1]:
                    series.setdefault((ms, label), []).append(
                        times_of(sb, LOOP, str(sizes[ms]), args.repeat))
        print(f"\n{'program':>8} {'pinning':>9} {'mean ms':>8} {'within CV':>10} "
              f"{'CV mean':>8} {'CV median':>10}  modes")
        for (ms, label), rounds in series.items():
            flat = [x for rd in rounds for x in rd]
            row = {"program": f"~{ms} ms", "pinning": label,
                   "mean_ms": statistics.fmean(flat) / 1e6,
                   "within": statistics.median(cv(rd) for rd in rounds),
                   "cv_mean": cv([statistics.fmean(rd) for rd in rounds]),
                   "cv_median": cv([statistics.median(rd) for rd in rounds]),
                   "modes": bimodality(flat)}
            rows.append(row)
            m = row["modes"]
            modes = ("one mode" if m is None else
                     f"{m['fast_ms']:.2f} / {m['slow_ms']:.2f} ms ({m['slow_ms'] / m['fast_ms']:.2f}x),"
                     f" {m['slow_share']:.0%} slow, D={m['D']:.1f}, stretch {m['stretch']:.1f} runs"
                     f" (iid: {m['iid_stretch']:.1f})")
            print(f"{row['program']:>8} {label:>9} {row['mean_ms']:8.2f} {row['within']:9.2%} "
                  f"{row['cv_mean']:7.2%} {row['cv_median']:9.2%}  {modes}")

        # per rule: [wrong order, wrong and separated, right and separated]
        flips = {"old": [0, 0, 0], "new": [0, 0, 0]}
        if args.rank_trials:
            n = sizes[10]
            slow = LOOP.replace("range(n)", "range(n * 3 // 2)")  # 1.5x the work
            cands = [Candidate("fast", LOOP, [TestCase(str(n), expected(n))]),
                     Candidate("slow", slow, [TestCase(str(n), expected(n * 3 // 2))])]
            t0 = time.perf_counter()
            for trial in range(args.rank_trials):
                first = cands if trial % 2 == 0 else cands[::-1]
                order, sep = old_rule(pinned, first, args.rank_repeats)
                ranked = rank(pinned, first, args.rank_repeats)
                for rule, wrong, sure in (("old", order[0] != "fast", sep),
                                          ("new", ranked[0].key != "fast",
                                           ranked[0].separated_from_next)):
                    flips[rule][0] += wrong
                    flips[rule][1] += wrong and sure
                    flips[rule][2] += sure and not wrong
            print(f"\nranking a 1.5x pair (~10 vs ~15 ms), R = {args.rank_repeats}, "
                  f"{args.rank_trials} trials per rule ({time.perf_counter() - t0:.0f} s):")
            for rule, (wrong, wrong_sure, right_sure) in flips.items():
                print(f"  {rule} rule: {wrong} wrong orders ({wrong_sure} of them with separated "
                      f"intervals); right and separated {right_sure}")
    finally:
        pinned.close()
        free.close()

    print("\nsummary (CV across rounds: how far two honest measurements disagree)")
    print(f"{'program':>8} {'pinning':>9} {'within-run CV':>14} {'CV of mean':>11} "
          f"{'CV of median':>13} {'bimodal':>8}")
    for row in rows:
        print(f"{row['program']:>8} {row['pinning']:>9} {row['within']:13.2%} "
              f"{row['cv_mean']:10.2%} {row['cv_median']:12.2%} "
              f"{'yes' if row['modes'] else 'no':>8}")
    if args.rank_trials:
        print(f"ranking 1.5x apart, {args.rank_trials} trials: old rule (mean, t-interval) "
              f"{flips['old'][0]} wrong ({flips['old'][1]} confidently); new rule (interleaved, "
              f"paired median) {flips['new'][0]} wrong ({flips['new'][1]} confidently), "
              f"{flips['new'][2]} right and separated")


if __name__ == "__main__":
    main()

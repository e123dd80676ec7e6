"""Repeated timing with robust statistics, and adaptive ranking of solutions.

The paper's time of a solution (§4.2) is T = (1/n) Σ_j t_j over its n test
inputs, t_j the mean of R runs on input j (R = 30). We keep that mean as *the*
time, and add the median (mean over inputs of the per-input median) and a
confidence interval of T: with s_j² the sample variance of the runs on input
j, Var(T) = (1/n²) Σ_j s_j² / R_j, and the interval is T ± t·sqrt(Var(T)).

Adaptive ranking repeats only while it matters: solutions are timed in rounds
and a solution stops once its interval no longer overlaps its neighbours' in
the current order (or it reached the maximum number of repeats). The stored T
stays the paper's mean over the runs made.

Line-level profiles for TAS come from `Sandbox.line_profile`, a separate run:
the profiler slows a program ~10×, so it never shares a run with timing.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from effiskel.sandbox import Sandbox, TestCase, Verdict
from effiskel.sandbox.types import RunResult

# Two-sided 95 % Student t quantiles by degrees of freedom (1..30); ≥ 30 → normal.
_T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t_quantile_95(dof: int) -> float:
    if dof < 1:
        return math.inf
    return _T95[dof - 1] if dof <= len(_T95) else 1.96


@dataclass
class Timing:
    """Timing statistics of one solution over its tests (all in nanoseconds)."""

    mean_ns: float  # the paper's T
    median_ns: float
    ci_low_ns: float
    ci_high_ns: float
    repeats: int  # fewest timed runs of any input
    per_test_mean_ns: list[float]
    max_rss_kb: int = 0

    def overlaps(self, other: Timing) -> bool:
        return self.ci_low_ns <= other.ci_high_ns and other.ci_low_ns <= self.ci_high_ns


def summarize(times_ns: list[list[int]], max_rss_kb: int = 0) -> Timing:
    """Statistics of per-input run times (one list of repeats per input)."""
    if not times_ns or any(len(t) == 0 for t in times_ns):
        raise ValueError("every input needs at least one timed run")
    n = len(times_ns)
    means = [statistics.fmean(t) for t in times_ns]
    medians = [statistics.median(t) for t in times_ns]
    mean = statistics.fmean(means)
    repeats = min(len(t) for t in times_ns)
    if repeats > 1:
        var = sum(statistics.variance(t) / len(t) for t in times_ns) / (n * n)
        half = t_quantile_95(repeats - 1) * math.sqrt(var)
    else:
        half = math.inf
    return Timing(
        mean_ns=mean,
        median_ns=statistics.fmean(medians),
        ci_low_ns=max(0.0, mean - half),
        ci_high_ns=mean + half,
        repeats=repeats,
        per_test_mean_ns=means,
        max_rss_kb=max_rss_kb,
    )


@dataclass
class Candidate:
    """A program to time, with the inputs it is timed on."""

    key: str
    program: str
    tests: list[TestCase]
    mode: str = "stdio"
    entry_point: str | None = None
    checker: str | None = None
    float_tolerance: float = 0.0
    output_rule: str | None = None

    def run(self, sandbox: Sandbox, repeat: int = 1, **kw) -> RunResult:
        return sandbox.run(self.program, self.tests, mode=self.mode, entry_point=self.entry_point,
                           checker=self.checker, float_tolerance=self.float_tolerance,
                           output_rule=self.output_rule, repeat=repeat, **kw)


@dataclass
class Ranked:
    key: str
    verdict: Verdict
    timing: Timing | None
    detail: str = ""


def rank(
    sandbox: Sandbox,
    candidates: list[Candidate],
    repeats: int = 30,
    *,
    adaptive: bool = False,
    min_repeats: int = 5,
    round_repeats: int = 5,
) -> list[Ranked]:
    """Time each candidate and return them fastest first (failures last).

    Fixed mode: `repeats` runs per input. Adaptive mode: `min_repeats` first,
    then rounds of `round_repeats` more for every candidate whose interval
    overlaps a neighbour's in the current order, up to `repeats` in all.
    Every run is judged; a candidate that fails any run is ranked by verdict.
    """
    times: dict[str, list[list[int]]] = {}
    rss: dict[str, int] = {}
    failed: dict[str, Ranked] = {}

    def run(c: Candidate, n: int) -> None:
        res = c.run(sandbox, n)
        if res.verdict != Verdict.AC:
            failed[c.key] = Ranked(c.key, res.verdict, None, res.detail)
            times.pop(c.key, None)
            return
        acc = times.setdefault(c.key, [[] for _ in c.tests])
        for a, t in zip(acc, res.tests):
            a.extend(t.times_ns)
        rss[c.key] = max(rss.get(c.key, 0), *(t.max_rss_kb for t in res.tests))

    by_key = {c.key: c for c in candidates}
    if len(by_key) != len(candidates):
        raise ValueError("candidate keys must be unique")
    first = min_repeats if adaptive else repeats
    for c in candidates:
        run(c, first)
    while adaptive:
        stats = {k: summarize(v) for k, v in times.items()}
        order = sorted(stats, key=lambda k: stats[k].mean_ns)
        todo = []
        for i, k in enumerate(order):
            if stats[k].repeats >= repeats:
                continue
            neighbours = order[max(0, i - 1):i] + order[i + 1:i + 2]
            if any(stats[k].overlaps(stats[o]) for o in neighbours):
                todo.append(k)
        if not todo:
            break
        for k in todo:
            run(by_key[k], min(round_repeats, repeats - stats[k].repeats))
    ranked = [Ranked(k, Verdict.AC, summarize(v, rss.get(k, 0))) for k, v in times.items()]
    ranked.sort(key=lambda r: r.timing.mean_ns)
    return ranked + [failed[c.key] for c in candidates if c.key in failed]

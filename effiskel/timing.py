"""Repeated timing with robust statistics, and ranking of solutions that noise cannot flip.

**The stored time.** The paper's time of a solution (§4.2) is T = (1/n) Σ_j t_j
over its n test inputs, t_j the mean of its R runs on input j (R = 30). That
mean is *the* time (`Timing.mean_ns`, the runs table's `time_ns`), over every
run made.

**Why the ranking does not use it.** On this project's 2-vCPU VM repeated runs
of one program are bimodal: the core runs 1.3-1.9× slower for stretches of
several runs at a time (benchmarks/timing_noise.py; the program's CPU time slows
as much as its wall time, so it is the core, not waiting for it). Timing one solution's R runs back to back, then the next
one's, lets one solution fall in a slow stretch and the other in a fast one: two
solutions 1.5× apart swap places, and the t-interval of each mean is narrow
(every run of a stretch agrees), so an adaptive rule that stops when the
intervals part stops confidently on the wrong order.

**The ranking statistic.** `rank` times the candidates *interleaved*: in each
round, for each input j, every candidate runs on j (`round_repeats` times,
default once), one after the other, in an order that rotates with the round and
the input. A slow stretch therefore falls on all candidates of a round alike.
Per candidate c and round r, the round time s_{c,r} = mean over inputs of the
median of that round's repeats on the input: one measurement of T. (One repeat
per round pairs runs most closely; on a synthetic machine with 10-50 ms
stretches, 3 per round ranked 1-2 % of 1.5x pairs wrong on one input, 1 per
round none.) On the logs, a two-way fit

    log s_{c,r} = a_c + φ_r + e_{c,r}

by Tukey's median polish (medians, so a few odd rounds do not move it) splits
the round's shared slowdown φ_r off the candidate's level a_c. The order is by
a_c; `Timing.median_ns` = exp(a_c), the median over rounds of the candidate's
round time with the rounds' shared slowdowns taken out (for a candidate timed
alone there is nothing to take out: the plain median over rounds).

**The intervals.** Both are distribution-free 95 % intervals of a median from
order statistics (the sign test's interval: coverage ≥ 95 % whatever the noise's
shape, as long as rounds are exchangeable); they need at least 6 rounds
(2 / 2^6 ≤ 5 %), with fewer they are (0, ∞).
* `Timing.ci_low_ns`/`ci_high_ns`: the interval of median_ns, from the
  candidate's corrected round times exp(log s_{c,r} − φ_r). It says how well the
  level is known relative to the solutions timed alongside, not how far a rerun
  on a slower machine could move it.
* Between neighbours a and b in the order: the interval of the median over their
  common rounds of the paired log-ratio log s_{a,r} − log s_{b,r}. They are
  *separated* when it excludes 0, i.e. a is faster in enough rounds of the pair
  (6 of 6, 9 of 10, 21 of 30, ...). A slow stretch swings a pair's ratio only in
  a round where it starts between the two candidates' runs, so flipping a 1.5×
  pair takes most of its rounds doing that; on tests/test_timing.py's
  synthetic machine (stretches of 10 ms to 5 s, 2,400 rankings) none flipped,
  while the old rule did.

**Adaptive mode** checks after at least 6 rounds and `min_repeats` runs, then
after every round: a candidate stops once it is separated from both its
neighbours in the current order (it comes back if the order changes beside it),
or at the cap of `repeats`. With a look after every round, two equal solutions
now and then look separated and stop early (harmless to the order: they are
equal).
The stored T stays the paper's mean over the runs made.

Line-level profiles for TAS come from `Sandbox.line_profile`, a separate run:
the profiler slows a program ~10×, so it never shares a run with timing.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from effiskel.sandbox import Sandbox, TestCase, Verdict
from effiskel.sandbox.types import RunResult

# Fewest rounds with a two-sided 95 % order-statistic interval of a median: with n
# values, [x_(1), x_(n)] covers the median with probability 1 - 2/2^n.
MIN_ROUNDS = 6

# Two-sided 95 % Student t quantiles by degrees of freedom (1..30); ≥ 30 → normal.
_T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t_quantile_95(dof: int) -> float:
    if dof < 1:
        return math.inf
    return _T95[dof - 1] if dof <= len(_T95) else 1.96


# ----------------------------------------------------------------------------- pure statistics
def median_ci_ranks(n: int, level: float = 0.95) -> tuple[int, int] | None:
    """0-based ranks (lo, hi) of the order statistics bounding a `level` interval of the
    median of n exchangeable values (the sign test's interval), or None if n is too few."""
    # [x_(m), x_(n+1-m)] (1-based) misses the median with probability 2·P(Binomial(n, 1/2) < m):
    # take the largest m that keeps that within 1 - level.
    m, below = 0, 0.0
    while m < n:
        below += math.comb(n, m) / 2.0**n  # P(B <= m) = P(B < m + 1)
        if 2 * below > 1 - level + 1e-12:
            break
        m += 1
    return None if m == 0 else (m - 1, n - m)


def median_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, float] | None:
    """Distribution-free `level` interval of the median of `values`, or None (too few)."""
    ranks = median_ci_ranks(len(values), level)
    if ranks is None:
        return None
    xs = sorted(values)
    return xs[ranks[0]], xs[ranks[1]]


def round_time(per_input: Sequence[Sequence[int]]) -> float:
    """One round's measurement of T: mean over inputs of the median of the round's repeats."""
    return statistics.fmean(statistics.median(t) for t in per_input)


def median_polish(table: dict[str, dict[int, float]], iterations: int = 50
                  ) -> tuple[dict[str, float], dict[int, float]]:
    """Robust two-way fit x[c][r] = a[c] + φ[r] + e of a ragged table (rows c, columns r).

    Returns (a, φ), φ centred to median 0 over the fitted columns. A column with one
    entry has φ = 0: with nothing beside it, a shared effect cannot be told apart. On
    return each a[c] is exactly the median of its row's x - φ (so it lies inside the
    order-statistic interval of those values)."""
    phi: dict[int, float] = {r: 0.0 for row in table.values() for r in row}
    cols: dict[int, list[str]] = {}
    for c, row in table.items():
        for r in row:
            cols.setdefault(r, []).append(c)
    shared = [r for r, cs in cols.items() if len(cs) > 1]

    def rows() -> dict[str, float]:
        return {c: statistics.median(x - phi[r] for r, x in row.items())
                for c, row in table.items()}

    a = rows()
    for _ in range(iterations):
        new = {r: statistics.median(table[c][r] - a[c] for c in cols[r]) for r in shared}
        if new:
            centre = statistics.median(new.values())
            new = {r: v - centre for r, v in new.items()}
        change = max((abs(v - phi[r]) for r, v in new.items()), default=0.0)
        phi.update(new)
        a = rows()
        if change < 1e-12:
            break
    return a, phi


@dataclass
class Comparison:
    """Paired comparison of two candidates over their common rounds."""

    ratio: float  # exp(median of log s_a - log s_b): < 1 when a is faster
    ci: tuple[float, float] | None  # 95 % interval of that ratio; None below MIN_ROUNDS
    rounds: int

    @property
    def separated(self) -> bool:
        return self.ci is not None and (self.ci[1] < 1.0 or self.ci[0] > 1.0)


def compare(a: dict[int, float], b: dict[int, float]) -> Comparison:
    """Compare round times {round: s} of two candidates, pairing rounds both ran in."""
    common = sorted(set(a) & set(b))
    if not common:
        return Comparison(math.nan, None, 0)
    d = [math.log(a[r]) - math.log(b[r]) for r in common]
    ci = median_ci(d)
    return Comparison(math.exp(statistics.median(d)),
                      None if ci is None else (math.exp(ci[0]), math.exp(ci[1])), len(common))


@dataclass
class Timing:
    """Timing statistics of one solution over its tests (all in nanoseconds)."""

    mean_ns: float  # the paper's T, over every run made
    median_ns: float  # the robust level the ranking orders by (see the module docstring)
    ci_low_ns: float  # distribution-free 95 % interval of median_ns; (0, inf) below 6 rounds
    ci_high_ns: float
    repeats: int  # fewest timed runs of any input
    per_test_mean_ns: list[float]
    max_rss_kb: int = 0
    rounds: int = 0  # rounds the level was measured in


def summarize(times_ns: list[list[int]], max_rss_kb: int = 0, *,
              corrected_log_rounds: Sequence[float] | None = None) -> Timing:
    """Statistics of per-input run times (one list of repeats per input).

    `corrected_log_rounds`: the candidate's log round times with the rounds' shared
    effects removed (from `rank`). Without them each repeat index i is taken as a
    round (its value the mean over inputs of the i-th repeat), uncorrected."""
    if not times_ns or any(len(t) == 0 for t in times_ns):
        raise ValueError("every input needs at least one timed run")
    repeats = min(len(t) for t in times_ns)
    if corrected_log_rounds is None:
        corrected_log_rounds = [math.log(max(1.0, statistics.fmean(t[i] for t in times_ns)))
                                for i in range(repeats)]
    logs = list(corrected_log_rounds)
    ci = median_ci(logs)
    means = [statistics.fmean(t) for t in times_ns]
    return Timing(
        mean_ns=statistics.fmean(means),
        median_ns=math.exp(statistics.median(logs)),
        ci_low_ns=0.0 if ci is None else math.exp(ci[0]),
        ci_high_ns=math.inf if ci is None else math.exp(ci[1]),
        repeats=repeats,
        per_test_mean_ns=means,
        max_rss_kb=max_rss_kb,
        rounds=len(logs),
    )


# ----------------------------------------------------------------------------- scheduling
@dataclass
class RoundTimes:
    """What the interleaved schedule measured for one candidate."""

    times: list[list[int]]  # per input, every repeat of every round (the paper's T)
    rounds: dict[int, float] = field(default_factory=dict)  # round -> round time s_{c,r}


# measure(key, input_index, repeats) -> the run times, or None when the candidate failed
# (the caller keeps the failure's verdict and detail).
Measure = Callable[[str, int, int], "list[int] | None"]


def split_repeats(repeats: int, rounds: int) -> list[int]:
    """`repeats` per input spread over min(repeats, rounds) rounds, as evenly as possible."""
    n = max(1, min(repeats, rounds))
    return [repeats // n + (i < repeats % n) for i in range(n)]


def schedule(keys: Sequence[str], n_inputs: int, measure: Measure, *, repeats: int = 30,
             adaptive: bool = False, min_repeats: int = MIN_ROUNDS, round_repeats: int = 1,
             ) -> dict[str, RoundTimes]:
    """Time `keys` interleaved (see the module docstring) and return what was measured
    for those that never failed. Pure but for `measure`, so a synthetic clock can drive it."""
    if len(set(keys)) != len(keys):
        raise ValueError("candidate keys must be unique")
    got = {k: RoundTimes([[] for _ in range(n_inputs)]) for k in keys}
    active = list(keys)
    plan = split_repeats(repeats, math.ceil(repeats / max(1, round_repeats)))
    made = 0
    for r, k_r in enumerate(plan):
        if not active:
            break
        per_input: dict[str, list[list[int]]] = {c: [] for c in active}
        for j in range(n_inputs):
            turn = (r + j) % len(active)
            for c in active[turn:] + active[:turn]:
                if c not in per_input:
                    continue  # failed earlier in this round
                ts = measure(c, j, k_r)
                if ts is None:
                    del got[c], per_input[c]
                    continue
                per_input[c].append(ts)
                got[c].times[j].extend(ts)
        for c, runs in per_input.items():
            got[c].rounds[r] = round_time(runs)
        active = [c for c in active if c in got]
        made += k_r
        if adaptive and r + 1 >= MIN_ROUNDS and made >= min_repeats:
            active = _unsettled(got)
    return got


def _unsettled(got: dict[str, RoundTimes]) -> list[str]:
    """Candidates not separated from a neighbour in the current order. One that stopped
    earlier comes back if the order changed beside it."""
    order = order_by_level(got)
    todo = set()
    for a, b in zip(order, order[1:]):
        if not compare(got[a].rounds, got[b].rounds).separated:
            todo.update((a, b))
    return [c for c in got if c in todo]


def order_by_level(got: dict[str, RoundTimes]) -> list[str]:
    levels, _ = median_polish(_log_table(got))
    return sorted(got, key=lambda c: (levels[c], c))


def _log_table(got: dict[str, RoundTimes]) -> dict[str, dict[int, float]]:
    return {c: {r: math.log(max(1.0, s)) for r, s in g.rounds.items()} for c, g in got.items()}


def timings(got: dict[str, RoundTimes], rss: dict[str, int] | None = None) -> dict[str, Timing]:
    """Each candidate's Timing, its level and interval from one median polish of all."""
    table = _log_table(got)
    _, phi = median_polish(table)
    return {c: summarize(g.times, (rss or {}).get(c, 0),
                         corrected_log_rounds=[x - phi[r] for r, x in table[c].items()])
            for c, g in got.items()}


# ----------------------------------------------------------------------------- with the sandbox
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

    def run(self, sandbox: Sandbox, repeat: int = 1, *, tests: list[TestCase] | None = None,
            **kw) -> RunResult:
        return sandbox.run(self.program, self.tests if tests is None else tests, mode=self.mode,
                           entry_point=self.entry_point, checker=self.checker,
                           float_tolerance=self.float_tolerance, output_rule=self.output_rule,
                           repeat=repeat, **kw)

    def check(self, sandbox: Sandbox, **kw) -> RunResult:
        """Correctness only: all tests in one sandbox child, untimed (`Sandbox.check`)."""
        return sandbox.check(self.program, self.tests, mode=self.mode,
                             entry_point=self.entry_point, checker=self.checker,
                             float_tolerance=self.float_tolerance, output_rule=self.output_rule,
                             **kw)


@dataclass
class Ranked:
    key: str
    verdict: Verdict
    timing: Timing | None
    detail: str = ""
    # Paired comparison with the next candidate in the order (None for the last and failures).
    next_ratio: Comparison | None = None

    @property
    def separated_from_next(self) -> bool:
        return self.next_ratio is not None and self.next_ratio.separated


def rank(
    sandbox: Sandbox,
    candidates: list[Candidate],
    repeats: int = 30,
    *,
    adaptive: bool = False,
    min_repeats: int = MIN_ROUNDS,
    round_repeats: int = 1,
    **run_kw,
) -> list[Ranked]:
    """Time the candidates interleaved and return them fastest first (failures last).

    `repeats` runs per input in rounds of `round_repeats` (the last rounds may
    have one fewer). One repeat per round pairs the candidates' runs most closely;
    more amortize a sandbox call (and, in the sandbox's child repeat mode, a fork)
    over several repeats, at the price of coarser pairing. Adaptive mode: a
    candidate stops once it is separated from its neighbours, checked from the
    6th round on once `min_repeats` runs are made. Every run is judged; a
    candidate that fails any run is ranked by its verdict. `run_kw` goes to
    `Sandbox.run` (e.g. the sandbox's repeat mode).
    """
    by_key = {c.key: c for c in candidates}
    if len(by_key) != len(candidates):
        raise ValueError("candidate keys must be unique")
    failed: dict[str, Ranked] = {}
    rss: dict[str, int] = {}
    n_inputs = len(candidates[0].tests) if candidates else 0
    if any(len(c.tests) != n_inputs for c in candidates):
        raise ValueError("every candidate of one ranking must have the same tests")
    if candidates and not n_inputs:
        raise ValueError(f"nothing to time: candidate {candidates[0].key!r} has no tests")

    def measure(key: str, j: int, k: int) -> list[int] | None:
        c = by_key[key]
        res = c.run(sandbox, k, tests=[c.tests[j]], **run_kw)
        t = res.tests[0]
        if res.verdict != Verdict.AC:
            failed[key] = Ranked(key, res.verdict, None, f"test {j}: {t.verdict}: {t.detail}")
            return None
        rss[key] = max(rss.get(key, 0), t.max_rss_kb)
        return list(t.times_ns)

    got = schedule(list(by_key), n_inputs, measure, repeats=repeats, adaptive=adaptive,
                   min_repeats=min_repeats, round_repeats=round_repeats)
    stats = timings(got, rss)
    order = order_by_level(got) if got else []
    ranked = [Ranked(k, Verdict.AC, stats[k]) for k in order]
    for a, b in zip(ranked, ranked[1:]):
        a.next_ratio = compare(got[a.key].rounds, got[b.key].rounds)
    return ranked + [failed[c.key] for c in candidates if c.key in failed]

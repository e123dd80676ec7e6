"""Timing statistics and ranking (effiskel/timing.py).

The statistics are pure functions, so the property the ranking promises — bimodal
noise in stretches cannot flip two solutions 1.5x apart — is tested on a synthetic
machine whose clock has such stretches, driving the very scheduler `rank` uses; the
rule it replaced is run on the same machine to show that it does flip. The sandbox
tests time real programs.
"""

from __future__ import annotations

import math
import random
import statistics

import pytest

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict
from effiskel.timing import (
    MIN_ROUNDS,
    Candidate,
    compare,
    median_ci,
    median_ci_ranks,
    median_polish,
    order_by_level,
    rank,
    schedule,
    split_repeats,
    summarize,
    t_quantile_95,
    timings,
)


# ----------------------------------------------------------------------------- pure statistics
def test_median_intervals_are_the_sign_test_order_statistics():
    assert median_ci_ranks(MIN_ROUNDS - 1) is None  # [min, max] of 5 covers only 93.75 %
    assert median_ci_ranks(6) == (0, 5)
    assert median_ci_ranks(10) == (1, 8)  # the textbook x_(2), x_(9)
    assert median_ci_ranks(30) == (9, 20)  # x_(10), x_(21)
    for n in range(MIN_ROUNDS, 60):
        lo, _ = median_ci_ranks(n)
        miss = 2 * sum(math.comb(n, i) for i in range(lo + 1)) / 2**n
        wider = 2 * sum(math.comb(n, i) for i in range(lo + 2)) / 2**n
        assert miss <= 0.05 < wider  # 95 % at least, and the narrowest that is
    assert median_ci([5, 1, 4, 2, 3, 6]) == (1, 6)
    assert median_ci([1, 2, 3]) is None


def test_summarize_without_rounds_takes_each_repeat_as_one():
    times = [[10, 12, 14, 10, 12, 14], [100, 100, 106, 100, 100, 106]]
    t = summarize(times)
    assert t.mean_ns == pytest.approx((12 + 102) / 2)  # the paper's T: mean of per-input means
    rounds = sorted([55, 56, 60, 55, 56, 60])  # mean over inputs of the i-th repeat
    assert t.median_ns == pytest.approx(math.sqrt(56 * 56))  # median of the logs
    assert (t.ci_low_ns, t.ci_high_ns) == pytest.approx((rounds[0], rounds[-1]))
    assert t.repeats == 6 and t.rounds == 6 and t.per_test_mean_ns == [12, 102]
    few = summarize([[10, 12]])
    assert (few.ci_low_ns, few.ci_high_ns) == (0.0, math.inf)  # too few rounds to know
    with pytest.raises(ValueError):
        summarize([[1, 2], []])


def test_median_polish_takes_shared_round_effects_out():
    rng = random.Random(3)
    level = {"a": 0.0, "b": math.log(1.5), "c": math.log(4.0)}
    phase = {r: rng.choice([0.0, math.log(1.6)]) for r in range(12)}
    table = {c: {r: a + p for r, p in phase.items()} for c, a in level.items()}
    table["a"][5] += 3.0  # one wild cell moves nothing
    del table["c"][7]  # ragged rows are fine
    a, phi = median_polish(table)
    assert a["b"] - a["a"] == pytest.approx(math.log(1.5))
    assert a["c"] - a["a"] == pytest.approx(math.log(4.0))
    assert statistics.median(phi.values()) == pytest.approx(0.0)
    alone, phi1 = median_polish({"x": {0: 1.0, 1: 3.0, 2: 2.0}})
    assert alone["x"] == 2.0 and set(phi1.values()) == {0.0}  # nothing to take out


def test_split_repeats():
    assert split_repeats(30, 30) == [1] * 30
    assert split_repeats(30, 10) == [3] * 10
    assert split_repeats(10, 4) == [3, 3, 2, 2]
    assert split_repeats(2, 10) == [1, 1]


# ----------------------------------------------------------------------------- a noisy machine
class BimodalMachine:
    """A simulated core that runs `slow`x slower for whole stretches of time (exponential
    lengths, mean `dwell_s`), with lognormal jitter within a mode, as measured here."""

    def __init__(self, seed: int, dwell_s: float, slow: float = 1.6, jitter: float = 0.05,
                 overhead_s: float = 0.002, stretches: list[float] | None = None):
        self.rng = random.Random(seed)
        self.now = 0.0
        self.slow_factor, self.jitter, self.overhead = slow, jitter, overhead_s
        self.is_slow = self.rng.random() < 0.5 if stretches is None else True
        # fixed stretch lengths (alternating from slow), else random ones
        self.lengths = iter(stretches) if stretches is not None else None
        self.dwell = dwell_s
        self.switch = self._next_length()

    def _next_length(self) -> float:
        if self.lengths is not None:
            return next(self.lengths, math.inf)
        return self.rng.expovariate(1 / self.dwell)

    def run(self, seconds: float) -> int:
        while self.now >= self.switch:
            self.is_slow = not self.is_slow
            self.switch += self._next_length()
        d = seconds * (self.slow_factor if self.is_slow else 1.0)
        d *= math.exp(self.rng.gauss(0, self.jitter))
        self.now += d + self.overhead
        return round(d * 1e9)

    def measure(self, work: dict[str, list[float]]):
        """The scheduler's `measure`: k runs of candidate `key` on input j."""
        return lambda key, j, k: [self.run(work[key][j]) for _ in range(k)]


def old_rule(machine: BimodalMachine, work: dict[str, list[float]], repeats: int = 30):
    """What rank() did before: each candidate's runs back to back, ordered by the mean T,
    sure of the order when the 95 % t-intervals part."""
    ci = {}
    for key, per_input in work.items():
        runs = [[machine.run(w) for _ in range(repeats)] for w in per_input]
        mean = statistics.fmean(statistics.fmean(r) for r in runs)
        var = sum(statistics.variance(r) / repeats for r in runs) / len(runs) ** 2
        half = t_quantile_95(repeats - 1) * math.sqrt(var)
        ci[key] = (mean - half, mean, mean + half)
    order = sorted(ci, key=lambda k: ci[k][1])
    return order, ci[order[0]][2] < ci[order[1]][0]


def new_rule(machine: BimodalMachine, work: dict[str, list[float]], **kw):
    got = schedule(list(work), len(next(iter(work.values()))), machine.measure(work), **kw)
    order = order_by_level(got)
    return order, compare(got[order[0]].rounds, got[order[1]].rounds).separated, got


def pair(seed: int, inputs: int) -> dict[str, list[float]]:
    """Two solutions exactly 1.5x apart on every input (5-20 ms of work), listed in
    either order so that going first is no advantage."""
    rng = random.Random(seed + 1000)
    fast = [rng.uniform(0.005, 0.02) for _ in range(inputs)]
    both = {"fast": fast, "slow": [1.5 * w for w in fast]}
    return both if seed % 2 == 0 else dict(reversed(both.items()))


def test_a_slow_stretch_flips_the_old_rule_and_not_the_new_one():
    # The fast solution's 30 runs fall in a slow stretch, the slow one's just after it.
    work = {"fast": [0.010], "slow": [0.015]}
    dry = BimodalMachine(0, 0, stretches=[math.inf])  # the same jitter, to find the moment
    for _ in range(30):
        dry.run(0.010)
    stretch = [dry.now]
    order, sure = old_rule(BimodalMachine(0, 0, stretches=stretch), work)
    assert order == ["slow", "fast"] and sure  # wrong, and its intervals say it is sure
    for adaptive in (False, True):
        # the same machine, the same stretch; whatever part of the schedule it covers
        order, sure, _ = new_rule(BimodalMachine(0, 0, stretches=stretch), work,
                                  adaptive=adaptive)
        assert order == ["fast", "slow"] and sure


@pytest.mark.parametrize("dwell_s", [0.01, 0.05, 0.3, 1.0, 5.0])
@pytest.mark.parametrize("inputs", [1, 4])
def test_no_stretch_of_noise_flips_a_1_5x_pair(dwell_s, inputs):
    seeds = range(120)
    old_wrong = new_wrong = new_unsure = 0
    for seed in seeds:
        work = pair(seed, inputs)
        order, _ = old_rule(BimodalMachine(seed, dwell_s), work)
        old_wrong += order[0] != "fast"
        for adaptive in (False, True):
            order, sure, got = new_rule(BimodalMachine(seed, dwell_s), work, adaptive=adaptive)
            new_wrong += order[0] != "fast"
            new_unsure += not sure
            if adaptive:
                assert len(got["fast"].times[0]) <= 30
    assert new_wrong == 0
    assert new_unsure <= len(seeds) // 5  # separated in >= 90 % of the 2 x 120 rankings
    if dwell_s >= 1.0:
        assert old_wrong > 0  # stretches longer than a candidate's runs flip the old rule


def test_adaptive_settles_clear_gaps_early_and_times_ties_to_the_cap():
    # Five solutions: a tie among clear 1.5x steps.
    work = {"e": [0.045], "b": [0.015], "tie1": [0.0225], "a": [0.010], "tie2": [0.0225]}
    capped = 0
    for seed in range(20):
        got = schedule(list(work), 1, BimodalMachine(seed, 0.3).measure(work), repeats=30,
                       adaptive=True)
        order = order_by_level(got)
        assert order[:2] == ["a", "b"] and order[-1] == "e"
        assert set(order[2:4]) == {"tie1", "tie2"}
        runs = {k: len(g.times[0]) for k, g in got.items()}
        assert MIN_ROUNDS <= runs["a"] < 30 and MIN_ROUNDS <= runs["e"] < 30  # settled early
        assert runs["tie1"] == runs["tie2"] >= max(runs["a"], runs["e"])
        capped += runs["tie1"] == 30
        t = timings(got)
        assert all(t[k].ci_low_ns <= t[k].median_ns <= t[k].ci_high_ns for k in t)
    # A look after every round: now and then a tie looks settled (harmless: they are equal).
    assert capped >= 16


# ----------------------------------------------------------------------------- the real sandbox
QUADRATIC = ("n = int(input())\nxs = list(map(int, input().split()))\nbest = 0\n"
             "for i in range(n):\n    for j in range(i + 1, n):\n"
             "        best = max(best, xs[j] - xs[i])\nprint(best)\n")
LINEAR = ("n = int(input())\nxs = list(map(int, input().split()))\nbest, low = 0, xs[0]\n"
          "for x in xs:\n    best = max(best, x - low)\n    low = min(low, x)\nprint(best)\n")


def _max_gain_tests():
    rng = random.Random(7)
    tests = []
    for n in (300, 600):
        xs = [rng.randint(0, 10**6) for _ in range(n)]
        best = max(max(xs[j] - xs[i] for j in range(i, n)) for i in range(n))
        tests.append(TestCase(f"{n}\n{' '.join(map(str, xs))}\n", str(best)))
    return tests


@pytest.fixture(scope="module")
def sb(build_dir):
    with Sandbox(Limits(cpu_time_s=5), scratch_root=build_dir) as s:
        yield s


def test_quadratic_ranks_slower_than_linear_on_every_run(sb):
    tests = _max_gain_tests()
    for _ in range(4):
        ranked = rank(sb, [Candidate("quadratic", QUADRATIC, tests),
                           Candidate("linear", LINEAR, tests)], repeats=6)
        assert [r.key for r in ranked] == ["linear", "quadratic"]
        fast, slow = ranked[0].timing, ranked[1].timing
        assert slow.mean_ns > 3 * fast.mean_ns and slow.median_ns > 3 * fast.median_ns
        assert ranked[0].separated_from_next and ranked[0].next_ratio.ratio < 1 / 3
        for t in (fast, slow):
            assert t.repeats == 6 and t.rounds == 6 and len(t.per_test_mean_ns) == 2
            assert 0 < t.ci_low_ns <= t.median_ns <= t.ci_high_ns < math.inf


def test_failures_rank_last_with_their_verdict(sb):
    tests = _max_gain_tests()
    ranked = rank(sb, [Candidate("wrong", "print(0)", tests), Candidate("linear", LINEAR, tests)],
                  repeats=2)
    assert [(r.key, r.verdict) for r in ranked] == [("linear", Verdict.AC), ("wrong", Verdict.WA)]
    assert ranked[1].timing is None and ranked[1].detail.startswith("test 0: WA")


def test_a_candidate_failing_mid_round_leaves_the_others_ranked(sb):
    # Right on the first input, wrong on the second: it drops out in the middle of round 1.
    tests = [TestCase("1", "1"), TestCase("2", "2")]
    ranked = rank(sb, [Candidate("half", "input()\nprint(1)\n", tests),
                       Candidate("echo", "print(input())\n", tests),
                       Candidate("echo2", "x = input()\nprint(x)\n", tests)], repeats=6)
    assert [r.key for r in ranked][-1] == "half" and ranked[-1].verdict == Verdict.WA
    assert ranked[-1].detail.startswith("test 1: WA")
    assert {r.key for r in ranked[:2]} == {"echo", "echo2"}
    assert all(r.timing.repeats == 6 for r in ranked[:2])


def test_adaptive_stops_early_when_order_is_settled(sb):
    tests = _max_gain_tests()
    ranked = rank(sb, [Candidate("q", QUADRATIC, tests), Candidate("l", LINEAR, tests)],
                  repeats=30, adaptive=True, min_repeats=5)
    assert [r.key for r in ranked] == ["l", "q"]
    assert all(r.timing.repeats < 30 for r in ranked)  # clearly apart: no need for 30
    assert all(r.timing.repeats >= MIN_ROUNDS for r in ranked)  # but no verdict before 6

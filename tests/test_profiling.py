"""Timing statistics and ranking (effiskel/profiling.py) with the real sandbox."""

from __future__ import annotations

import math
import statistics

import pytest

from effiskel.profiling import Candidate, rank, summarize, t_quantile_95
from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict


def test_summarize_matches_hand_computation():
    times = [[10, 12, 14], [100, 100, 106]]
    t = summarize(times)
    assert t.mean_ns == pytest.approx((12 + 102) / 2)  # the paper's T: mean of per-input means
    assert t.median_ns == pytest.approx((12 + 100) / 2)
    var = (statistics.variance([10, 12, 14]) / 3 + statistics.variance([100, 100, 106]) / 3) / 4
    half = t_quantile_95(2) * math.sqrt(var)
    assert (t.ci_low_ns, t.ci_high_ns) == pytest.approx((57 - half, 57 + half))
    assert t.repeats == 3 and t.per_test_mean_ns == [12, 102]
    with pytest.raises(ValueError):
        summarize([[1, 2], []])


QUADRATIC = ("n = int(input())\nxs = list(map(int, input().split()))\nbest = 0\n"
             "for i in range(n):\n    for j in range(i + 1, n):\n"
             "        best = max(best, xs[j] - xs[i])\nprint(best)\n")
LINEAR = ("n = int(input())\nxs = list(map(int, input().split()))\nbest, low = 0, xs[0]\n"
          "for x in xs:\n    best = max(best, x - low)\n    low = min(low, x)\nprint(best)\n")


def _max_gain_tests():
    import random

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
    for _ in range(8):
        ranked = rank(sb, [Candidate("quadratic", QUADRATIC, tests),
                           Candidate("linear", LINEAR, tests)], repeats=3)
        assert [r.key for r in ranked] == ["linear", "quadratic"]
        assert ranked[1].timing.mean_ns > 3 * ranked[0].timing.mean_ns


def test_failures_rank_last_with_their_verdict(sb):
    tests = _max_gain_tests()
    ranked = rank(sb, [Candidate("wrong", "print(0)", tests), Candidate("linear", LINEAR, tests)],
                  repeats=2)
    assert [(r.key, r.verdict) for r in ranked] == [("linear", Verdict.AC), ("wrong", Verdict.WA)]
    assert ranked[1].timing is None


def test_adaptive_stops_early_when_order_is_settled(sb):
    tests = _max_gain_tests()
    ranked = rank(sb, [Candidate("q", QUADRATIC, tests), Candidate("l", LINEAR, tests)],
                  repeats=30, adaptive=True, min_repeats=5)
    assert [r.key for r in ranked] == ["l", "q"]
    assert all(r.timing.repeats < 30 for r in ranked)  # clearly apart: no need for 30


def test_adaptive_keeps_repeating_while_order_is_unclear(sb):
    tests = _max_gain_tests()[:1]
    same = [Candidate("a", LINEAR, tests), Candidate("b", LINEAR + "\n", tests)]
    ranked = rank(sb, same, repeats=15, adaptive=True, min_repeats=5, round_repeats=5)
    assert all(r.timing.repeats == 15 for r in ranked)  # indistinguishable: up to the cap

"""The metrics against hand computation (the arithmetic is in the comments), edge cases included."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from effiskel import metrics as M

# ---------------------------------------------------------------------------- pass@k


def test_pass_at_k_by_hand():
    assert M.pass_at_k(5, 2, 1) == pytest.approx(0.4)  # 1 − C(3,1)/C(5,1) = 1 − 3/5
    assert M.pass_at_k(5, 2, 2) == pytest.approx(0.7)  # 1 − C(3,2)/C(5,2) = 1 − 3/10
    assert M.pass_at_k(5, 3, 3) == 1.0  # n − c = 2 < k = 3: every 3-subset holds a correct one
    assert M.pass_at_k(10, 0, 5) == 0.0
    # n = 1000, c = 1, k = 100: 1 − C(999,100)/C(1000,100) = 1 − 900/1000 (no huge binomials)
    assert M.pass_at_k(1000, 1, 100) == pytest.approx(0.1, abs=1e-12)


def test_pass_at_k_matches_the_binomial_definition():
    for n, c, k in itertools.product(range(1, 13), range(0, 13), range(1, 13)):
        if c <= n and k <= n:
            exact = 1 - math.comb(n - c, k) / math.comb(n, k)
            assert M.pass_at_k(n, c, k) == pytest.approx(exact, abs=1e-12), (n, c, k)


def test_pass_at_k_with_fewer_samples_than_k_is_absent():
    # HumanEval's estimator returns 1.0 for n=1, c=0, k=2 (n − c < k); we return no value.
    assert M.pass_at_k(1, 0, 2) is None
    assert M.pass_at_k(4, 4, 5) is None
    # One short task makes the method's pass@k absent, not an average over the other tasks.
    assert M.pass_at_k_per_task({"a": (5, 2), "b": (1, 1)}, 2) is None
    assert M.mean_pass_at_k({"a": (5, 2), "b": (1, 1)}, 2) is None


def test_pass_at_k_averaged_over_tasks():
    # a: 1 − 3/5 = 0.4; b: 0 correct → 0; mean 0.2
    assert M.pass_at_k_per_task({"a": (5, 2), "b": (5, 0)}, 1) == {"a": pytest.approx(0.4), "b": 0.0}
    assert M.mean_pass_at_k({"a": (5, 2), "b": (5, 0)}, 1) == pytest.approx(0.2)
    assert M.mean_pass_at_k({}, 1) is None


@pytest.mark.parametrize("n,c,k", [(3, 4, 1), (3, -1, 1), (3, 1, 0), (3.5, 1, 1)])
def test_pass_at_k_rejects_impossible_counts(n, c, k):
    with pytest.raises(ValueError):
        M.pass_at_k(n, c, k)


# ---------------------------------------------------------------------------- T, ER, AS


def test_fastest_correct_time():
    # Correct samples take 5 and 3 (and one was never timed); the wrong one's 1 does not count.
    assert M.fastest_correct_time([(True, 5.0), (False, 1.0), (True, 3.0), (True, None)]) == 3.0
    assert M.fastest_correct_time([(False, 1.0), (True, None)]) is None
    assert M.fastest_correct_time([]) is None
    with pytest.raises(ValueError, match="sample 1"):
        M.fastest_correct_time([(True, 5.0), (True, 0.0)])


def test_er_counts_method_wins_over_the_common_tasks_and_ties_apart():
    method = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}  # d: the baseline does not solve it
    baseline = {"a": 2.0, "b": 2.0, "c": 1.0, "e": 9.0}  # e: the method does not solve it
    # Common: a, b, c (N = 3). a: 2 > 1 win; b: 2 = 2 tie; c: 1 < 3 loss. ER = 1/3.
    er = M.efficiency_ratio(method=method, baseline=baseline)
    assert er == {"value": pytest.approx(1 / 3), "tasks": 3, "wins": 1, "ties": 1, "losses": 1}
    # The direction matters: the baseline "wins" only c against the method.
    assert M.efficiency_ratio(method=baseline, baseline=method)["wins"] == 1
    assert M.common_tasks(method, baseline) == ["a", "b", "c"]


def test_er_tie_tolerance():
    method, baseline = {"a": 1.0, "b": 1.04}, {"a": 1.05, "b": 1.0}
    # Exact (default): a is a win (1.05 > 1), b a loss.
    assert M.efficiency_ratio(method=method, baseline=baseline)["wins"] == 1
    # rel_tol 5 %: a: |1.05 − 1| = 0.05 <= 0.05 · 1.05; b: 0.04 <= 0.05 · 1.04: both ties.
    er = M.efficiency_ratio(method=method, baseline=baseline, rel_tol=0.05)
    assert (er["value"], er["wins"], er["ties"], er["losses"]) == (0.0, 0, 2, 0)


def test_no_common_solved_task_makes_er_and_as_absent_not_zero():
    method, baseline = {"a": 1.0}, {"b": 1.0}
    assert M.efficiency_ratio(method=method, baseline=baseline) is None
    assert M.average_speedup(method=method, baseline=baseline) is None
    assert M.paired_bootstrap(method=method, baseline=baseline) is None
    assert M.efficiency_ratio(method={}, baseline=baseline) is None


def test_a_a_identical_times_give_no_wins_all_ties_and_as_exactly_one():
    times = {f"t{i}": float(10 ** (i % 4)) * (1 + i / 7) for i in range(25)}
    er = M.efficiency_ratio(method=dict(times), baseline=times)
    assert (er["value"], er["wins"], er["ties"], er["losses"]) == (0.0, 0, 25, 0)
    as_ = M.average_speedup(method=dict(times), baseline=times)
    assert as_["value"] == 1.0 and as_["unwinsorized"] == 1.0
    ci = M.paired_bootstrap(method=dict(times), baseline=times, n_boot=300)
    assert ci == {"ER": [0.0, 0.0], "AS": [1.0, 1.0]}


def test_one_task():
    # T_b / T_m = 4 / 2 = 2; one value is its own 5th and 95th percentile.
    er = M.efficiency_ratio(method={"a": 2.0}, baseline={"a": 4.0})
    assert (er["value"], er["tasks"]) == (1.0, 1)
    assert M.average_speedup(method={"a": 2.0}, baseline={"a": 4.0})["value"] == 2.0
    assert M.paired_bootstrap(method={"a": 2.0}, baseline={"a": 4.0}, n_boot=50) == {
        "ER": [1.0, 1.0], "AS": [2.0, 2.0]}


def test_as_is_baseline_over_method_so_above_one_means_the_method_is_faster():
    # Ratios T_b / T_m: a = 4/2 = 2, b = 3/3 = 1. N = 2: P5 = 1 + 0.05 · (2 − 1) = 1.05,
    # P95 = 1.95; clipped [1.95, 1.05], mean 1.5 (= the plain mean: symmetric clipping).
    as_ = M.average_speedup(method={"a": 2.0, "b": 3.0}, baseline={"a": 4.0, "b": 3.0})
    assert as_["value"] == pytest.approx(1.5)
    assert as_["clip"] == [pytest.approx(1.05), pytest.approx(1.95)]
    slower = M.average_speedup(method={"a": 8.0}, baseline={"a": 4.0})
    assert slower["value"] == 0.5


def test_winsorization_clips_an_outlier():
    # 20 ratios: 19 × 1 and one 100. Sorted x0..x19; P95 sits at 0.95 · 19 = 18.05:
    # x18 + 0.05 (x19 − x18) = 1 + 0.05 · 99 = 5.95; P5 = 1. Winsorized mean
    # (19 · 1 + 5.95) / 20 = 1.2475; the plain mean (19 + 100) / 20 = 5.95 would differ.
    baseline = {f"t{i:02d}": 1.0 for i in range(20)}
    baseline["t19"] = 100.0
    method = {t: 1.0 for t in baseline}
    as_ = M.average_speedup(method=method, baseline=baseline)
    assert as_["value"] == pytest.approx(1.2475)
    assert as_["unwinsorized"] == pytest.approx(5.95)
    assert as_["clip"] == [pytest.approx(1.0), pytest.approx(5.95)]


def test_winsorize_interpolates_percentiles():
    # N = 3: P5 at position 0.1 → 1; P95 at 1.9 → x1 + 0.9 (x2 − x1) = 1 + 0.9 · 9 = 9.1
    assert M.winsorize([1.0, 10.0, 1.0]) == [1.0, pytest.approx(9.1), 1.0]
    assert M.winsorize([]) == []


def test_times_must_be_positive_and_errors_name_the_task():
    with pytest.raises(ValueError, match="'b'"):
        M.efficiency_ratio(method={"a": 1.0, "b": 0.0}, baseline={"a": 1.0, "b": 1.0})
    with pytest.raises(ValueError, match="'a'"):
        M.average_speedup(method={"a": 1.0}, baseline={"a": float("nan")})


# ---------------------------------------------------------------------------- bootstrap


def _pair(n_tasks: int, seed: int):
    """Tasks of very different difficulty (1000× apart); the method ~1.3× faster, noisily."""
    rng = np.random.default_rng(seed)
    base = np.exp(rng.uniform(0, np.log(1000), n_tasks))
    method = base / np.exp(rng.normal(np.log(1.3), 0.5, n_tasks))
    return ({f"t{i}": float(x) for i, x in enumerate(method)},
            {f"t{i}": float(x) for i, x in enumerate(base)})


def test_bootstrap_interval_contains_the_estimate_and_shrinks_with_more_tasks():
    widths = {}
    for n in (20, 400):
        method, baseline = _pair(n, seed=n)
        er = M.efficiency_ratio(method=method, baseline=baseline)["value"]
        as_ = M.average_speedup(method=method, baseline=baseline)["value"]
        ci = M.paired_bootstrap(method=method, baseline=baseline, seed=1)
        assert ci["ER"][0] <= er <= ci["ER"][1]
        assert ci["AS"][0] <= as_ <= ci["AS"][1]
        widths[n] = (ci["ER"][1] - ci["ER"][0], ci["AS"][1] - ci["AS"][0])
    # 20× the tasks: intervals ~√20 ≈ 4.5× narrower; ask for at least 2×.
    assert widths[400][0] < widths[20][0] / 2
    assert widths[400][1] < widths[20][1] / 2


def test_bootstrap_is_paired_and_seeded():
    # The method is exactly 2× faster on every task, whose difficulty spans 1000×. Resampling
    # tasks with the pair kept together gives AS = 2 in every replicate; resampling the two
    # methods' tasks independently (unpaired) would mix easy and hard tasks into the ratio.
    _, baseline = _pair(50, seed=3)
    method = {t: v / 2 for t, v in baseline.items()}
    ci = M.paired_bootstrap(method=method, baseline=baseline, n_boot=500)
    assert ci["AS"] == [pytest.approx(2.0), pytest.approx(2.0)]
    assert ci["ER"] == [1.0, 1.0]
    rng = np.random.default_rng(0)
    b, m = np.array(list(baseline.values())), np.array(list(method.values()))
    unpaired = [np.mean(b[rng.integers(0, 50, 50)] / m[rng.integers(0, 50, 50)]) for _ in range(500)]
    assert np.percentile(unpaired, 97.5) - np.percentile(unpaired, 2.5) > 1.0
    # Seeded: the same seed, the same interval; another seed, another.
    m2, b2 = _pair(30, seed=4)
    assert M.paired_bootstrap(method=m2, baseline=b2, seed=7) == M.paired_bootstrap(
        method=m2, baseline=b2, seed=7)
    assert M.paired_bootstrap(method=m2, baseline=b2, seed=7) != M.paired_bootstrap(
        method=m2, baseline=b2, seed=8)


def test_bootstrap_winsorizes_inside_each_resample():
    # 20 tasks, one with a 1000× ratio. Recompute each replicate by hand from the same
    # resampled indices (seeded numpy Generator, as the module documents) with `winsorize`.
    baseline = {f"t{i:02d}": 1.0 + i / 100 for i in range(20)}
    baseline["t07"] = 1000.0
    method = {t: 1.0 for t in baseline}
    n_boot, seed = 400, 5
    ci = M.paired_bootstrap(method=method, baseline=baseline, n_boot=n_boot, seed=seed)
    ratios = np.array([baseline[t] / method[t] for t in sorted(baseline)])
    idx = np.random.default_rng(seed).integers(0, 20, size=(n_boot, 20))
    by_hand = [np.mean(M.winsorize(ratios[row])) for row in idx]
    assert ci["AS"] == [pytest.approx(np.percentile(by_hand, 2.5)),
                        pytest.approx(np.percentile(by_hand, 97.5))]
    # Without winsorization a typical replicate holding the outlier once averages ~51; clipped
    # at that replicate's P95 it stays ~3.6. (A replicate that draws the outlier twice or more
    # keeps it: P95 then lies on a copy of it, so the upper bounds of both are alike.)
    raw = ratios[idx].mean(axis=1)
    assert np.median(by_hand) < 10 < 40 < np.median(raw)


def test_bootstrap_mean_ci_for_pass_at_1():
    per_task = M.pass_at_k_per_task({f"t{i}": (4, i % 5) for i in range(40)}, 1)
    value = M.mean_over_tasks(per_task)
    lo, hi = M.bootstrap_mean_ci(per_task, n_boot=1000)
    assert lo < value < hi and 0 <= lo and hi <= 1
    assert M.bootstrap_mean_ci({}) is None
    assert M.bootstrap_mean_ci({"a": 0.25}) == [0.25, 0.25]


# ---------------------------------------------------------------------------- Beyond@k


def test_beyond_at_k_by_hand():
    refs = {"a": [2.0, 4.0, 10.0], "b": [5.0, 5.0], "c": [1.0, 3.0]}
    samples = {
        # a: rt_min 2, rt_max 10. b = (10 − rt) / 8 with rt clamped to [2, 10]:
        # 3 → 7/8 = 0.875; failed (∞ → 10) → 0; 1 (beats every reference → 2) → 1; 12 → 0.
        "a": [3.0, None, 1.0, 12.0],
        "b": [5.0, 5.0, 5.0, 5.0],  # references without spread: b would be 0/0
        "c": [2.0, 2.0, 2.0, 2.0],  # rt_min 1, rt_max 3: (3 − 2) / 2 = 0.5 each
        "d": [1.0, 1.0, 1.0, 1.0],  # no reference at all
    }
    b1 = M.beyond_at_k(samples, refs, 1)
    assert b1["per_task"] == {"a": 0.875, "c": 0.5}
    assert b1["value"] == pytest.approx((0.875 + 0.5) / 2)  # 0.6875
    assert set(b1["excluded"]) == {"b", "d"} and "0/0" in b1["excluded"]["b"]
    # The harness's estimate_beyond_at_k: mean over tasks of sum(b[:k]) / k.
    b2 = M.beyond_at_k(samples, refs, 2)  # a: (0.875 + 0) / 2 = 0.4375; c: 0.5
    assert b2["value"] == pytest.approx((0.4375 + 0.5) / 2)
    b4 = M.beyond_at_k(samples, refs, 4)  # a: (0.875 + 0 + 1 + 0) / 4 = 0.46875
    assert b4["per_task"]["a"] == pytest.approx(0.46875)
    assert M.beyond_at_k(samples, refs, 5) is None  # n = 4 < k = 5
    assert M.beyond_at_k({"b": [5.0]}, refs, 1) is None  # no task can be scored


# ---------------------------------------------------------------------------- ENAMEL


def test_hodges_lehmann_by_hand():
    # Walsh averages (i <= j) of [1, 2, 10]: 1, 1.5, 5.5, 2, 6, 10 → sorted 1, 1.5, 2, 5.5,
    # 6, 10 → median (2 + 5.5) / 2 = 3.75 (mean 4.33, median 2).
    assert M.hodges_lehmann([1.0, 2.0, 10.0]) == pytest.approx(3.75)
    assert M.hodges_lehmann([4.0]) == 4.0


# Reference robust case times per level (hardness 0, 3, 3, 4): the slowest per hard level are
# 2, 3, 5, so the time limit is T = 2 · 5 = 10.
REF = [[0.1], [1.0, 2.0], [2.0, 3.0], [4.0, 5.0]]


def test_enamel_sample_score_by_hand():
    sample = [[9.0], [1.0, 1.0], [4.0, 6.0], [8.0, 5.0]]
    # e1 = (10 − 1) / (10 − 2) = 1.125 (faster than the reference: > 1);
    # e2 = (10 − 6) / (10 − 3) = 4/7; e3 = (10 − 8) / (10 − 5) = 0.4; level 0 weighs 0.
    # score = (3 · 1.125 + 3 · 4/7 + 4 · 0.4) / 10 = 0.668928…
    assert M.enamel_sample_score(sample, REF) == pytest.approx((3.375 + 12 / 7 + 1.6) / 10)
    # A time-out at level 2 zeroes levels 2 and 3: 3 · 1.125 / 10
    assert M.enamel_sample_score(sample[:2], REF, outcome="timeout") == pytest.approx(0.3375)
    # A time-out at level 0 (nothing completed), a wrong answer: 0
    assert M.enamel_sample_score([], REF, outcome="timeout") == 0.0
    assert M.enamel_sample_score(sample, REF, outcome="wrong") == 0.0
    # Slower than T on level 3 but within ENAMEL's tolerance (no time-out): e3 = max(0, −1) = 0
    slow = sample[:3] + [[11.0]]
    assert M.enamel_sample_score(slow, REF) == pytest.approx((3.375 + 12 / 7) / 10)


def test_enamel_sample_score_rejects_inconsistent_levels():
    with pytest.raises(ValueError, match="completes every level"):
        M.enamel_sample_score([[1.0]], REF)  # "passed" with one level of four
    with pytest.raises(ValueError, match="every level completed"):
        M.enamel_sample_score([[1.0]] * 4, REF, outcome="timeout")
    with pytest.raises(ValueError, match="reference levels"):
        M.enamel_sample_score([[1.0]] * 3, REF[:3])


def test_eff_at_k_by_hand_and_by_enumeration():
    scores = [0.2, 0.8, 0.5]
    assert M.eff_at_k(scores, 1) == pytest.approx(0.5)  # the mean
    # k = 2: sorted 0.2, 0.5, 0.8; weights C(r−1, 1) / C(3, 2) for r = 2, 3: 1/3, 2/3 →
    # 0.5/3 + 0.8 · 2/3 = 0.7 = mean of the pairs' maxima (0.8, 0.5, 0.8).
    assert M.eff_at_k(scores, 2) == pytest.approx(0.7)
    assert M.eff_at_k(scores, 3) == pytest.approx(0.8)
    assert M.eff_at_k(scores, 4) is None
    rng = np.random.default_rng(0)
    for n in range(1, 9):
        e = list(rng.random(n) * 1.3)
        for k in range(1, n + 1):
            best = [max(c) for c in itertools.combinations(e, k)]
            assert M.eff_at_k(e, k) == pytest.approx(np.mean(best), abs=1e-12)
    assert M.eff_at_k_per_task({"a": [0.2, 0.8], "b": [0.4]}, 2) is None
    assert M.eff_at_k_per_task({"a": [0.2, 0.8], "b": [0.4]}, 1) == {"a": pytest.approx(0.5), "b": 0.4}


def test_matches_enams_own_formulas():
    """ENAMEL's evaluator itself, when installed (a benchmark-only dependency of the project)."""
    pytest.importorskip("enam")
    from enam.evaluate import Refs, Test, calc_eff, calc_eff_at_k, calc_exec_time, calc_pass_at_k

    rng = np.random.default_rng(2)
    for _ in range(200):
        n = int(rng.integers(1, 25))
        k, c = int(rng.integers(1, n + 1)), int(rng.integers(0, n + 1))
        e = rng.random(n) * 1.5
        assert M.eff_at_k(list(e), k) == pytest.approx(calc_eff_at_k(e, k), abs=1e-12)
        assert M.pass_at_k(n, c, k) == pytest.approx(calc_pass_at_k(n, c, k), abs=1e-12)
        ts = list(rng.random(int(rng.integers(1, 10))))
        assert M.hodges_lehmann(ts) == pytest.approx(calc_exec_time(ts))
    # Evaluator.evaluate1's tail, built from enam's own Refs and calc_eff.
    hardness = list(M.ENAMEL_HARDNESS)
    refs = Refs([(0, [Test(ref=t) for t in level]) for level in REF], hardness)
    sample = [[9.0], [1.0, 1.0], [4.0, 6.0], [8.0, 5.0]]
    timeout = M.ENAMEL_TIMEOUT_FACTOR * refs.ref_max
    effs = [calc_eff(elapsed=max(lv), ref=refs.refs[j], timeout=timeout) for j, lv in enumerate(sample)]
    assert M.enamel_sample_score(sample, REF) == pytest.approx(np.average(effs, weights=hardness))


# ---------------------------------------------------------------------------- EffiBench


def test_effibench_normalized_by_hand():
    # a: correct samples 2× and 4× the canonical → 3; b: 0.5; NET = (3 + 0.5) / 2 = 1.75.
    res = M.effibench_normalized({"a": [(2.0, 1.0), (4.0, 1.0)], "b": [(1.0, 2.0)], "c": []})
    assert res == {"value": pytest.approx(1.75), "tasks": 2, "per_task": {"a": 3.0, "b": 0.5}}
    assert M.effibench_normalized({"c": []}) is None
    with pytest.raises(ValueError, match="'a'"):
        M.effibench_normalized({"a": [(2.0, 0.0)]})


def test_outputs_are_json_serialisable():
    method, baseline = _pair(10, seed=9)
    out = [M.efficiency_ratio(method=method, baseline=baseline),
           M.average_speedup(method=method, baseline=baseline),
           M.paired_bootstrap(method=method, baseline=baseline, n_boot=50),
           M.beyond_at_k({"a": [1.5, None]}, {"a": [1.0, 2.0]}, 2),
           M.eff_at_k([0.1, 0.2], 2), M.pass_at_k_per_task({"a": (3, 1)}, 2),
           M.effibench_normalized({"a": [(2.0, 1.0)]})]
    assert json.loads(json.dumps(out, allow_nan=False)) == out
    assert all(type(v) is float for v in (out[0]["value"], out[1]["value"], out[4]))

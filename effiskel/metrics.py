"""The evaluation metrics of §4.2 and of the benchmarks we compare on (PAPER_NOTES, "Evaluation").

Pure functions over plain Python values: task ids are strings, times are positive finite
floats in one unit per call (the `results` table uses nanoseconds), and every output is
a float, an int, a list or a dict of those, ready for `json.dump`. A metric that cannot be
computed from its input is `None` ("absent"), never 0: no common solved task for ER/AS,
fewer samples than k for pass@k, Beyond@k and eff@k.

Direction, fixed once for the whole module: the paper's ER(1 vs 2) and AS(1 vs 2) put the
baseline first (T¹) and the method second (T²), so ER is "the fraction of common tasks
where the method is faster than the baseline" and AS > 1 means the method is faster
(§4.2: "An AS value greater than 1 indicates that the model associated with T² generates
more efficient code"; Table 3 reads "AS 1.47 against EffiCoder*"). Both functions take
`method=` and `baseline=` as keywords only, so a call site cannot swap them silently.

Confidence intervals are paired percentile bootstraps over tasks: one matrix of resampled
task indices (seeded, `B` × N) is drawn per task list, and every statistic computed on
that list — ER and AS of a pair, the pass@1 of each method over the same tasks — reads the
same rows of it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

# ENAMEL's defaults (enam 0.2.0, its README and paper): level 0 checks correctness only.
ENAMEL_HARDNESS = (0.0, 3.0, 3.0, 4.0)
ENAMEL_TIMEOUT_FACTOR = 2.0


# ---------------------------------------------------------------------------- checks


def _check_time(value: float, what: str) -> float:
    x = float(value)
    if not math.isfinite(x) or x <= 0:
        raise ValueError(
            f"{what}: time {value!r} is not a positive finite number; a timed run always takes "
            "some time, so drop or re-time this row before computing metrics"
        )
    return x


def _check_times(times: Mapping[str, float], who: str) -> dict[str, float]:
    return {str(t): _check_time(v, f"{who} task {t!r}") for t, v in times.items()}


def _check_k(k: int) -> int:
    if int(k) != k or k < 1:
        raise ValueError(f"k={k!r}: k must be a positive integer")
    return int(k)


# ---------------------------------------------------------------------------- pass@k


def pass_at_k(n: int, c: int, k: int) -> float | None:
    """Unbiased pass@k of one task: 1 − C(n−c, k) / C(n, k) (Chen et al. 2021).

    Computed in HumanEval's numerically stable product form (`human_eval.evaluation.
    estimate_pass_at_k`): 1 − Π_{i=n−c+1..n} (1 − k/i), and 1.0 when n − c < k.
    n < k: `None`. The estimator needs k distinct samples out of n; HumanEval's code would
    return 1.0 there whenever n − c < k (e.g. n = 1, c = 0, k = 2), which is wrong, so the
    metric is absent instead (as ENAMEL and the BigCode harness only report k ≤ n).
    """
    k = _check_k(k)
    if int(n) != n or int(c) != c or not 0 <= c <= n:
        raise ValueError(f"pass_at_k(n={n!r}, c={c!r}): need integers with 0 <= c <= n")
    n, c = int(n), int(c)
    if n < k:
        return None
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def pass_at_k_per_task(counts: Mapping[str, tuple[int, int]], k: int) -> dict[str, float] | None:
    """{task: pass@k} from {task: (n samples, c correct)}; `None` if any task has n < k.

    One short task makes the whole method's pass@k absent rather than averaging over the
    tasks that happen to have enough samples, which would change what is measured.
    """
    out = {}
    for task, (n, c) in counts.items():
        p = pass_at_k(n, c, k)
        if p is None:
            return None
        out[str(task)] = p
    return out


def mean_pass_at_k(counts: Mapping[str, tuple[int, int]], k: int) -> float | None:
    """pass@k averaged over tasks (each task weighs the same); `None` as `pass_at_k_per_task`."""
    return mean_over_tasks(pass_at_k_per_task(counts, k))


def mean_over_tasks(per_task: Mapping[str, float] | None) -> float | None:
    """Plain mean of per-task values; `None` for `None` or no task."""
    if not per_task:
        return None
    return float(np.mean([float(v) for v in per_task.values()]))


# ---------------------------------------------------------------------------- T, ER, AS


def fastest_correct_time(samples: Iterable[tuple[bool, float | None]]) -> float | None:
    """The paper's T of one task and method: the time of its fastest correct sample.

    `samples`: (correct, time) per sample; time is the sample's T = mean over inputs of the
    mean over repeats (§4.2). Incorrect samples and correct ones without a time (never
    timed) do not count; `None` when no correct sample has a time (the task is unsolved).
    """
    best = None
    for i, (correct, time) in enumerate(samples):
        if not correct or time is None:
            continue
        t = _check_time(time, f"sample {i}")
        best = t if best is None else min(best, t)
    return best


def common_tasks(method: Mapping[str, float], baseline: Mapping[str, float]) -> list[str]:
    """Tasks both methods solve (have a T for), sorted: the N tasks of ER and AS."""
    return sorted(set(map(str, method)) & set(map(str, baseline)))


def _pairs(method, baseline):
    m = _check_times(method, "method")
    b = _check_times(baseline, "baseline")
    tasks = common_tasks(m, b)
    return tasks, np.array([m[t] for t in tasks]), np.array([b[t] for t in tasks])


def _outcomes(t_method: np.ndarray, t_base: np.ndarray, rel_tol: float):
    """(wins, ties) as 0/1 arrays: a win is the baseline slower beyond the tolerance."""
    if not rel_tol >= 0:
        raise ValueError(f"rel_tol={rel_tol!r}: the tie tolerance must be >= 0")
    ties = np.abs(t_base - t_method) <= rel_tol * np.maximum(t_base, t_method)
    wins = (t_base > t_method) & ~ties
    return wins.astype(float), ties.astype(float)


def efficiency_ratio(
    *, method: Mapping[str, float], baseline: Mapping[str, float], rel_tol: float = 0.0
) -> dict | None:
    """ER: the fraction of common tasks where the method is faster than the baseline.

    ER(baseline vs method) = (1/N) Σ_i 1(T_baseline,i > T_method,i) over the N tasks both
    solve (§4.2; the paper's T¹ is the baseline, T² the method). `method` and `baseline`
    map task → T (solved tasks only). A tie — |T_b − T_m| ≤ rel_tol · max(T_b, T_m); the
    default 0 means exactly equal — is no win; ties stay in N and are counted apart, so
    wins + ties + losses = N and an A/A comparison of identical times gives 0 wins and N
    ties. Returns {"value", "tasks": N, "wins", "ties", "losses"}, or `None` when the two
    methods solve no task in common (ER is undefined there, not 0).
    """
    tasks, t_m, t_b = _pairs(method, baseline)
    if not tasks:
        return None
    wins, ties = _outcomes(t_m, t_b, rel_tol)
    n_w, n_t = int(wins.sum()), int(ties.sum())
    return {"value": n_w / len(tasks), "tasks": len(tasks), "wins": n_w, "ties": n_t,
            "losses": len(tasks) - n_w - n_t}


def winsorize(values: Sequence[float], lower_pct: float = 5.0,
              upper_pct: float = 95.0) -> list[float]:
    """Clip values to their own [P_lower, P_upper] percentiles.

    Percentiles are numpy's default (linear interpolation between order statistics,
    Hyndman–Fan type 7), so with few values the bounds fall between the extremes and pull
    them in even without an outlier: for N = 3, P95 = x₍₂₎ + 0.9 (x₍₃₎ − x₍₂₎).
    """
    if not 0 <= lower_pct <= upper_pct <= 100:
        raise ValueError(f"percentiles ({lower_pct}, {upper_pct}): need 0 <= lower <= upper <= 100")
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return []
    lo, hi = np.percentile(x, [lower_pct, upper_pct])
    return [float(v) for v in np.clip(x, lo, hi)]


def average_speedup(
    *, method: Mapping[str, float], baseline: Mapping[str, float],
    lower_pct: float = 5.0, upper_pct: float = 95.0,
) -> dict | None:
    """AS: mean over the common tasks of T_baseline / T_method, winsorized; > 1 = method faster.

    AS(baseline vs method) = (1/N) Σ_i T_baseline,i / T_method,i over the N tasks both
    solve, the N ratios winsorized at their 5th and 95th percentiles before averaging (§4.2;
    see `winsorize`). Returns {"value", "tasks": N, "unwinsorized": the plain mean,
    "clip": [lower, upper] bounds applied}, or `None` when no task is solved by both.
    """
    tasks, t_m, t_b = _pairs(method, baseline)
    if not tasks:
        return None
    ratios = t_b / t_m
    lo, hi = np.percentile(ratios, [lower_pct, upper_pct])
    clipped = winsorize(ratios, lower_pct, upper_pct)
    return {"value": float(np.mean(clipped)), "tasks": len(tasks),
            "unwinsorized": float(np.mean(ratios)), "clip": [float(lo), float(hi)]}


def speedups(*, method: Mapping[str, float], baseline: Mapping[str, float]) -> dict[str, float]:
    """{task: T_baseline / T_method} over the common tasks, not winsorized (for plots)."""
    tasks, t_m, t_b = _pairs(method, baseline)
    return {t: float(r) for t, r in zip(tasks, t_b / t_m)}


# ---------------------------------------------------------------------------- bootstrap


def _resample(n: int, n_boot: int, seed: int) -> np.ndarray:
    """[n_boot, n] task indices drawn with replacement; the same for the same (n, seed)."""
    if n_boot < 1:
        raise ValueError(f"n_boot={n_boot!r}: need at least one bootstrap replicate")
    return np.random.default_rng(seed).integers(0, n, size=(n_boot, n))


def _interval(stats: np.ndarray, level: float) -> list[float]:
    if not 0 < level < 1:
        raise ValueError(f"level={level!r}: a confidence level is between 0 and 1")
    lo, hi = np.percentile(stats, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
    return [float(lo), float(hi)]


def paired_bootstrap(
    *, method: Mapping[str, float], baseline: Mapping[str, float],
    n_boot: int = 2000, seed: int = 0, level: float = 0.95, rel_tol: float = 0.0,
    lower_pct: float = 5.0, upper_pct: float = 95.0,
) -> dict | None:
    """Percentile bootstrap intervals of ER and AS: {"ER": [lo, hi], "AS": [lo, hi]}.

    The N common tasks are resampled with replacement, each replicate keeping every task's
    pair (T_baseline, T_method) together, so both methods see the same resample. Each
    replicate recomputes the point estimate exactly: ER with the same tie rule, AS with the
    winsorization bounds recomputed from that replicate's ratios. `None` without a common
    task. The interval is conditional on the set of commonly solved tasks, which is what
    the point estimate is defined over.
    """
    tasks, t_m, t_b = _pairs(method, baseline)
    if not tasks:
        return None
    idx = _resample(len(tasks), n_boot, seed)
    wins, _ = _outcomes(t_m, t_b, rel_tol)
    ratios = (t_b / t_m)[idx]
    lo, hi = np.percentile(ratios, [lower_pct, upper_pct], axis=1)
    as_stats = np.clip(ratios, lo[:, None], hi[:, None]).mean(axis=1)
    return {"ER": _interval(wins[idx].mean(axis=1), level), "AS": _interval(as_stats, level)}


def bootstrap_mean_ci(
    per_task: Mapping[str, float] | None, *, n_boot: int = 2000, seed: int = 0,
    level: float = 0.95,
) -> list[float] | None:
    """Percentile bootstrap interval of the mean over tasks of a per-task value (pass@k,
    Beyond@k, eff@k, NET, …): tasks resampled with replacement.

    Tasks are taken in sorted order, so two methods scored on the same task list get the
    same resample for the same seed (the paired bootstrap of their pass@1). `None` for no task.
    """
    if not per_task:
        return None
    tasks = sorted(per_task)
    values = np.array([float(per_task[t]) for t in tasks])
    return _interval(values[_resample(len(tasks), n_boot, seed)].mean(axis=1), level)


# ---------------------------------------------------------------------------- Mercury


def beyond_at_k(
    sample_runtimes: Mapping[str, Sequence[float | None]],
    reference_runtimes: Mapping[str, Sequence[float]],
    k: int,
) -> dict | None:
    """Mercury's Beyond@k as the BigCode harness computes it.

    Source: bigcode-evaluation-harness, `bigcode_eval/tasks/custom_metrics/beyond_eval.py`,
    `compute_beyond_eval` and `estimate_beyond_at_k`. Per task: rt_min and rt_max are the
    fastest and slowest runtimes of the task's correct reference solutions
    (`reference_runtimes[task]`); a sample's runtime is its time if it passed, ∞ if not
    (`None` in `sample_runtimes[task]`, listed in sample order); it is clamped to
    [rt_min, rt_max] and scored b = (rt_max − rt) / (rt_max − rt_min) ∈ [0, 1]. A task's
    Beyond@k is the mean b of its first k samples; Beyond@k the mean over tasks.
    Sample and reference runtimes must be measured the same way (same unit, same timer).

    `None` if any task has fewer than k samples (the harness reports only k ≤ every
    task's n) or no task can be scored. A task without a correct reference, or whose
    references all take the same time (rt_max = rt_min, where the harness divides by
    zero), cannot be scored: it is left out and named in "excluded" with the reason.
    Returns {"value", "tasks", "per_task": {task: b}, "excluded": {task: reason}}.
    """
    k = _check_k(k)
    if any(len(s) < k for s in sample_runtimes.values()):
        return None
    per_task, excluded = {}, {}
    for task, samples in sample_runtimes.items():
        task = str(task)
        refs = [_check_time(r, f"reference of task {task!r}") for r in reference_runtimes.get(task, ())]
        if not refs:
            excluded[task] = "no correct reference solution with a runtime"
            continue
        rt_min, rt_max = min(refs), max(refs)
        if rt_max == rt_min:
            excluded[task] = (f"the reference solutions' runtimes do not spread (all {rt_min:g}); "
                              "b = (rt_max - rt) / (rt_max - rt_min) is 0/0")
            continue
        bs = []
        for i, s in enumerate(samples[:k]):
            rt = math.inf if s is None else _check_time(s, f"task {task!r} sample {i}")
            rt = max(min(rt, rt_max), rt_min)
            bs.append((rt_max - rt) / (rt_max - rt_min))
        per_task[task] = sum(bs) / k
    if not per_task:
        return None
    return {"value": mean_over_tasks(per_task), "tasks": len(per_task), "per_task": per_task,
            "excluded": excluded}


# ---------------------------------------------------------------------------- ENAMEL


def hodges_lehmann(times: Sequence[float]) -> float:
    """ENAMEL's robust time of one test case over its repeats: the Hodges–Lehmann estimator,
    the median of all Walsh averages (t_i + t_j)/2 with i ≤ j (the pair i = j included).

    Matches `enam.evaluate.calc_exec_time` (enam 0.2.0).
    """
    t = np.asarray(times, dtype=float) / 2.0
    if t.size == 0:
        raise ValueError("hodges_lehmann: no repeat times given for this test case")
    walsh = (t[None, :] + t[:, None])[np.tril_indices(t.size)]
    return float(np.median(walsh))


def enamel_sample_score(
    level_times: Sequence[Sequence[float]],
    reference_level_times: Sequence[Sequence[float]],
    *, outcome: str = "passed", hardness: Sequence[float] = ENAMEL_HARDNESS,
    timeout_factor: float = ENAMEL_TIMEOUT_FACTOR,
) -> float:
    """ENAMEL's efficiency score e of one sample on one problem (what eff@k averages).

    Matches `enam.evaluate.Evaluator.evaluate1` with `Refs` and `calc_eff` (enam 0.2.0):
    - `reference_level_times[j]`: the reference solution's robust time (`hodges_lehmann`)
      of each test case of level j. t_ref,j = its slowest case; the time limit is
      T = α · max_j t_ref,j over the levels with hardness > 0 (α = `timeout_factor`, 2).
    - `level_times[j]`: the sample's robust time of each case of level j, for the levels it
      completed, in order.
    - e_j = max(0, T − t_j) / (T − t_ref,j), t_j the sample's slowest case of level j
      (e_j > 1 when the sample beats the reference); e_j = 0 for a level of hardness 0.
    - `outcome`: "passed" (every level completed), "timeout" (a time-out, memory error or
      overflow at level len(level_times): that level and every later one score 0, and one at
      level 0 scores 0 overall) or "wrong" (a wrong answer or any other error: 0).
    - score = Σ_j h_j e_j / Σ_j h_j, the hardness-weighted mean (`np.average(weights=)`).
    ENAMEL runs a case with the limit T + tolerance (0.01 s), so a case slower than T but
    within the tolerance is not a time-out; it just scores e_j = 0.
    """
    h = [float(x) for x in hardness]
    n_levels = len(h)
    if len(reference_level_times) != n_levels or sum(h) <= 0 or min(h) < 0:
        raise ValueError(
            f"enamel_sample_score: {len(reference_level_times)} reference levels for hardness {h}; "
            "give one list of reference case times per level and non-negative weights with a "
            "positive sum")
    if not timeout_factor > 1:
        raise ValueError(f"timeout_factor={timeout_factor!r}: the time limit must exceed the "
                         "reference's slowest case (ENAMEL uses 2)")
    if outcome not in ("passed", "timeout", "wrong"):
        raise ValueError(f"outcome={outcome!r}: expected 'passed', 'timeout' or 'wrong'")
    if outcome == "wrong":
        return 0.0
    completed = len(level_times)
    if (outcome == "passed" and completed != n_levels) or completed > n_levels:
        raise ValueError(
            f"enamel_sample_score: {completed} completed levels of {n_levels} with outcome "
            f"{outcome!r}; a passed sample completes every level, a timed-out one fewer")
    if outcome == "timeout" and completed == n_levels:
        raise ValueError("enamel_sample_score: outcome 'timeout' but every level completed")
    ref_max = {j: max(_check_time(t, f"reference level {j}") for t in reference_level_times[j])
               for j in range(n_levels) if h[j] > 0}
    limit = timeout_factor * max(ref_max.values())
    effs = [0.0] * n_levels  # levels not completed (a time-out at level 0: all) stay 0
    for j in range(completed):
        if h[j] > 0:
            t_j = max(_check_time(t, f"level {j}") for t in level_times[j])
            effs[j] = max(0.0, limit - t_j) / (limit - ref_max[j])
    return float(np.average(effs, weights=h))


def eff_at_k(scores: Sequence[float], k: int) -> float | None:
    """ENAMEL's unbiased eff@k of one problem from its n samples' scores e.

    eff@k = Σ_{r=k..n} C(r−1, k−1) / C(n, k) · e_(r), with e_(1) ≤ … ≤ e_(n) the scores
    sorted ascending: the expected best score of k samples drawn without replacement (the
    Rao–Blackwellized estimator of ENAMEL's paper). Computed as `enam.evaluate.
    calc_eff_at_k` does (enam 0.2.0): the weight of e_(n) is k/n and each lower rank's
    weight is the next one's × (1 − (k−1)/r), so no binomial is ever formed. `None` for n < k.
    """
    k = _check_k(k)
    e = np.sort(np.asarray(scores, dtype=float))
    n = e.size
    if n < k:
        return None
    weights = [k / n]
    for r in range(n - 1, k - 1, -1):
        weights.append(weights[-1] * (1 - (k - 1) / r))
    return float((np.flip(np.array(weights)) * e[k - 1:]).sum())


def eff_at_k_per_task(scores: Mapping[str, Sequence[float]], k: int) -> dict[str, float] | None:
    """{task: eff@k} from {task: [sample scores]}; `None` if any task has n < k.

    ENAMEL's eff@k of a method is the plain mean of these over its problems (`Evaluator.
    evaluate`, which likewise reports only k ≤ every problem's n).
    """
    out = {}
    for task, s in scores.items():
        v = eff_at_k(s, k)
        if v is None:
            return None
        out[str(task)] = v
    return out


# ---------------------------------------------------------------------------- EffiBench


def effibench_normalized(pairs: Mapping[str, Sequence[tuple[float, float]]]) -> dict | None:
    """EffiBench's NET (times) or NMU (peak memory): a correct sample's value ÷ the
    canonical solution's, per task, then averaged over tasks.

    NET = (1/N) Σ_i T_code,i / T_canonical,i and NMU = (1/N) Σ_i MU_code,i / MU_canonical,i
    (EffiBench, Huang et al. 2024, arXiv:2402.02037, its efficiency metrics), over the N tasks with a correct sample: EffiBench
    measures efficiency on correct code only. `pairs[task]`: (sample value, canonical value)
    for each correct sample of the task (the canonical one as timed beside it). EffiBench
    has one (greedy) sample per task; with several, a task's ratio is the mean over its
    correct samples, so each task still weighs the same. Lower is better; 1 = the canonical.
    (EffiBench's `src/report_overhead.py` prints the ratio of the totals, Σ T_code /
    Σ T_canonical, under the same name; we follow the paper's formula.)
    Returns {"value", "tasks", "per_task"}; `None` when no task has a correct sample.
    """
    per_task = {}
    for task, ps in pairs.items():
        ratios = [_check_time(s, f"task {task!r} sample") / _check_time(c, f"task {task!r} canonical")
                  for s, c in ps]
        if ratios:
            per_task[str(task)] = float(np.mean(ratios))
    if not per_task:
        return None
    return {"value": mean_over_tasks(per_task), "tasks": len(per_task), "per_task": per_task}

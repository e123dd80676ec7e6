"""Evaluation per task (§4.2): judge every sample, time the correct ones beside the reference.

Row functions over one task, its source's solutions and every method's samples of it;
`data_pipeline/evaluate.py` maps them over the tasks with Ray. For one task:

1. The task's expected outputs, where its source ships inputs only (EvalPlus, ENAMEL),
   come from its reference solution (`profile.fill_expected_outputs`, as Stage 1).
2. `references`: the reference solution(s) checked on every test: the one the source
   names first (metadata `reference_solution_id`), then the task's other solutions in
   source order, until `references` correct ones are found.
3. Every sample with a program is judged on all the task's tests in one sandbox child
   (`Sandbox.check`); a sample without one is a row whose verdict says so.
4. The correct samples of every method and the references are timed *interleaved*
   (`timing.schedule`: in each round, each input, every candidate once, in a rotating
   order) on the task's `timed_tests` largest inputs, `repeat` runs each, so the host's
   slow and fast phases fall on every method alike. Samples and references run in two
   sandbox servers pinned to the same CPU: a forked child can read the memory of the
   server it came from, where freed bytes of earlier requests linger, so the reference
   (whose outputs are the expected ones) never passes through the samples' server.
5. One `results` row per sample: verdict, the paper's T and the robust level, peak
   memory, the reference's T beside it, and ENAMEL's efficiency score on ENAMEL tasks.
"""

from __future__ import annotations

import json
import math
import re

from effiskel import metrics
from effiskel.profile import candidate, fill_expected_outputs
from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict
from effiskel.schema import RESULTS, empty_row
from effiskel.tasks.reasons import reason_kind
from effiskel.timing import Candidate, schedule, timings

# Verdicts of samples that never reached the sandbox (the sandbox's own are Verdict's).
NO_PROGRAM = "NO_PROGRAM"  # the completion held no program: a failed sample
GEN_ERROR = "GEN_ERROR"  # generation itself failed (e.g. a prompt over the context): failed
SKIP = "SKIP"  # not run; status says whose fault (skipped: nobody's; error: the input's)

ENAMEL_TOLERANCE_NS = 1e7  # ENAMEL runs a case with the limit T + 0.01 s


def tests_of(task: dict) -> list[TestCase]:
    return [TestCase(t["input"], t["output"]) for t in task.get("tests") or []]


def timed_indices(task: dict, n: int | None) -> list[int]:
    """The tests samples are timed on: the `n` largest inputs (all when None), in test order."""
    tests = task.get("tests") or []
    if n is None or n >= len(tests):
        return list(range(len(tests)))
    biggest = sorted(range(len(tests)), key=lambda i: (-len(tests[i]["input"]), i))[:n]
    return sorted(biggest)


def _metadata(task: dict | None) -> dict:
    try:
        return json.loads((task or {}).get("metadata") or "{}")
    except json.JSONDecodeError:
        return {}


# ----------------------------------------------------------------------------- rows
def result_row(sample: dict, source: str | None, verdict: str, status: str = "ok",
               reason: str | None = None) -> dict:
    row = empty_row(RESULTS)
    row.update(task_id=sample.get("task_id"), method=sample.get("method"),
               sample_id=sample.get("sample_id"), source=source, verdict=verdict,
               status=status, reason=reason, code=sample.get("code"),
               input=sample.get("input"))
    return row


def program_of(sample: dict, task: dict | None) -> str | None:
    """The program a sample runs: its code, or for an EvalPlus `{"task_id", "completion"}`
    line (status ok, no code, a completion: samples_io) the task's prompt followed by the
    completion, as EvalPlus builds it."""
    if sample.get("code"):
        return sample["code"]
    if sample.get("status") == "ok" and sample.get("completion") is not None and task:
        return (task.get("prompt") or "") + sample["completion"]
    return None


def unjudged_row(sample: dict, source: str | None, program: str | None) -> dict | None:
    """The row of a sample that has no program to run, or None when it has one."""
    status = sample.get("status")
    if status == "ok" and program:
        return None
    why = sample.get("reason")
    if status == "ok":
        return result_row(sample, source, NO_PROGRAM, reason=why or "the sample has no code")
    if status == "no_program":
        return result_row(sample, source, NO_PROGRAM, reason=why)
    if status == "error":
        return result_row(sample, source, GEN_ERROR, reason=why)
    if status == "skipped":  # generate's unusable task: nobody's fault
        return result_row(sample, source, SKIP, "skipped", why)
    return result_row(sample, source, SKIP, "error", f"sample status {status!r}: {why}")


def skipped_rows(samples: list[dict], source: str | None, reason: str) -> list[dict]:
    """Every sample of a task that cannot be evaluated (nobody's fault: compare leaves it out)."""
    rows = []
    for s in samples:
        row = unjudged_row(s, source, s.get("code"))
        if row is None or row["status"] == "ok":
            row = result_row(s, source, SKIP, "skipped", reason)
        rows.append(row)
    return rows


def reason_head(reason: str | None) -> str:
    """A reason's kind, for counting rows: its first clause, with quoted names and numbers
    blurred ("test N", "task unusable", "a.jsonl line N")."""
    head = re.sub(r"'[^']*'", "'…'", reason_kind(reason))
    return re.sub(r"\d+", "N", head)[:60].strip()


# ----------------------------------------------------------------------------- one task
def evaluate_task(task: dict, solutions: list[dict], samples: list[dict], *,
                  sample_box: Sandbox, ref_box: Sandbox, repeat: int = 6,
                  timed_tests: int | None = 20, references: int = 1,
                  repeat_mode: str = "fork", time_limit_factor: float | None = None,
                  min_time_limit_s: float = 1.0) -> list[dict]:
    """One `results` row per sample of `samples` (in their order); see the module docstring.

    `samples`: rows of the SAMPLES schema (task_id, method, sample_id, code, status, reason,
    and `input`, where it came from) of this task, every method's. `time_limit_factor`:
    each sample's per-test CPU limit is this many times the reference's slowest timed test
    (one run), at least `min_time_limit_s`, at most the sandbox's own limit (EvalPlus: 4x,
    at least 1 s; ENAMEL: 2x); None keeps the sandbox's limit for every task."""
    source = task.get("source")
    if task.get("status") != "ok":
        return skipped_rows(samples, source, f"task unusable: {task.get('reason')}")
    task = fill_expected_outputs(ref_box, task, solutions)
    if task.get("status") != "ok":
        return skipped_rows(samples, source, f"task unusable: {task.get('reason')}")
    tests = tests_of(task)
    if not tests:
        return skipped_rows(samples, source, "task has no tests")

    refs, ref_note = _references(task, solutions, tests, ref_box, references)
    idx = timed_indices(task, timed_tests)
    limits = _sample_limits(refs, tests, idx, ref_box, sample_box.limits, time_limit_factor,
                            min_time_limit_s)
    rows: list[dict] = []
    timed: dict[str, tuple[Candidate, dict]] = {}  # key -> (candidate, its row)
    for i, s in enumerate(samples):
        program = program_of(s, task)
        row = unjudged_row(s, source, program)
        if row is None:
            row = result_row(s, source, "")
            cand = candidate(task, f"s{i}", program, tests)
            row["code"] = cand.program
            res = cand.check(sample_box, limits=limits)
            row.update(verdict=str(res.verdict), tests_passed=res.tests_passed,
                       time_limit_s=limits.cpu_time_s,
                       tests_total=len(tests),
                       max_rss_kb=max((t.max_rss_kb for t in res.tests), default=0))
            if res.verdict == Verdict.SE:
                row.update(status="error", reason=f"the sandbox failed: {res.detail}")
            elif res.verdict != Verdict.AC:
                row["reason"] = res.detail
            else:
                timed[cand.key] = (cand, row)
        rows.append(row)

    ref_timing = _time(idx, timed, refs, sample_box, ref_box, repeat, repeat_mode, limits)
    ref = ref_timing[0] if ref_timing else None
    eff = _enamel_levels(task, idx, ref)
    for row in rows:
        times = row.pop("_times", None)
        if refs:
            row.update(ref_solution_id=refs[0][0].key)
        if ref is not None:
            row.update(ref_time_ns=ref["mean_ns"], ref_max_rss_kb=ref["max_rss_kb"],
                       ref_times_ns=[r["mean_ns"] for r in ref_timing])
        elif ref_note and row["status"] == "ok" and row["verdict"] == "AC":
            row["reason"] = ref_note
        if eff is not None and row["status"] == "ok":
            row["eff_score"] = eff.score(row, times)
    return rows


def _references(task: dict, solutions: list[dict], tests: list[TestCase], box: Sandbox,
                wanted: int) -> tuple[list[tuple[Candidate, dict]], str | None]:
    """Up to `wanted` correct reference solutions, the source's named one first, and a note
    when there is none."""
    if wanted < 1:
        return [], None
    first = _metadata(task).get("reference_solution_id")
    usable = [s for s in solutions if s.get("status") == "ok" and s.get("code")]
    usable.sort(key=lambda s: s["solution_id"] != first)  # stable: source order otherwise
    found, failed = [], []
    for sol in usable:
        cand = candidate(task, sol["solution_id"], sol["code"], tests)
        res = cand.check(box)
        if res.verdict == Verdict.AC:
            found.append((cand, sol))
            if len(found) == wanted:
                break
        else:
            failed.append(f"{sol['solution_id']}: {res.detail}")
    if found:
        return found, None
    if not usable:
        return [], "no reference: the source has no solution for this task"
    return [], f"no reference: no solution of the task passes its tests ({failed[0]})"


def _sample_limits(refs, tests, idx, ref_box: Sandbox, limits: Limits,
                   factor: float | None, floor_s: float) -> Limits:
    """The limits a task's samples run under: the sandbox's, or relative to the reference."""
    if factor is None or not refs or not idx:
        return limits
    res = refs[0][0].run(ref_box, 1, tests=[tests[i] for i in idx])
    if res.verdict != Verdict.AC:
        return limits
    slowest_s = max(t.time_ns for t in res.tests) / 1e9
    cpu = min(limits.cpu_time_s, max(floor_s, factor * slowest_s))
    return limits.replace(cpu_time_s=cpu, wall_time_s=None)


def _time(idx, timed, refs, sample_box, ref_box, repeat, repeat_mode, limits) -> list[dict]:
    """Time the correct samples and the references interleaved on the tests `idx`; fill the
    samples' rows; return each reference's timing (in `refs` order, the timed ones)."""
    cands: dict[str, tuple[Candidate, Sandbox, Limits | None]] = {}
    for j, (ref, _) in enumerate(refs):
        cands[f"r{j}"] = (ref, ref_box, None)
    for key, (cand, _) in timed.items():
        cands[key] = (cand, sample_box, limits)
    if not cands or not idx:
        return []
    failed: dict[str, tuple[str, str]] = {}  # key -> (verdict, what failed)
    rss: dict[str, int] = {}

    def measure(key: str, j: int, k: int) -> list[int] | None:
        cand, box, lim = cands[key]
        res = cand.run(box, k, tests=[cand.tests[idx[j]]], repeat_mode=repeat_mode, limits=lim)
        t = res.tests[0]
        if res.verdict != Verdict.AC:
            failed[key] = (str(t.verdict), f"test {idx[j]}: {t.verdict}: {t.detail}")
            return None
        rss[key] = max(rss.get(key, 0), t.max_rss_kb)
        return list(t.times_ns)

    got = schedule(list(cands), len(idx), measure, repeats=repeat)
    stats = timings(got, rss) if got else {}
    for key, (_, row) in timed.items():
        if key in failed:  # correct once, then failed while timed (flaky, or a time bomb)
            verdict, what = failed[key]
            row.update(verdict=verdict, reason=f"failed while timed: {what}",
                       status="error" if verdict == "SE" else "ok")
            continue
        t = stats[key]
        row.update(time_ns=t.mean_ns, median_ns=t.median_ns, ci_low_ns=t.ci_low_ns,
                   ci_high_ns=t.ci_high_ns, repeats=t.repeats, timed_tests=len(idx),
                   test_times_ns=t.per_test_mean_ns,
                   max_rss_kb=max(row["max_rss_kb"] or 0, t.max_rss_kb))
        row["_times"] = got[key].times
    out = []
    for j in range(len(refs)):
        key = f"r{j}"
        if key in stats:
            out.append({"mean_ns": stats[key].mean_ns, "max_rss_kb": stats[key].max_rss_kb,
                        "times": got[key].times})
    return out


# ----------------------------------------------------------------------------- ENAMEL
class _EnamelLevels:
    """ENAMEL's eff score of a task's samples: the timed tests grouped by level."""

    def __init__(self, levels: list[int], ref_level_times: list[list[float]], n_levels: int):
        self.levels = levels  # level of each timed test
        self.ref = ref_level_times
        self.n_levels = n_levels
        self.limit = metrics.ENAMEL_TIMEOUT_FACTOR * max(
            max(ts) for j, ts in enumerate(ref_level_times) if metrics.ENAMEL_HARDNESS[j] > 0)

    def score(self, row: dict, times: list[list[int]] | None) -> float:
        """The sample's e; `times`: its runs per timed test (None unless timed)."""
        if row["verdict"] != "AC" or times is None:
            # A wrong answer or an error scores 0 in ENAMEL; so does a time-out at level 0.
            # A sandbox TLE/MLE at a later level: ENAMEL would credit the levels before it,
            # but correctness stops at the first failing test, untimed, so they are unknown:
            # scored 0 (the sandbox's limits are seconds, ENAMEL's 2x the reference's time).
            return 0.0
        level_times: list[list[float]] = [[] for _ in range(self.n_levels)]
        for j, reps in zip(self.levels, times):
            t = metrics.hodges_lehmann(reps)
            # A time-out ends the sample's run at this level. ENAMEL kills a case on its
            # first repeat over the limit; here a case times out when its robust time does,
            # so one repeat the host preempted (tens of ms on a shared machine, more than
            # ENAMEL's limit of a fast task) does not zero the levels after it.
            if t > self.limit + ENAMEL_TOLERANCE_NS:
                if j == 0:
                    return 0.0
                return metrics.enamel_sample_score(level_times[:j], self.ref, outcome="timeout")
            level_times[j].append(t)
        return metrics.enamel_sample_score(level_times, self.ref, outcome="passed")


def _enamel_levels(task: dict, idx: list[int], ref: dict | None) -> _EnamelLevels | None:
    """ENAMEL's scorer for this task, or None where eff@k does not apply: not an ENAMEL
    task, not every level generated, not every test timed, or no timed reference."""
    meta = _metadata(task)
    levels = meta.get("test_levels")
    n_levels = len(meta.get("tests_per_level") or [])
    if task.get("source") != "enamel" or not levels or ref is None:
        return None
    if len(levels) != len(task["tests"]) or len(idx) != len(levels):
        return None
    if sorted(set(levels)) != list(range(n_levels)) or n_levels != len(metrics.ENAMEL_HARDNESS):
        return None
    ref_levels: list[list[float]] = [[] for _ in range(n_levels)]
    for j, reps in zip(levels, ref["times"]):
        ref_levels[j].append(metrics.hodges_lehmann(reps))
    if any(math.isnan(x) for ts in ref_levels for x in ts):
        return None
    return _EnamelLevels(levels, ref_levels, n_levels)

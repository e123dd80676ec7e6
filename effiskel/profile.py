"""Stage 1 per task (§3.1, "APPS+EFFI"): run, time, rank, keep the top-K.

Row functions over one task and its solutions; `data_pipeline/profile.py`
maps them over a corpus with Ray. For each task:

1. `fill_expected_outputs`: sources that ship inputs without outputs (EvalPlus,
   ENAMEL) name a reference solution; its outputs, captured in the sandbox,
   become the expected ones (as EvalPlus does).
2. `profile_solutions`: every solution once on all tests (stops at its first
   failing test; untimed, all of its tests in one sandbox child, as EvalPlus
   judges: `Sandbox.check`), then the correct ones timed `repeat` times per test,
   interleaved (`timing.rank`) → one `runs` row each.
3. `select_efficient`: the K fastest correct by the ranking's robust level
   (`median_ns`; role top_k, rank 1 = fastest),
   the slowest correct ones (role slowest) and a few incorrect ones (role
   incorrect) — the preference baselines need both — or the reason the task
   is dropped (no tests, no correct solution, unusable task).
"""

from __future__ import annotations

import json

from effiskel.sandbox import Sandbox, TestCase, Verdict
from effiskel.schema import EFFICIENT, RUNS, empty_row
from effiskel.timing import Candidate, rank

# Why a task is not in the efficient set (the summary counts these).
DROP_UNUSABLE = "unusable task"
DROP_NO_TESTS = "no tests"
DROP_NO_SOLUTIONS = "no solutions"
DROP_NO_CORRECT = "no correct solution"


def _tests(task: dict) -> list[TestCase]:
    return [TestCase(t["input"], t["output"]) for t in task.get("tests") or []]


def candidate(task: dict, solution_id: str, code: str, tests: list[TestCase]) -> Candidate:
    """A solution of `task`, run the way the task is judged."""
    return Candidate(solution_id, code, tests, task["mode"], task.get("entry_point"),
                     task.get("checker"), task.get("float_tolerance") or 0.0,
                     _metadata(task).get("expected_output_rule"))


def _metadata(task: dict) -> dict:
    try:
        return json.loads(task.get("metadata") or "{}")
    except json.JSONDecodeError:
        return {}


def fill_expected_outputs(sandbox: Sandbox, task: dict, solutions: list[dict]) -> dict:
    """The task with unknown expected outputs taken from its reference solution.

    Tests on which the reference itself fails are dropped (counted in the
    metadata as `dropped_tests`); if it fails on all of them, or there is no
    usable reference, the task becomes an error row saying so.
    """
    tests = task.get("tests") or []
    if task.get("status") != "ok" or all(t["output"] is not None for t in tests):
        return task
    meta = _metadata(task)
    ref_id = meta.get("reference_solution_id")
    ref = next((s for s in solutions if s["solution_id"] == ref_id and s["status"] == "ok"), None)
    if ref is None:
        return {**task, "status": "error",
                "reason": f"no-reference: tests have no expected outputs and reference "
                          f"solution {ref_id!r} is missing or unreadable"}
    unknown = [i for i, t in enumerate(tests) if t["output"] is None]
    ref_run = candidate(task, ref_id, ref["code"],
                        [TestCase(tests[i]["input"], None) for i in unknown])
    res = ref_run.check(sandbox, stop_on_failure=False)
    filled = [dict(t) for t in tests]
    failed = []
    for i, r in zip(unknown, res.tests):
        if r.verdict == Verdict.AC:
            filled[i]["output"] = r.output
        else:
            failed.append(i)
    if res.verdict == Verdict.SE:
        return {**task, "status": "error", "reason": f"sandbox-error: {res.detail}"}
    dropped = set(failed)
    kept = [t for i, t in enumerate(filled) if i not in dropped]
    if failed:
        meta["dropped_tests"] = {"count": len(failed),
                                 "reason": f"reference {ref_id} failed: {_first_failure(res)}"}
    if not kept:
        return {**task, "tests": [], "metadata": json.dumps(meta, sort_keys=True),
                "status": "error", "reason": f"reference-failed: reference {ref_id} failed on "
                                             f"every test ({_first_failure(res)})"}
    return {**task, "tests": kept, "metadata": json.dumps(meta, sort_keys=True)}


def _first_failure(res) -> str:
    return next((f"{t.verdict}: {t.detail}" for t in res.tests if t.verdict != Verdict.AC), "")


def run_row(task: dict, sol: dict, verdict: str, detail: str = "", **timing) -> dict:
    row = empty_row(RUNS)
    row.update(task_id=task["task_id"], solution_id=sol["solution_id"], verdict=verdict,
               tests_passed=0, tests_total=len(task.get("tests") or []), detail=detail,
               code=sol.get("code"), origin=sol.get("origin"))
    row.update(timing)
    return row


def profile_solutions(
    sandbox: Sandbox,
    task: dict,
    solutions: list[dict],
    *,
    repeat: int = 30,
    adaptive: bool = False,
    min_repeats: int = 6,
    round_repeats: int = 1,
    **run_kw,
) -> list[dict]:
    """One `runs` row per solution: its verdict and, when correct, its timing.

    The correct ones are ranked together, interleaved (see `timing.rank`, which
    `round_repeats` and `run_kw` go to): `time_ns` is the paper's mean, `median_ns`
    and its interval the level they are ranked by."""
    tests = _tests(task)
    rows: dict[str, dict] = {}
    correct: list[Candidate] = []
    for sol in solutions:
        if task.get("status") != "ok":
            rows[sol["solution_id"]] = run_row(task, sol, "SKIP", f"task unusable: {task['reason']}")
            continue
        if sol.get("status") != "ok" or sol.get("code") is None:
            rows[sol["solution_id"]] = run_row(task, sol, "SKIP", sol.get("reason") or "no code")
            continue
        if not tests:
            rows[sol["solution_id"]] = run_row(task, sol, "SKIP", "task has no tests")
            continue
        cand = candidate(task, sol["solution_id"], sol["code"], tests)
        res = cand.check(sandbox)
        row = run_row(task, sol, str(res.verdict), res.detail, tests_passed=res.tests_passed,
                      max_rss_kb=max((t.max_rss_kb for t in res.tests), default=0))
        rows[sol["solution_id"]] = row
        if res.verdict == Verdict.AC:
            correct.append(cand)
    for r in rank(sandbox, correct, repeat, adaptive=adaptive, min_repeats=min_repeats,
                  round_repeats=round_repeats, **run_kw):
        row = rows[r.key]
        if r.timing is None:  # correct once, then failed while being timed (flaky)
            row.update(verdict=str(r.verdict), detail=f"failed while timed: {r.detail}")
            continue
        t = r.timing
        row.update(time_ns=t.mean_ns, median_ns=t.median_ns, ci_low_ns=t.ci_low_ns,
                   ci_high_ns=t.ci_high_ns, repeats=t.repeats, test_times_ns=t.per_test_mean_ns,
                   max_rss_kb=max(row["max_rss_kb"] or 0, t.max_rss_kb))
    return [rows[s["solution_id"]] for s in solutions]


def select_efficient(task: dict, runs: list[dict], top_k: int = 5, max_incorrect: int = 3,
                     max_slow: int = 3) -> tuple[list[dict], str | None]:
    """The efficient-set rows of one task, or ([], why the task is dropped).

    Rank 1 is the fastest correct solution by `median_ns`, the level
    `timing.rank` orders by (noise-robust, unlike the paper's mean T, which
    rows keep as `time_ns`); ties broken by solution id so reruns agree.
    Solutions timed in different calls of `profile_solutions` (different chunks
    of a task) were not interleaved with each other: their levels compare
    unpaired. The preference baselines' rejected solutions are kept too: the
    `max_slow` slowest correct ones outside the top K (role slowest, slowest
    first; the efficiency pairs', effiskel/pairs.py) and up to `max_incorrect`
    incorrect ones (the correctness pairs'): wrong answers first (they ran to
    completion), then other failures, each in solution-id order.
    """
    if task.get("status") != "ok":
        return [], DROP_UNUSABLE
    if not task.get("tests"):
        return [], DROP_NO_TESTS
    if not runs:
        return [], DROP_NO_SOLUTIONS
    correct = sorted((r for r in runs if r["verdict"] == "AC" and r["median_ns"] is not None),
                     key=lambda r: (r["median_ns"], r["solution_id"]))
    if not correct:
        return [], DROP_NO_CORRECT
    keep = [(r, "top_k", i + 1) for i, r in enumerate(correct[:top_k])]
    slow = range(len(correct) - 1, max(top_k, len(correct) - max_slow) - 1, -1)
    keep += [(correct[i], "slowest", i + 1) for i in slow]
    failing = [r for r in runs if r["verdict"] not in ("AC", "SKIP", "SE")]
    failing.sort(key=lambda r: (r["verdict"] != "WA", r["solution_id"]))
    keep += [(r, "incorrect", None) for r in failing[:max_incorrect]]
    rows = []
    for r, role, rank_ in keep:
        row = empty_row(EFFICIENT)
        row.update(task_id=task["task_id"], solution_id=r["solution_id"], role=role, rank=rank_,
                   code=r["code"], time_ns=r["time_ns"], verdict=r["verdict"],
                   prompt=task.get("prompt"), source=task.get("source"), mode=task.get("mode"),
                   entry_point=task.get("entry_point"))
        rows.append(row)
    return rows, None

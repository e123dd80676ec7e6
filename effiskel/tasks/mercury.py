"""Mercury (Du et al., NeurIPS 2024; Hugging Face ``Elfsong/Mercury``): LeetCode
problems with many human solutions of measured runtime, given as a local copy
of the dataset's rows (.parquet as published, or .jsonl / .json).

Row fields used: slug_name, difficulty, pretty_content (list of statement
texts), prompt (the ``class Solution`` starter), entry_point (method name),
solutions (list of {"runtime": "44ms", "solution": code}), convert_offline and
evaluate_offline (Python sources) and test_cases (a JSON string of
[{"input": [args...], "expected": value}]).

Mercury's evaluator runs, per test, ``inputs, expected =
convert_offline((inputs, expected))``, ``outputs = solution.<entry_point>(*inputs)``
and ``evaluate_offline(inputs, outputs, expected)``. Here:
- convert_offline runs at load time (dataset code, trusted like the data) and
  the converted arguments are the test's literal text; tasks whose conversion
  needs ``lctk`` (LeetCode tree/linked-list objects) or yields values a literal
  cannot hold load as "skipped" (reason kind "unsupported") until call mode
  can build such objects;
- evaluate_offline becomes the checker: ``check(input, expected, output)``
  calls ``evaluate_offline(input, output, expected)``. Some problems modify an
  argument in place and evaluate that argument, so call mode must pass the
  argument list as it is after the call;
- the entry point is ``Solution.<entry_point>``
  (`effiskel.sandbox.values.resolve_entry_point`).
Mercury's namespace pre-imports common modules; solutions and the checker get
the same prelude (kept in metadata "prelude"). Solutions keep their measured
runtime in the origin (``mercury:44ms``).
Task ids: ``mercury/<slug_name>``; solution ids ``<task_id>/s<k>``.
"""

from __future__ import annotations

from pathlib import Path

from effiskel.tasks.readers import Unreadable, parse_json_field
from effiskel.tasks.reasons import BAD_ROW, BAD_TESTS, NO_TESTS, UNSUPPORTED
from effiskel.tasks.rows import (
    bad_record,
    call_test,
    error_task,
    failed_solution,
    record_source,
    solution_row,
    task_row,
    with_prelude,
)

NAME = "mercury"

# The names Mercury's evaluator puts in the namespace before running a solution.
PRELUDE = """\
import re, itertools, collections, heapq, bisect, string, sys, functools, math, copy
from math import floor, ceil, factorial, sqrt, inf
from sys import maxsize
from bisect import bisect_left, bisect_right, insort
from itertools import chain, combinations, groupby, pairwise, product, permutations, zip_longest
from heapq import heappush, heappushpop, heappop, heapify
from collections import Counter, deque, defaultdict, OrderedDict
from typing import List, Optional, Tuple
from functools import lru_cache, cache


class ListNode(object):
    def __init__(self, val=0, next=None):
        self.val = val
        self.next = next


class TreeNode(object):
    def __init__(self, val=0, left=None, right=None):
        self.val = val
        self.left = left
        self.right = right
"""

FIELDS = ("slug_name", "prompt", "entry_point", "convert_offline", "evaluate_offline")


def _load(path: Path, loc: str, rec, **options) -> tuple[dict, list[dict]]:
    where = f"{path} {loc}"
    bad = bad_record(NAME, path, loc, rec, FIELDS)
    if bad:
        return bad, []
    task_id = f"{NAME}/{rec['slug_name']}"
    content = rec.get("pretty_content") or []
    statement = content[0] if isinstance(content, list) and content else str(content)
    prompt = f"{statement}\n{rec['prompt']}"
    solutions = _solutions(task_id, rec.get("solutions"), where)
    meta = {
        "slug_name": rec["slug_name"],
        "difficulty": rec.get("difficulty"),
        "prelude": PRELUDE,
        "num_solutions": len(solutions),
    }

    def failed(kind: str, detail: str, status: str = "error"):
        return error_task(
            task_id, NAME, kind, detail, mode="call", metadata=meta, prompt=prompt, status=status
        ), solutions

    if "lctk" in rec["convert_offline"] or "lctk" in rec["evaluate_offline"]:
        return failed(
            UNSUPPORTED,
            f"{rec['slug_name']} passes LeetCode trees/linked lists (lctk) — "
            "call mode cannot build them from literals yet",
            "skipped",
        )
    try:
        cases = parse_json_field(rec.get("test_cases"), f"{where} test_cases")
    except Unreadable as e:
        return failed(e.kind, f"{e.detail} — fix the row's test_cases JSON")
    if not isinstance(cases, list) or not cases:
        return failed(NO_TESTS, f"{where}: test_cases holds no test list")
    try:
        convert = _compile(rec["convert_offline"], "convert_offline")
        tests = []
        for case in cases:
            args, expected = convert((case["input"], case["expected"]))
            tests.append(call_test(args, expected))
    except TypeError as e:  # a converted value a literal cannot hold
        return failed(UNSUPPORTED, f"{rec['slug_name']}: {e}", "skipped")
    except Exception as e:  # noqa: BLE001 - dataset code; any failure is this task's
        return failed(BAD_TESTS, f"{where}: converting test_cases failed: {type(e).__name__}: {e}")
    checker = (
        f"{PRELUDE}\n{rec['evaluate_offline']}\n\n"
        "def check(input, expected, output):\n"
        "    return evaluate_offline(input, output, expected)\n"
    )
    task = task_row(
        task_id,
        NAME,
        prompt=prompt,
        mode="call",
        entry_point=f"Solution.{rec['entry_point']}",
        tests=tests,
        checker=checker,
        metadata=meta,
    )
    return task, solutions


def _compile(source: str, name: str):
    scope: dict = {}
    exec(compile(with_prelude(PRELUDE, source), f"<mercury {name}>", "exec"), scope)  # noqa: S102 - dataset code
    return scope[name]


def _solutions(task_id: str, sols, where: str) -> list[dict]:
    if not isinstance(sols, list):
        detail = f"{where} solutions is not a list"
        return [failed_solution(task_id, f"{task_id}/solutions", NAME, BAD_ROW, detail)]
    rows = []
    for k, s in enumerate(sols):
        code = s.get("solution") if isinstance(s, dict) else None
        origin = f"{NAME}:{s.get('runtime')}" if isinstance(s, dict) and s.get("runtime") else NAME
        sid = f"{task_id}/s{k}"
        if isinstance(code, str):
            rows.append(solution_row(task_id, sid, with_prelude(PRELUDE, code), origin))
        else:
            detail = f"{where} solution {k} has no code text"
            rows.append(failed_solution(task_id, sid, origin, BAD_ROW, detail))
    return rows


SOURCE = record_source(NAME, _load)

"""EffiBench (Huang et al., NeurIPS 2024): 1,000 LeetCode problems with
efficient canonical solutions, given as the published dataset file
(``dataset.json``, a JSON array, or the same rows as .jsonl / .parquet).

Row fields used: problem_idx, task_name, markdown_description (or
description), canonical_solution (``class Solution`` code, sometimes inside a
```python fence), small_test_cases (the examples shown to the model) and
test_case (the hidden suite); both test fields are Python text: a
``solution = Solution()`` line and ``assert solution.<method>(<args>) ==
<expected>`` lines.

Call mode with entry point ``Solution.<method>`` (see
`effiskel.sandbox.values.resolve_entry_point`: a fresh instance per test).
Asserts whose arguments and expected value are literals become tests; the
others (e.g. TreeNode arguments) are left out and counted in metadata
("asserts", "asserts_converted"), with the original test code kept. The
prompt is the description followed by the small test cases, as EffiBench
prompts models (they also name the method). EffiBench's harness runs every
solution after a prelude of imports and ListNode/TreeNode classes (LeetCode's
environment); solutions get the same prelude, kept in metadata ("prelude") so
a generation step can prepend it to samples too.
Task ids: ``effibench/<problem_idx>``; solution ``<task_id>/canonical``.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

from effiskel.sandbox.values import literal_node
from effiskel.tasks.reasons import BAD_ROW, NO_TESTS
from effiskel.tasks.rows import (
    bad_record,
    call_test,
    error_task,
    record_id,
    record_source,
    solution_row,
    task_row,
    with_prelude,
)

NAME = "effibench"

# EffiBench's harness prelude: star imports first, then the modules themselves,
# so `random`, `re`, `math`, ... name the modules (as in EffiBench).
PRELUDE = """\
from typing import *
from bisect import *
from collections import *
from copy import *
from datetime import *
from functools import *
from heapq import *
from itertools import *
from math import *
from operator import *
from random import *
from re import *
from string import *
import bisect, collections, copy, datetime, functools, heapq, itertools, math, operator, random, re, string


class TreeNode:
    def __init__(self, val=0, left=None, right=None, next=None):
        self.val = val
        self.left = left
        self.right = right
        self.next = next


class ListNode:
    def __init__(self, val=0, next=None):
        self.val = val
        self.next = next
"""


def _load(path: Path, loc: str, rec, **options) -> tuple[dict, list[dict]]:
    where = f"{path} {loc}"
    bad = bad_record(NAME, path, loc, rec, ("canonical_solution",))
    if bad:
        return bad, []
    description = rec.get("markdown_description") or rec.get("description")
    if rec.get("problem_idx") is None or not isinstance(description, str):
        return error_task(
            record_id(NAME, loc),
            NAME,
            BAD_ROW,
            f"{where} lacks problem_idx or a (markdown_)description — is this EffiBench's dataset?",
            mode="call",
        ), []
    task_id = f"{NAME}/{rec['problem_idx']}"
    solutions = [
        solution_row(
            task_id,
            f"{task_id}/canonical",
            with_prelude(PRELUDE, strip_fence(rec["canonical_solution"])),
            "effibench:canonical",
        )
    ]
    small = rec.get("small_test_cases") or ""
    test_code = rec.get("test_case") or small
    prompt = f"{description}\n\n{small}".rstrip() + "\n"
    method, tests, counts = convert_asserts(test_code)
    meta = {
        "problem_idx": rec["problem_idx"],
        "task_name": rec.get("task_name"),
        "test_code": test_code,
        "prelude": PRELUDE,
        **counts,
    }
    shared = {"mode": "call", "metadata": meta, "prompt": prompt}
    if not tests:
        detail = (
            f"{where}: none of the {counts['asserts']} asserts in "
            "test_case has literal arguments and expected value"
        )
        return error_task(task_id, NAME, NO_TESTS, detail, **shared), solutions
    task = task_row(task_id, NAME, entry_point=f"Solution.{method}", tests=tests, **shared)
    return task, solutions


def strip_fence(code: str) -> str:
    """The code inside a ```python fence, as EffiBench's harness extracts it; else the code."""
    m = re.search(r"```(?:python|py)?\n(.*?)(?:```|$)", code, re.DOTALL)
    return m.group(1) if m else code


def convert_asserts(code: str) -> tuple[str | None, list[dict], dict]:
    """(method, tests, counts) from `assert solution.<method>(args) == expected` lines.
    Only the most common method becomes tests (a task has one entry point)."""
    try:
        module = ast.parse(code)
    except SyntaxError:
        return None, [], {"asserts": 0, "asserts_converted": 0}
    asserts = [n for n in ast.walk(module) if isinstance(n, ast.Assert)]
    found = []  # (method, args, expected)
    for node in module.body:
        if (
            isinstance(node, ast.Assert)
            and isinstance(node.test, ast.Compare)
            and len(node.test.ops) == 1
            and isinstance(node.test.ops[0], ast.Eq)
        ):
            left, right = node.test.left, node.test.comparators[0]
            call, other = (left, right) if _is_method_call(left) else (right, left)
            if _is_method_call(call):
                try:
                    found.append(
                        (call.func.attr, [literal_node(a) for a in call.args], literal_node(other))
                    )
                except ValueError:
                    pass  # a non-literal argument (TreeNode(...), a variable)
    if not found:
        return None, [], {"asserts": len(asserts), "asserts_converted": 0}
    method = Counter(m for m, _, _ in found).most_common(1)[0][0]
    tests = [call_test(args, expected) for m, args, expected in found if m == method]
    return method, tests, {"asserts": len(asserts), "asserts_converted": len(tests)}


def _is_method_call(node: ast.expr) -> bool:
    """`solution.<method>(args)`, `solution` being the tests' `Solution()` instance."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "solution"
        and not node.keywords
        and not any(isinstance(a, ast.Starred) for a in node.args)
    )


SOURCE = record_source(NAME, _load)

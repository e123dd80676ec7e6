"""The EffiBench loader on a fixture mirroring its dataset.json."""

from __future__ import annotations

import json

from effiskel.sandbox import Verdict
from effiskel.tasks.reasons import reason_kind
from tests.tasks.loader_helpers import FIXTURES, assert_schema, by_id, judge, load


def test_effibench_rows(sb):
    pairs = by_id(load("effibench", FIXTURES / "effibench" / "dataset.json"))
    assert_schema(pairs.values())
    task, (sol,) = pairs["effibench/1"]
    assert (task["mode"], task["entry_point"]) == ("call", "Solution.twoSum")
    assert "```" not in sol["code"] and sol["code"].startswith(
        json.loads(task["metadata"])["prelude"]
    )
    meta = json.loads(task["metadata"])
    assert (meta["asserts"], meta["asserts_converted"]) == (
        5,
        4,
    )  # list(range(10)) is not a literal
    assert task["tests"][3] == {"input": "[[1, 5, 9, 4, 6], 13]", "output": "[2, 3]"}
    assert judge(sb, sol["code"], task).verdict == Verdict.AC
    assert "assert solution.twoSum([2, 7, 11, 15], 9)" in task["prompt"]  # names the method
    linked, _ = pairs["effibench/2"]
    assert reason_kind(linked["reason"]) == "no-tests"
    broken, sols = pairs["effibench/row2"]
    assert reason_kind(broken["reason"]) == "bad-row" and sols == []

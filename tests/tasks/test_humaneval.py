"""The HumanEval loader: check() conversion, and the real data in ../shared/data
(skipped when absent)."""

from __future__ import annotations

import json

from effiskel.sandbox import Verdict
from effiskel.tasks.humaneval import convert_check
from tests.conftest import shared_data
from tests.tasks.loader_helpers import assert_schema, judge, load


def test_humaneval_check_conversion_shapes():
    code = (
        "def check(candidate):\n"
        "    assert candidate([1, 2], 3 * 2) == (1, 6)\n"
        "    assert 5 == candidate('a')\n"
        "    assert candidate(0) is None\n"
        "    assert not candidate(1)\n"
        "    assert abs(candidate(2.0) - 2.0/3) < 1e-6\n"
        "    assert tuple(candidate([3])) == tuple([3])\n"
        "    assert candidate(x) == 1\n"  # a variable: not converted
        "    assert True\n"  # a placeholder: not counted
        "    for i in range(3):\n        assert candidate(i) == i\n"
    )
    tests, tolerance, counts = convert_check(code)
    assert [(t["input"], t["output"]) for t in tests] == [
        ("[[1, 2], 6]", "(1, 6)"),
        ("['a']", "5"),
        ("[0]", "None"),
        ("[1]", "False"),
        ("[2.0]", "0.6666666666666666"),
        ("[[3]]", "[3]"),
    ]
    assert tolerance == 1e-6 and counts == {"asserts": 8, "asserts_converted": 6}


def test_humaneval_real_data_converts_most_asserts_and_they_pass_the_canonical(sb):
    pairs = load("humaneval", shared_data("humaneval", "data", "HumanEval.jsonl.gz"))
    assert_schema(pairs)
    assert len(pairs) == 164
    metas = [json.loads(t["metadata"]) for t, _ in pairs]
    converted = sum(m["asserts_converted"] for m in metas) / sum(m["asserts"] for m in metas)
    assert converted > 0.98
    assert all("def check(candidate)" in m["check_code"] for m in metas)
    failing = {}
    for task, (sol,) in pairs:
        if task["status"] == "ok":
            result = judge(sb, sol["code"], task)
            if result.verdict != Verdict.AC:
                failing[task["task_id"]] = result.detail
    assert failing == {}
    assert {t["task_id"] for t, _ in pairs if t["status"] != "ok"} == {
        "humaneval/32",
        "humaneval/38",
        "humaneval/50",
    }  # checks built on random inputs only

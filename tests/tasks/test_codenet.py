"""The CodeNet loader on a fixture mirroring Project CodeNet's layout."""

from __future__ import annotations

from collections import Counter

from effiskel.tasks import count_skipped
from effiskel.tasks.reasons import reason_kind
from tests.tasks.loader_helpers import FIXTURES, assert_schema, by_id, load


def test_codenet_loads_python3_and_counts_the_rest():
    pairs = by_id(load("codenet", FIXTURES / "codenet"))
    assert_schema(pairs.values())
    task, sols = pairs["codenet/p00001"]
    assert task["status"] == "ok" and task["tests"] == [{"input": "3 4\n", "output": "7\n"}]
    assert task["time_limit_s"] == 2.0
    assert "A + B & nothing else." in task["prompt"] and "<" not in task["prompt"]
    assert "var x" not in task["prompt"]
    assert {s["solution_id"]: s["origin"] for s in sols} == {
        "codenet/p00001/s000000001": "codenet:Accepted",
        "codenet/p00001/s000000002": "codenet:Wrong Answer",
        "codenet/p00001/s000000007": "codenet:Accepted",
    }
    missing = next(s for s in sols if s["solution_id"].endswith("s000000007"))
    assert missing["status"] == "error" and "s000000007.py" in missing["reason"]
    assert count_skipped(t for t, _ in pairs.values()) == Counter(
        {
            "unsupported-language: C++": 2,
            "unsupported-language: Java": 1,
            "unsupported-language: Python 2 (Python (2.7.6))": 1,
        }
    )
    no_io, _ = pairs["codenet/p00002"]
    assert (
        reason_kind(no_io["reason"]) == "no-tests" and "p00002/input.txt" in no_io["reason"]
    )

"""The EvalPlus loaders (HumanEval+, MBPP+) on the real data in ../shared/data
(skipped when absent)."""

from __future__ import annotations

import json

from effiskel.sandbox import Verdict
from tests.conftest import shared_data
from tests.tasks.loader_helpers import assert_schema, by_id, judge, load, run


def test_humanevalplus_tests_wait_for_the_reference_outputs():
    pairs = by_id(
        load(
            "humanevalplus",
            shared_data("evalplus", "humanevalplus_release", "HumanEvalPlus.jsonl.gz"),
        )
    )
    assert_schema(pairs.values())
    assert len(pairs) == 164 and all(t["status"] == "ok" for t, _ in pairs.values())
    task, (sol,) = pairs["humanevalplus/0"]
    meta = json.loads(task["metadata"])
    assert meta["reference_solution_id"] == sol["solution_id"] == "humanevalplus/0/canonical"
    assert len(task["tests"]) > meta["num_base_inputs"] > 0
    assert all(t["output"] is None for t in task["tests"])
    assert pairs["humanevalplus/2"][0]["float_tolerance"] == 1e-6  # atol
    # find_zero's special oracle: |poly(xs, x)| <= atol
    zero, _ = pairs["humanevalplus/32"]
    scope = run(zero["checker"])
    assert scope["check"]([[-6, 11, -6, 1]], None, 1.0) and not scope["check"](
        [[-6, 11, -6, 1]], None, 1.5
    )


def test_mbppplus_rebuilds_tuples_and_special_oracles(sb):
    pairs = by_id(
        load("mbppplus", shared_data("evalplus", "mbppplus_release", "MbppPlus.jsonl.gz"))
    )
    assert_schema(pairs.values())
    assert len(pairs) == 378 and all(t["status"] == "ok" for t, _ in pairs.values())
    task, (sol,) = pairs["mbppplus/2"]  # similar_elements takes tuples; JSON stored lists
    assert task["tests"][0]["input"] == "[(3, 4, 5, 6), (5, 7, 4, 10)]"
    scope = run(task["checker"])
    assert scope["check"](None, (4, 5), (5, 4))  # compared as sets
    first = {"input": task["tests"][0]["input"], "output": "(5, 4)"}
    assert judge(sb, sol["code"], {**task, "tests": [first]}).verdict == Verdict.AC
    # MBPP+ writes an absent plus_input as {}: base inputs only
    meta = json.loads(pairs["mbppplus/793"][0]["metadata"])
    assert len(pairs["mbppplus/793"][0]["tests"]) == meta["num_base_inputs"]
    not_none = [t for t, _ in pairs.values() if "is_not_none" in t["metadata"]]
    assert {t["entry_point"] for t in not_none} <= {
        "check_str",
        "text_match_three",
        "text_starta_endb",
    }

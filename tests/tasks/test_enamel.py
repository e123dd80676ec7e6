"""The ENAMEL loader on the real data in ../shared/data (skipped when absent)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest

from effiskel.tasks import get_source
from effiskel.tasks.reasons import reason_kind
from tests.conftest import shared_data
from tests.tasks.loader_helpers import assert_schema, by_id, load, run

ENAMEL = ("enamel",)


def test_enamel_task_set_and_solutions():
    root = shared_data(*ENAMEL)
    pairs = by_id(load("enamel", root, levels=[0]))  # the smallest level keeps this fast
    assert_schema(pairs.values())
    statuses = Counter((t["status"], reason_kind(t["reason"])) for t, _ in pairs.values())
    assert statuses == Counter({("ok", ""): 142, ("skipped", "excluded"): 22})
    assert pairs["enamel/2"][0]["status"] == "skipped"  # truncate_number is not in ENAMEL's set
    task, sols = pairs["enamel/0"]
    assert [s["solution_id"] for s in sols] == [
        "enamel/0/reference",
        "enamel/0/humaneval",
        "enamel/0/humanevalplus",
    ]
    assert all(s["status"] == "ok" and "def has_close_elements" in s["code"] for s in sols)
    references = json.loads((root / "samples" / "enamel-references.json").read_text())
    assert sols[0]["code"] == references[0][0]
    assert json.loads(task["metadata"])["reference_solution_id"] == "enamel/0/reference"
    assert len(task["tests"]) == 8 and all(t["output"] is None for t in task["tests"])


# sha256 of the joined input literals at the largest level; identical to what
# ENAMEL's own harness (enam 0.2.0, Evaluator.make_tests) generates for these rows.
ENAMEL_LARGEST = {"0": "658602ce8fbd8480", "1": "27dca2512dd182dd", "31": "1e030ed54f066139"}


@pytest.mark.parametrize("row", sorted(ENAMEL_LARGEST))
def test_enamel_largest_level_tests_match_enamels_seeding(row):
    root = shared_data(*ENAMEL)
    ((task, _),) = get_source("enamel").load_unit(root, row)
    meta = json.loads(task["metadata"])
    assert meta["levels"] == [3] and meta["test_levels"] == [3, 3, 3, 3]
    digest = hashlib.sha256("".join(t["input"] for t in task["tests"]).encode()).hexdigest()
    assert digest[:16] == ENAMEL_LARGEST[row]


def test_enamel_checker_is_enamels_with_the_prompt_in_scope():
    root = shared_data(*ENAMEL)
    ((task, _),) = get_source("enamel").load_unit(root, "32", levels=[0])  # find_zero calls poly()
    scope = run(task["checker"])
    xs = [-6, 11, -6, 1]  # roots 1, 2, 3
    assert scope["check"]([xs], None, 2.0) and not scope["check"]([xs], None, 2.5)
    assert not scope["check"]([xs], None, "2.0")  # ENAMEL checks the type too


def test_enamel_generator_failure_is_an_error_row(work_dir):
    import csv

    root = shared_data(*ENAMEL)
    with open(root / "dataset" / "enamel.csv", newline="") as f:
        csv.field_size_limit(1 << 30)
        rows = list(csv.DictReader(f))[:2]
    rows[1]["input_generator"] = (
        "def generate_input(size, lid, cid):\n    raise RuntimeError('boom')\n"
    )
    (work_dir / "dataset").mkdir()
    with open(work_dir / "dataset" / "enamel.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    pairs = load("enamel", work_dir, levels=[0])
    assert pairs[0][0]["status"] == "ok"
    task, sols = pairs[1]
    assert task["status"] == "error" and reason_kind(task["reason"]) == "generator-failed"
    assert "HumanEval/1" in task["reason"] and "boom" in task["reason"]
    # no samples/ next to this csv: the canonical solutions are error rows naming the file
    assert [s["status"] for s in sols] == ["ok", "error", "error"]
    assert "humaneval-canonical.json" in sols[1]["reason"]

"""The APPS loader on fixtures mirroring its directory layout and its Hugging Face rows."""

from __future__ import annotations

import json
from collections import Counter

from effiskel.sandbox import Verdict
from effiskel.tasks import get_source
from effiskel.tasks.reasons import reason_kind
from tests.tasks.loader_helpers import FIXTURES, assert_schema, by_id, judge, load, run


def test_apps_directory_layout():
    pairs = by_id(load("apps", FIXTURES / "apps"))
    assert_schema(pairs.values())
    task, sols = pairs["apps/train/0000"]
    assert (task["mode"], task["status"]) == ("stdio", "ok")
    # a list of lines as input/output is joined to text
    assert task["tests"] == [
        {"input": "3\n1 2 3\n", "output": "6\n"},
        {"input": "2\n5 5\n", "output": "10"},
    ]
    assert [s["solution_id"] for s in sols] == [
        "apps/train/0000/s0",
        "apps/train/0000/s1",
        "apps/train/0000/s2",
    ]
    assert json.loads(task["metadata"])["difficulty"] == "introductory"


def test_apps_fn_name_makes_a_call_mode_task_judged_by_apps_rules(sb):
    task, (sol,) = by_id(load("apps", FIXTURES / "apps"))["apps/train/0001"]
    assert (task["mode"], task["entry_point"]) == ("call", "Solution.twoSum")
    assert task["tests"][0] == {"input": "[[2, 7, 11, 15], 9]", "output": "[[0, 1]]"}
    # expected values are wrapped in a list; the checker unwraps them
    assert judge(sb, sol["code"], task).verdict == Verdict.AC
    unchecked = judge(sb, sol["code"], {**task, "checker": None})
    assert {t.verdict for t in unchecked.tests} == {Verdict.WA}
    scope = run(task["checker"])
    assert not scope["check"]([[2, 7], 9], [[0, 1]], [1, 0])


def test_apps_unreadable_problems_become_rows_that_name_the_file():
    pairs = by_id(load("apps", FIXTURES / "apps"))
    expect = {
        "apps/train/0002": ("bad-json", "0002/input_output.json"),
        "apps/train/0003": ("not-utf8", "0003/question.txt"),
        "apps/train/0004": ("no-tests", "0004/input_output.json"),
    }
    for task_id, (kind, file) in expect.items():
        task, sols = pairs[task_id]
        assert task["status"] == "error" and reason_kind(task["reason"]) == kind
        assert file in task["reason"]
        assert sols, "the solutions of a task that failed to load are still rows"
    (bad,) = pairs["apps/train/0004"][1]
    assert bad["status"] == "error" and "0004/solutions.json" in bad["reason"]
    statuses = Counter((t["status"], reason_kind(t["reason"])) for t, _ in pairs.values())
    assert statuses == Counter(
        {
            ("ok", ""): 2,
            ("error", "bad-json"): 1,
            ("error", "not-utf8"): 1,
            ("error", "no-tests"): 1,
        }
    )


def test_apps_problem_folders_without_known_files_are_rows_not_splits(work_dir):
    """An empty folder, or one whose only file is misspelt, is a broken task with a
    reason; it is not taken for a split directory and dropped."""
    import shutil

    root = work_dir / "apps"
    shutil.copytree(FIXTURES / "apps" / "train" / "0000", root / "0000")
    (root / "0001").mkdir()
    (root / "0002").mkdir()
    (root / "0002" / "Question.txt").write_text("Add two numbers.")
    (root / "0003").mkdir()
    (root / "0003" / "notes.md").write_text("not a problem file")
    units = get_source("apps").units(root)
    assert units == ["0000", "0001", "0002", "0003"]
    pairs = by_id(load("apps", root))
    assert pairs["apps/0000"][0]["status"] == "ok"
    for task_id in ("apps/0001", "apps/0002", "apps/0003"):
        task, sols = pairs[task_id]
        assert task["status"] == "error" and sols == []
        assert reason_kind(task["reason"]) == "missing-file"
        assert "question.txt" in task["reason"]
    assert "found Question.txt" in pairs["apps/0002"][0]["reason"]
    assert_schema(pairs.values())


def test_apps_hugging_face_rows_give_the_same_tasks_as_the_directories():
    rows = by_id(load("apps", FIXTURES / "apps_rows" / "train.jsonl"))
    dirs = by_id(load("apps", FIXTURES / "apps"))
    for task_id in ("apps/train/0000", "apps/train/0001"):
        (rt, rs), (dt, ds) = rows[task_id], dirs[task_id]
        assert (rt["tests"], rt["mode"], rt["entry_point"]) == (
            dt["tests"],
            dt["mode"],
            dt["entry_point"],
        )
        assert [s["code"] for s in rs] == [s["code"] for s in ds]
    kinds = {reason_kind(t["reason"]) for t, _ in rows.values() if t["status"] != "ok"}
    assert kinds == {"bad-json"}  # the truncated line and the bad input_output column
    assert "apps/train/0002" in rows

"""The mini loader on the bundled suite (its data is checked in test_mini_suite.py)."""

from __future__ import annotations

import json

from effiskel.tasks.mini import task_dirs
from tests.tasks.loader_helpers import assert_schema, load


def test_mini_suite_loads_with_labelled_origins():
    pairs = load("mini")
    assert len(pairs) == len(task_dirs())
    assert_schema(pairs)
    assert all(t["status"] == "ok" and t["mode"] == "stdio" and t["tests"] for t, _ in pairs)
    for task, sols in pairs:
        labels = [s["label"] for s in json.loads(task["metadata"])["solutions"]]
        assert [s["origin"] for s in sols] == [f"mini:{label}" for label in labels]

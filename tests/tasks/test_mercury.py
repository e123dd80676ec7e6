"""The Mercury loader on a fixture mirroring its JSON lines."""

from __future__ import annotations

from effiskel.sandbox import Verdict
from effiskel.tasks.reasons import reason_kind
from tests.tasks.loader_helpers import FIXTURES, assert_schema, by_id, judge, load


def test_mercury_rows(sb):
    pairs = by_id(load("mercury", FIXTURES / "mercury" / "mercury.jsonl"))
    assert_schema(pairs.values())
    task, sols = pairs["mercury/two-sum"]
    assert [s["origin"] for s in sols] == ["mercury:52ms", "mercury:1840ms"]
    assert [judge(sb, s["code"], task).verdict for s in sols] == [Verdict.AC] * len(sols)
    # rotate-array returns None and is judged on its argument as the call left it (in place)
    rotate, sols = pairs["mercury/rotate-array"]
    assert all(t["output"] != "None" for t in rotate["tests"])
    assert [judge(sb, s["code"], rotate).verdict for s in sols] == [Verdict.AC] * len(sols)
    tree, tree_sols = pairs["mercury/maximum-depth-of-binary-tree"]
    assert (tree["status"], reason_kind(tree["reason"])) == (
        "skipped",
        "unsupported",
    ) and tree_sols
    bad, _ = pairs["mercury/reverse-integer"]
    assert (bad["status"], reason_kind(bad["reason"])) == ("error", "bad-json")

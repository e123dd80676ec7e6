"""`select_efficient` as a pure function over runs rows: roles, ranks, tie-breaks, drops."""

from __future__ import annotations

from effiskel.profile import (
    DROP_NO_CORRECT,
    DROP_NO_SOLUTIONS,
    DROP_NO_TESTS,
    DROP_UNUSABLE,
    select_efficient,
)

TASK = {"task_id": "t", "status": "ok", "tests": [{"input": "1", "output": "1"}],
        "prompt": "p", "source": "mini", "mode": "stdio", "entry_point": None}


def run(sid: str, verdict: str = "AC", time_ns: float | None = 1.0) -> dict:
    """A runs row; the ranking's level (median_ns) is what select_efficient orders by."""
    t = time_ns if verdict == "AC" else None
    return {"solution_id": sid, "verdict": verdict, "code": f"# {sid}", "time_ns": t,
            "median_ns": t}


def roles(rows):
    return [(r["solution_id"], r["role"], r["rank"]) for r in rows]


def test_top_k_fastest_first_then_slowest_then_incorrect():
    runs = [run("a", time_ns=30), run("b", time_ns=10), run("c", time_ns=20),
            run("d", time_ns=40), run("e", "RE"), run("f", "WA"), run("g", "SKIP"),
            run("h", "SE"), run("i", "TLE")]
    rows, drop = select_efficient(TASK, runs, top_k=2, max_incorrect=2)
    assert drop is None
    # the slowest ones outside the top K, slowest first; wrong answers first among the
    # incorrect; SKIP and SE are never "incorrect"
    assert roles(rows) == [("b", "top_k", 1), ("c", "top_k", 2), ("d", "slowest", 4),
                           ("a", "slowest", 3), ("f", "incorrect", None),
                           ("e", "incorrect", None)]


def test_max_slow_bounds_the_slow_ones_and_never_takes_a_top_k_one():
    runs = [run(s, time_ns=t) for s, t in zip("abcdefg", [1, 2, 3, 4, 5, 6, 7])]
    rows, _ = select_efficient(TASK, runs, top_k=5, max_slow=3)
    assert [r[0] for r in roles(rows) if r[1] == "slowest"] == ["g", "f"]
    rows, _ = select_efficient(TASK, runs, top_k=2, max_slow=1)
    assert [r[:2] for r in roles(rows) if r[1] == "slowest"] == [("g", "slowest")]


def test_ranked_by_the_robust_level_not_the_mean():
    runs = [{**run("a", time_ns=10), "median_ns": 30}, {**run("b", time_ns=20), "median_ns": 5}]
    rows, _ = select_efficient(TASK, runs, top_k=2)
    assert [r["solution_id"] for r in rows] == ["b", "a"]


def test_ties_are_broken_by_solution_id_so_reruns_agree():
    runs = [run("z", time_ns=5), run("m", time_ns=5), run("a", time_ns=5)]
    rows, _ = select_efficient(TASK, runs, top_k=3)
    assert [r["solution_id"] for r in rows] == ["a", "m", "z"]


def test_no_slowest_row_when_every_correct_solution_is_in_the_top_k():
    rows, _ = select_efficient(TASK, [run("a"), run("b", time_ns=2)], top_k=5)
    assert [r["role"] for r in rows] == ["top_k", "top_k"]


def test_each_reason_a_task_is_dropped():
    assert select_efficient({**TASK, "status": "error"}, [run("a")]) == ([], DROP_UNUSABLE)
    assert select_efficient({**TASK, "tests": []}, [run("a")]) == ([], DROP_NO_TESTS)
    assert select_efficient(TASK, []) == ([], DROP_NO_SOLUTIONS)
    assert select_efficient(TASK, [run("a", "WA"), run("b", "SKIP")]) == ([], DROP_NO_CORRECT)

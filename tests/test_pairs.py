"""Preference pairs of one task: correctness pairs round robin, efficiency pairs slowest first
with the min_slowdown boundary, the skeleton pair of each efficiency pair, and counts of
what is missing and why."""

from __future__ import annotations

import pytest

from effiskel.pairs import (
    CHOSEN_SKELETON,
    NO_EFFICIENT,
    NO_INCORRECT,
    NO_SLOW,
    NOT_SLOW_ENOUGH,
    REJECTED_SKELETON,
    PairsConfig,
    add_skeletons,
    build_pairs,
    code_pairs,
    count_pairs,
    rejected_ids,
)
from effiskel.schema import PAIRS, to_table
from effiskel.skeleton.inefficiency import inefficiency_skeleton
from effiskel.tasks.reasons import reason_kind
from tests.skeleton.test_inefficiency import FAST, PROFILE, SLOW


def row(sid, role, rank=None, time_ns=None, verdict="AC", code=None, task="T"):
    return {"task_id": task, "solution_id": sid, "role": role, "rank": rank, "time_ns": time_ns,
            "verdict": verdict, "code": code or f"print({sid!r})\n", "prompt": f"task {task}"}


EFFICIENT = [
    row("E2", "top_k", 2, 150.0),
    row("E1", "top_k", 1, 100.0),  # order of the input does not matter: rank does
    row("E3", "top_k", 3, 260.0),
    row("S3", "slowest", 6, 300.0),
    row("S1", "slowest", 8, 1000.0),
    row("S2", "slowest", 7, 520.0),
    row("W1", "incorrect", verdict="WA"),
    row("W2", "incorrect", verdict="RE"),
]


def pairs_of(rows, stage):
    return [(r["chosen_id"], r["rejected_id"]) for r in rows if r["stage"] == stage]


def test_correctness_pairs_give_each_efficient_solution_an_incorrect_one_round_robin():
    rows = code_pairs("T", EFFICIENT)
    assert pairs_of(rows, "correctness") == [("E1", "W1"), ("E2", "W2"), ("E3", "W1")]
    first = next(r for r in rows if r["stage"] == "correctness")
    assert (first["prompt"], first["chosen"], first["rejected"]) == (
        "task T", "print('E1')\n", "print('W1')\n")
    assert (first["rejected_verdict"], first["status"], first["slowdown"]) == ("WA", "ok", None)


def test_efficiency_pairs_take_the_slowest_qualifying_solutions_round_robin():
    rows = code_pairs("T", EFFICIENT)
    # Slowest first: S1 (1000), S2 (520), S3 (300). E1 (100) qualifies all three and takes
    # the first; E2 (150) all three (S3 at exactly 2x) and takes the second; E3 (260) only
    # S1 and S2 (S2 at exactly 2x) and takes 2 mod 2 = the first.
    assert pairs_of(rows, "efficiency") == [("E1", "S1"), ("E2", "S2"), ("E3", "S1")]
    assert [round(r["slowdown"], 4) for r in rows if r["stage"] == "efficiency"] == [
        10.0, round(520 / 150, 4), round(1000 / 260, 4)]
    assert rejected_ids(rows) == ["S1", "S2"]
    one = code_pairs("T", EFFICIENT, PairsConfig(efficiency_pairs_per_task=1))
    assert pairs_of(one, "efficiency") == [("E1", "S1")]
    assert len(pairs_of(one, "correctness")) == 3  # the limit is of efficiency pairs only


def test_min_slowdown_is_inclusive_and_below_it_the_task_says_how_far_off_it_is():
    at = code_pairs("T", [row("E1", "top_k", 1, 100.0), row("S1", "slowest", 2, 200.0)])
    assert [(r["chosen_id"], r["rejected_id"], r["slowdown"]) for r in at
            if r["stage"] == "efficiency"] == [("E1", "S1", 2.0)]
    below = code_pairs("T", [row("E1", "top_k", 1, 100.0), row("S1", "slowest", 2, 199.9)])
    (eff,) = [r for r in below if r["stage"] == "efficiency"]
    assert (eff["status"], reason_kind(eff["reason"])) == ("skipped", NOT_SLOW_ENOUGH)
    assert "slowest correct solution is 1.999x the time" in eff["reason"]
    # E1 (100) qualifies S1 and S2 at 5x, E2 (150) S1 alone, E3 (260) none: fewer pairs.
    assert pairs_of(code_pairs("T", EFFICIENT, PairsConfig(min_slowdown=5.0)), "efficiency") == [
        ("E1", "S1"), ("E2", "S1")]
    assert pairs_of(code_pairs("T", EFFICIENT, PairsConfig(min_slowdown=7.0)), "efficiency") == [
        ("E1", "S1")]


def test_tasks_without_pairs_get_one_skipped_row_per_stage_and_are_counted_by_reason():
    no_incorrect = code_pairs("A", [row("E1", "top_k", 1, 10.0, task="A"),
                                    row("S1", "slowest", 2, 90.0, task="A")])
    no_slow = code_pairs("B", [row("E1", "top_k", 1, 10.0, task="B"),
                               row("W1", "incorrect", verdict="WA", task="B")])
    nothing = code_pairs("C", [])
    untimed = code_pairs("D", [row("E1", "top_k", 1, 10.0, task="D"),
                               row("S1", "slowest", 2, None, task="D")])
    skipped = [(r["task_id"], r["stage"], reason_kind(r["reason"]))
               for r in no_incorrect + no_slow + nothing + untimed if r["status"] == "skipped"]
    assert skipped == [("A", "correctness", NO_INCORRECT), ("B", "efficiency", NO_SLOW),
                       ("C", "correctness", NO_EFFICIENT), ("C", "efficiency", NO_EFFICIENT),
                       ("D", "correctness", NO_INCORRECT), ("D", "efficiency", NO_SLOW)]
    counts = count_pairs(no_incorrect + no_slow + nothing + untimed + code_pairs("T", EFFICIENT))
    assert counts == {
        "pairs/correctness": 1 + 3, "pairs/efficiency": 1 + 3,
        "tasks_without/correctness/no-incorrect-solution": 2,
        "tasks_without/correctness/no-efficient-solution": 1,
        "tasks_without/efficiency/no-slow-solution": 2,
        "tasks_without/efficiency/no-efficient-solution": 1,
        # Skeletons were not added: code_pairs alone leaves the efficiency pairs without.
        "no_skeleton/": 4,
    }


def test_rows_of_another_task_are_refused():
    with pytest.raises(ValueError, match=r"task\(s\) \['X'\] given as rows of task 'T'"):
        code_pairs("T", [row("E1", "top_k", 1, 1.0, task="X")])


TAS_ROW = {"task_id": "T", "solution_id": "fast", "strategy": "tas", "status": "ok",
           "skeleton": "n = <MASK>\n<MASK>\n<MASK>\nfor x in a:\n<MASK>\n<MASK>\n<MASK>\n"}
SKELETON_TASK = [row("fast", "top_k", 1, 1_000.0, code=FAST),
                 row("slow", "slowest", 2, 50_000.0, code=SLOW),
                 row("W1", "incorrect", verdict="WA")]


def test_each_efficiency_pair_carries_the_fast_tas_skeleton_and_the_slow_inefficiency_one():
    rows = build_pairs("T", SKELETON_TASK, [TAS_ROW, {**TAS_ROW, "strategy": "sms",
                                                       "skeleton": "other"}],
                       {"slow": PROFILE})
    (eff,) = [r for r in rows if r["stage"] == "efficiency"]
    expected = inefficiency_skeleton("slow", SLOW, "fast", FAST, PROFILE)
    assert eff["chosen_skeleton"] == TAS_ROW["skeleton"]
    assert eff["rejected_skeleton"] == expected.skeleton
    assert "for j in range(i, n):" in eff["rejected_skeleton"]
    assert eff["rejected_char_mask"] == expected.mask.to_string()
    assert (eff["skeleton_status"], eff["skeleton_reason"], eff["slowdown"]) == ("ok", None, 50.0)
    (cor,) = [r for r in rows if r["stage"] == "correctness"]
    assert (cor["chosen_skeleton"], cor["skeleton_status"]) == (None, None)
    assert count_pairs(rows) == {"pairs/correctness": 1, "pairs/efficiency": 1,
                                 "skeleton_pairs": 1}
    assert to_table(rows, PAIRS).num_rows == 2  # every column fits the schema


@pytest.mark.parametrize(
    "skeletons, profiles, errors, kind, detail",
    [
        ([], {"slow": PROFILE}, {}, CHOSEN_SKELETON, "Stage 2 has no tas row with solution 'fast'"),
        ([{**TAS_ROW, "status": "error", "skeleton": None, "reason": "profile failed: TLE"}],
         {"slow": PROFILE}, {}, CHOSEN_SKELETON, "failed: profile failed: TLE"),
        ([TAS_ROW], {}, {"slow": "line profile of solution 'slow' failed: TLE: too slow"},
         REJECTED_SKELETON, "line profile of solution 'slow' failed: TLE"),
        ([TAS_ROW], {}, {}, REJECTED_SKELETON, "needs the line profile of slow solution 'slow'"),
        ([TAS_ROW], {"slow": {99: (1, 5)}}, {}, REJECTED_SKELETON, "names line 99"),
    ],
)
def test_an_efficiency_pair_without_its_skeleton_pair_stays_a_code_pair_and_says_why(
        skeletons, profiles, errors, kind, detail):
    rows = build_pairs("T", SKELETON_TASK, skeletons, profiles, errors)
    (eff,) = [r for r in rows if r["stage"] == "efficiency"]
    assert (eff["status"], eff["skeleton_status"]) == ("ok", "error")
    assert (eff["chosen_skeleton"], eff["rejected_skeleton"]) == (None, None)
    assert reason_kind(eff["skeleton_reason"]) == kind
    assert detail in eff["skeleton_reason"]
    assert count_pairs(rows)[f"no_skeleton/{kind}"] == 1


def test_an_unparsable_slow_solution_loses_its_skeleton_not_its_code_pair():
    task = [row("fast", "top_k", 1, 1.0, code=FAST),
            row("slow", "slowest", 2, 9.0, code="for i in range(3)\n    pass\n")]
    rows = add_skeletons(code_pairs("T", task), [TAS_ROW], {"slow": {1: (1, 5)}})
    (eff,) = [r for r in rows if r["stage"] == "efficiency"]
    assert eff["status"] == "ok" and eff["rejected"].startswith("for i")
    assert eff["skeleton_reason"].startswith(
        "rejected-skeleton: slow solution 'slow' does not parse")


def test_config_refuses_a_slowdown_below_one_and_an_unknown_strategy():
    with pytest.raises(ValueError, match="min_slowdown must be at least 1"):
        PairsConfig(min_slowdown=0.5)
    with pytest.raises(ValueError, match="strategy 'fast' is not one of"):
        PairsConfig(strategy="fast")

"""extract_task: one SKELETONS row per efficient solution and strategy, error rows instead of
exceptions, the config."""

from __future__ import annotations

import dataclasses

import pytest

from effiskel import config, schema
from effiskel.skeleton.extract import SkeletonConfig, extract_task
from effiskel.skeleton.render import CharMask, check_skeleton

GOOD = [
    "n = int(input())\nprint(sum(range(n)))\n",
    "m = int(input())\nprint(sum(range(m)))  # same\n",
    "k = int(input())\nprint(k * (k - 1) // 2)\n",
]
PROFILE = {1: (1, 100), 2: (1, 900)}
PROFILES = {f"s{i}": PROFILE for i in range(len(GOOD))}
STRATEGIES = ["sms", "sss", "tas"]


def solutions(*codes, first_rank: int = 1) -> list[dict]:
    return [
        {"solution_id": f"s{i}", "code": c, "rank": first_rank + i} for i, c in enumerate(codes)
    ]


def by_strategy(rows: list[dict], rank: int = 1) -> dict[str, dict]:
    mine = [r for r in rows if r["rank"] == rank]
    assert len(mine) == len({r["strategy"] for r in mine})
    return {r["strategy"]: r for r in mine}


def test_one_row_per_solution_and_strategy_fitting_the_schema():
    rows = extract_task("t", "sum below n", solutions(*GOOD), PROFILES)
    assert [(r["solution_id"], r["rank"], r["strategy"]) for r in rows] == [
        (f"s{i}", i + 1, s) for i in range(3) for s in STRATEGIES
    ]
    table = schema.to_table(rows, schema.SKELETONS)
    assert set(rows[0]) <= set(schema.SKELETONS.names)  # nothing silently dropped
    assert table.num_rows == 9
    for r in rows:
        assert r["status"] == "ok" and r["reason"] is None
        assert r["prompt"] == "sum below n" and r["num_solutions"] == 3
        assert r["code"] == GOOD[r["rank"] - 1]  # each solution is C_ref of its own rows
        assert len(r["char_mask"]) == len(r["code"])
        check_skeleton(CharMask.from_string(r["code"], r["char_mask"]), r["skeleton"])
        assert 0 < r["kept_fraction"] <= 1


def test_each_reference_is_compared_with_the_others():
    # s2 computes the sum differently: the three share `= int(input())`, `print` and an
    # ordered `( ( ) )` on line 2, which lands on different tokens of each reference.
    rows = extract_task("t", None, solutions(*GOOD), PROFILES, SkeletonConfig(strategies=("sms",)))
    assert [r["skeleton"] for r in rows] == [
        "<MASK> = int(input())\nprint<MASK>(<MASK>(<MASK>))\n",
        "<MASK> = int(input())\nprint<MASK>(<MASK>(<MASK>))  <MASK>\n",  # its comment too
        "<MASK> = int(input())\nprint(<MASK> (<MASK>) <MASK>)\n",
    ]


def test_solutions_are_ranked_and_k_caps_the_pool():
    unranked = {"solution_id": "unranked", "code": GOOD[0], "rank": None}
    sols = [
        unranked,
        *solutions(*GOOD, first_rank=2),
        {"solution_id": "best", "code": GOOD[2], "rank": 1},
    ]
    rows = extract_task("t", None, sols, {"best": PROFILE, "s0": PROFILE},
                        SkeletonConfig(max_solutions=2))
    assert [(r["solution_id"], r["rank"]) for r in rows] == [("best", 1)] * 3 + [("s0", 2)] * 3
    assert {r["num_solutions"] for r in rows} == {2}


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("def f(:\n    pass\n", "does not parse: invalid syntax"),
        (b"x = '\xff'\n", "is not UTF-8"),
        ('x = "\udcff"\n', "is not valid UTF-8"),
        ("x = 1\ry = 2\n", "bare carriage return"),
        ("if x:\n  y = 1\n z = 2\n", "does not parse: unindent"),
        (None, "expected text"),
    ],
)
def test_an_unreadable_solution_is_left_out_with_its_reason(bad, problem):
    sols = solutions(*GOOD[:2]) + [{"solution_id": "bad", "code": bad, "rank": 3}]
    rows = extract_task("t", None, sols, PROFILES)
    good, mine = rows[:6], rows[6:]
    for r in good:
        assert r["status"] == "ok"
        assert r["num_solutions"] == 2
        assert (
            "left out 1 of 3" in r["reason"] and "'bad'" in r["reason"] and problem in r["reason"]
        )
    # ... and is not silently dropped: its own rows are errors naming it.
    assert [(r["solution_id"], r["rank"], r["status"]) for r in mine] == [("bad", 3, "error")] * 3
    assert all(r["reason"].startswith("reference solution 'bad' ") and problem in r["reason"]
               for r in mine)
    schema.to_table(rows, schema.SKELETONS)


@pytest.mark.parametrize(
    "ref, problem, stored",
    [
        ("for x in :\n", "does not parse", "for x in :\n"),
        ('x = "\udcff"\n', "is not valid UTF-8", None),  # Parquet could not store this code
        (b"x = 1\n\xff", "is not UTF-8", None),
    ],
)
def test_a_broken_reference_gives_error_rows_naming_it(ref, problem, stored):
    sols = [{"solution_id": "ref", "code": ref, "rank": 1}, *solutions(*GOOD, first_rank=2)]
    rows = extract_task("t", None, sols, PROFILES)
    assert len(rows) == 12
    for r in rows[:3]:
        assert r["status"] == "error" and r["skeleton"] is None and r["char_mask"] is None
        assert f"reference solution 'ref' {problem}" in r["reason"]
        assert r["code"] == stored and r["num_solutions"] == 3
    assert all(r["status"] == "ok" and "left out 1 of 4" in r["reason"] for r in rows[3:])
    schema.to_table(rows, schema.SKELETONS)


def test_a_reference_given_as_utf8_bytes_is_stored_as_text():
    rows = extract_task("t", None, solutions(GOOD[0].encode(), *GOOD[1:]), PROFILES)
    assert all(r["status"] == "ok" for r in rows)
    assert {r["code"] for r in rows if r["rank"] == 1} == {GOOD[0]}


@pytest.mark.parametrize(
    "ref, problem",
    [
        ("# nothing but a comment\n", "has no code tokens"),
        ("s = '<MASK>'\nprint(s)\n", "contains the text <MASK>"),
    ],
)
def test_a_reference_that_cannot_have_a_skeleton_gives_error_rows(ref, problem):
    rows = extract_task("t", None, solutions(ref, *GOOD), {"s0": PROFILE, **{
        f"s{i}": PROFILE for i in range(1, 4)}})
    assert all(r["status"] == "error" and problem in r["reason"] for r in rows[:3])
    assert all(r["code"] == ref for r in rows[:3])  # the code stays, for EffiCoder*
    assert all(r["status"] == "ok" for r in rows[3:])  # as another solution it still counts


def test_too_few_solutions():
    rows = extract_task("t", None, solutions(GOOD[0], "def f(:\n"), PROFILES)
    assert len(rows) == 6 and all(r["status"] == "error" for r in rows)
    assert all("only 1 usable solution" in r["reason"] and r["code"] == GOOD[0]
               for r in rows[:3])
    empty = extract_task("t", None, [], PROFILES)
    assert [(r["strategy"], r["status"], r["solution_id"]) for r in empty] == [
        (s, "error", None) for s in STRATEGIES]
    assert all(r["reason"] == "task has no solutions" for r in empty)


def test_a_lone_solution_keeps_everything_when_allowed():
    code = "n = int(input())  # read\nprint(n + 1)\n"
    cfg = SkeletonConfig(min_solutions=1)
    rows = by_strategy(extract_task("t", None, solutions(code), PROFILES, cfg))
    assert rows["sms"]["skeleton"] == "n = int(input())  <MASK>\nprint(n + 1)\n"
    assert rows["sss"]["skeleton"] == "n = int(input())  <MASK>\nprint(n + 1)\n"
    assert rows["sms"]["kept_fraction"] == rows["sss"]["kept_fraction"] == 1.0


def test_tas_without_profiles_is_an_error_row_and_the_others_still_come():
    rows = extract_task("t", None, solutions(*GOOD), None)
    for rank in (1, 2, 3):
        mine = by_strategy(rows, rank)
        assert mine["sms"]["status"] == mine["sss"]["status"] == "ok"
        assert mine["tas"]["status"] == "error"
        assert (f"needs the line profile of reference solution 's{rank - 1}'"
                in mine["tas"]["reason"])


def test_tas_without_a_profile_says_why_it_is_missing():
    rows = extract_task("t", None, solutions(*GOOD), {"s1": PROFILE, "s2": PROFILE},
                        profile_errors={"s0": "line profile of solution 's0' failed: TLE"})
    assert by_strategy(rows)["tas"]["reason"] == "line profile of solution 's0' failed: TLE"
    # the others' TAS rows are made without s0's hot statements, and say so
    for rank in (2, 3):
        tas = by_strategy(rows, rank)["tas"]
        assert tas["status"] == "ok"
        assert tas["reason"] == ("TAS left out the hot statements of solution 's0': "
                                 "line profile of solution 's0' failed: TLE")
    # a broken reference is the reason on all its rows, TAS's included, whatever the profile
    broken = extract_task("t", None, solutions("def f(:\n", *GOOD), None,
                          profile_errors={"s0": "line profile of solution 's0' failed: RE"})
    assert all(r["status"] == "error" and "reference solution 's0'" in r["reason"]
               for r in broken[:3])


def test_tas_with_a_profile_of_another_program_is_an_error_row():
    rows = extract_task("t", None, solutions(*GOOD), {**PROFILES, "s0": {40: (1, 10)}})
    tas = by_strategy(rows)["tas"]
    assert tas["status"] == "error"
    assert tas["reason"] == (
        "line profile of solution 's0': line profile names line 40 but the code has 3 lines; "
        "was it profiled from another program?")
    assert by_strategy(rows, 2)["tas"]["status"] == "ok"
    assert "left out the hot statements of solution 's0'" in by_strategy(rows, 2)["tas"]["reason"]


def test_tas_contains_sss():
    rows = extract_task("t", None, solutions(*GOOD), PROFILES)
    for rank in (1, 2, 3):
        mine = by_strategy(rows, rank)
        sss = CharMask.from_string(mine["sss"]["code"], mine["sss"]["char_mask"])
        tas = CharMask.from_string(mine["tas"]["code"], mine["tas"]["char_mask"])
        assert sss.is_subset(tas)


def test_config_loads_with_overrides_and_documents_every_field(tmp_path):
    path = tmp_path / "skeleton.yaml"
    path.write_text("sss_threshold: 0.9\nstrategies: [sms, tas]\n")
    cfg = config.load(SkeletonConfig, path, ["max_solutions=3", "strategies=sss,tas"])
    assert cfg == SkeletonConfig(strategies=("sss", "tas"), max_solutions=3, sss_threshold=0.9)
    assert config.load(SkeletonConfig, None, []) == SkeletonConfig()
    docs = config.field_docs(SkeletonConfig)
    assert set(docs) == {f.name for f in dataclasses.fields(SkeletonConfig)}
    with pytest.raises(config.ConfigError, match="unknown \\['lcs'\\]"):
        config.load(SkeletonConfig, None, ["strategies=sms,lcs"])
    with pytest.raises(config.ConfigError, match="names one strategy twice"):
        config.load(SkeletonConfig, None, ["strategies=sms,sms"])
    with pytest.raises(config.ConfigError, match="sss_threshold"):
        config.load(SkeletonConfig, None, ["sss_threshold=1.5"])


def test_paper_defaults():
    cfg = SkeletonConfig()
    assert (cfg.max_solutions, cfg.min_nodes, cfg.sss_threshold) == (5, 3, 0.8)
    assert cfg.strategies == ("sms", "sss", "tas")
    assert cfg.tas_include_hottest is False  # our refinement, not the paper's rule


def test_the_hottest_line_option_changes_a_flat_profile_only():
    flat = {1: (1, 500), 2: (1, 500)}  # no line exceeds δ
    rows = {cfg: by_strategy(extract_task("t", None, solutions(*GOOD), {
        f"s{i}": flat for i in range(3)}, SkeletonConfig(tas_include_hottest=cfg)))["tas"]
        for cfg in (False, True)}
    assert rows[False]["skeleton"] != rows[True]["skeleton"]
    # with the option, both lines (equally hottest) are kept whole
    assert rows[True]["skeleton"] == GOOD[0]

"""extract_task: one SKELETONS row per strategy, error rows instead of exceptions, the config."""

from __future__ import annotations

import dataclasses

import pytest

from effiskel import config, schema
from effiskel.skeleton import SkeletonConfig, extract_task
from effiskel.skeleton.render import CharMask, check_skeleton

GOOD = [
    "n = int(input())\nprint(sum(range(n)))\n",
    "m = int(input())\nprint(sum(range(m)))  # same\n",
    "k = int(input())\nprint(k * (k - 1) // 2)\n",
]
PROFILE = {1: (1, 100), 2: (1, 900)}


def solutions(*codes, first_rank: int = 1) -> list[dict]:
    return [
        {"solution_id": f"s{i}", "code": c, "rank": first_rank + i} for i, c in enumerate(codes)
    ]


def by_strategy(rows: list[dict]) -> dict[str, dict]:
    assert len(rows) == len({r["strategy"] for r in rows})
    return {r["strategy"]: r for r in rows}


def test_rows_fit_the_schema_and_verify():
    rows = extract_task("t", "sum below n", solutions(*GOOD), PROFILE)
    assert [r["strategy"] for r in rows] == ["sms", "sss", "tas"]
    table = schema.to_table(rows, schema.SKELETONS)
    assert set(rows[0]) <= set(schema.SKELETONS.names)  # nothing silently dropped
    assert table.num_rows == 3
    for r in rows:
        assert r["status"] == "ok" and r["reason"] is None
        assert r["solution_id"] == "s0" and r["prompt"] == "sum below n" and r["num_solutions"] == 3
        assert len(r["char_mask"]) == len(r["code"])
        check_skeleton(CharMask.from_string(r["code"], r["char_mask"]), r["skeleton"])
        assert 0 < r["kept_fraction"] <= 1


def test_reference_is_the_best_ranked_and_k_caps_the_pool():
    unranked = {"solution_id": "unranked", "code": GOOD[0], "rank": None}
    sols = [
        unranked,
        *solutions(*GOOD, first_rank=2),
        {"solution_id": "best", "code": GOOD[2], "rank": 1},
    ]
    rows = extract_task("t", None, sols, PROFILE, SkeletonConfig(max_solutions=2))
    assert {r["solution_id"] for r in rows} == {"best"}
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
    rows = extract_task("t", None, sols, PROFILE)
    for r in rows:
        assert r["status"] == "ok"
        assert r["num_solutions"] == 2
        assert (
            "left out 1 of 3" in r["reason"] and "'bad'" in r["reason"] and problem in r["reason"]
        )


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
    rows = extract_task("t", None, sols, PROFILE)
    assert len(rows) == 3
    for r in rows:
        assert r["status"] == "error" and r["skeleton"] is None and r["char_mask"] is None
        assert f"reference solution 'ref' {problem}" in r["reason"]
        assert r["code"] == stored and r["num_solutions"] == 3
    schema.to_table(rows, schema.SKELETONS)


def test_a_reference_given_as_utf8_bytes_is_stored_as_text():
    rows = extract_task("t", None, solutions(GOOD[0].encode(), *GOOD[1:]), PROFILE)
    assert all(r["status"] == "ok" and r["code"] == GOOD[0] for r in rows)


@pytest.mark.parametrize(
    "ref, problem",
    [
        ("# nothing but a comment\n", "has no code tokens"),
        ("s = '<MASK>'\nprint(s)\n", "contains the text <MASK>"),
    ],
)
def test_a_reference_that_cannot_have_a_skeleton_gives_error_rows(ref, problem):
    rows = extract_task("t", None, solutions(ref, *GOOD), PROFILE)
    assert all(r["status"] == "error" and problem in r["reason"] for r in rows)


def test_too_few_solutions():
    rows = extract_task("t", None, solutions(GOOD[0], "def f(:\n"), PROFILE)
    assert all(r["status"] == "error" and "only 1 usable solution" in r["reason"] for r in rows)
    assert all(r["status"] == "error" for r in extract_task("t", None, [], PROFILE))


def test_a_lone_solution_keeps_everything_when_allowed():
    code = "n = int(input())  # read\nprint(n + 1)\n"
    cfg = SkeletonConfig(min_solutions=1)
    rows = by_strategy(extract_task("t", None, solutions(code), PROFILE, cfg))
    assert rows["sms"]["skeleton"] == "n = int(input())  <MASK>\nprint(n + 1)\n"
    assert rows["sss"]["skeleton"] == "n = int(input())  <MASK>\nprint(n + 1)\n"
    assert rows["sms"]["kept_fraction"] == rows["sss"]["kept_fraction"] == 1.0


def test_tas_without_a_profile_is_an_error_row_and_the_others_still_come():
    rows = by_strategy(extract_task("t", None, solutions(*GOOD), None))
    assert rows["sms"]["status"] == rows["sss"]["status"] == "ok"
    assert rows["tas"]["status"] == "error"
    assert "needs the line profile of reference solution 's0'" in rows["tas"]["reason"]


def test_tas_without_a_profile_says_why_it_is_missing():
    rows = by_strategy(extract_task("t", None, solutions(*GOOD), None,
                                    profile_error="line profile of the reference failed: TLE"))
    assert rows["tas"]["reason"] == "line profile of the reference failed: TLE"
    # a broken reference is the reason on every row, TAS's included, whatever the profile
    broken = extract_task("t", None, solutions("def f(:\n", *GOOD), None,
                          profile_error="line profile of the reference failed: RE")
    assert all(r["status"] == "error" and "reference solution 's0'" in r["reason"]
               for r in broken)


def test_tas_with_a_profile_of_another_program_is_an_error_row():
    rows = by_strategy(extract_task("t", None, solutions(*GOOD), {40: (1, 10)}))
    assert rows["tas"]["status"] == "error"
    assert "names line 40 but the reference has 3 lines" in rows["tas"]["reason"]


def test_tas_contains_sss():
    rows = by_strategy(extract_task("t", None, solutions(*GOOD), PROFILE))
    sss = CharMask.from_string(rows["sss"]["code"], rows["sss"]["char_mask"])
    tas = CharMask.from_string(rows["tas"]["code"], rows["tas"]["char_mask"])
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

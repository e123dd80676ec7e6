"""TAS: the SSS skeleton plus the reference's hot statements from its line profile."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.render import CharMask, SourceLines, render
from effiskel.skeleton.sms import normalize
from effiskel.skeleton.sss import candidates, parse, sss_mask
from effiskel.skeleton.tas import hot_lines, statement_parts, tas_mask
from tests.skeleton.programs import programs


def parts(code: str) -> list[str]:
    spans = statement_parts(parse(code), normalize(code), SourceLines(code))
    return sorted(code[s:e] for s, e in spans)


def tas(code: str, profile: dict, others: list[str] = ()) -> str:
    tree = parse(code)
    ref = candidates(tree, SourceLines(code))
    rest = [candidates(parse(o), SourceLines(o)) for o in others]
    sss = sss_mask(code, ref, rest, 0.8) if others else CharMask.from_spans(code, [])
    return render(tas_mask(sss, tree, normalize(code), profile))


def test_delta_is_the_mean_over_executed_lines():
    profile = {1: (1, 100), 2: (5, 400), 3: (0, 0), 4: (2, 300), 5: (0, 999)}
    # Executed: 100, 400, 300, mean 266.7; line 5 never ran, so its time does not count.
    assert hot_lines(profile, 5) == {2, 4}


def test_flat_profile_still_marks_the_hottest_line():
    assert hot_lines({1: (1, 50), 2: (1, 50)}, 2) == {1, 2}
    assert hot_lines({1: (1, 50), 2: (1, 50)}, 2, include_hottest=False) == set()
    assert hot_lines({1: (3, 0)}, 1) == set()  # nothing took time: nothing is hot


def test_profile_keys_may_be_strings_as_after_json():
    assert hot_lines({"1": [1, 10], "2": [1, 30]}, 2) == {2}


@pytest.mark.parametrize(
    "profile, problem",
    [
        ({7: (1, 10)}, "names line 7 but the reference has 3 lines"),
        ({1: (0, 10)}, "no executed line"),
        ({}, "no executed line"),
        ({1: 10}, "is not line: \\(hits, time_ns\\)"),
    ],
)
def test_bad_profiles_are_named(profile, problem):
    with pytest.raises(SkeletonInputError, match=problem):
        hot_lines(profile, 3)


def test_compound_statements_contribute_their_header_only():
    code = (
        "def f(x: int = {1: 2}) -> dict:\n"
        "    for k in sorted(x, key=lambda v: -v):\n"
        "        if lambda: 0:\n"
        "            pass\n"
        "        elif k[1:]: x = 1; y = 2\n"
        "    try:\n"
        "        with open(p) as h: pass\n"
        "    except (KeyError, ValueError) as e:\n"
        "        raise\n"
        "class A(B): pass\n"
        "match q:\n"
        "    case {1: _}:\n"
        "        pass\n"
    )
    assert parts(code) == sorted(
        [
            "def f(x: int = {1: 2}) -> dict:",
            "for k in sorted(x, key=lambda v: -v):",
            "if lambda: 0:",
            "pass",
            "elif k[1:]:",
            "x = 1",
            "y = 2",
            "try:",
            "with open(p) as h:",
            "pass",
            "except (KeyError, ValueError) as e:",
            "raise",
            "class A(B):",
            "pass",
            "match q:",
            "pass",
        ]
    )


def test_hot_statement_is_added_and_a_hot_loop_header_keeps_only_the_header():
    code = "n = int(input())\nfor i in range(n):\n    s = i * i\n    t = s + 1\nprint(n)\n"
    # Line 3 is hot: its statement is kept, the rest masked (no SSS here).
    got = tas(code, {1: (1, 10), 2: (9, 30), 3: (8, 500), 4: (8, 20), 5: (1, 10)})
    assert got == "<MASK>\n<MASK>\n    s = i * i\n    <MASK>\n<MASK>\n"
    got = tas(code, {1: (1, 10), 2: (9, 900), 3: (8, 50), 4: (8, 20), 5: (1, 10)})
    assert got == "<MASK>\nfor i in range(n):\n    <MASK>\n    <MASK>\n<MASK>\n"


def test_multi_line_statement_is_added_whole():
    code = "x = f(1,\n      2)\ny = 3\n"
    assert tas(code, {1: (1, 5), 2: (1, 90), 3: (1, 5)}) == "x = f(1,\n      2)\n<MASK>\n"


@settings(max_examples=60, deadline=None)
@given(st.lists(programs(), min_size=2, max_size=4), st.data())
def test_tas_contains_sss_and_the_hottest_line(codes, data):
    code = codes[0]
    tree = parse(code)
    statement_lines = sorted({n.lineno for n in ast.walk(tree) if isinstance(n, ast.stmt)})
    if not statement_lines:
        return
    executed = data.draw(st.lists(st.sampled_from(statement_lines), min_size=1, unique=True))
    times = data.draw(
        st.lists(st.integers(1, 10**6), min_size=len(executed), max_size=len(executed))
    )
    profile = {line: (1, t) for line, t in zip(executed, times)}
    ref = candidates(tree, SourceLines(code))
    sss = sss_mask(code, ref, [candidates(parse(c), SourceLines(c)) for c in codes[1:]], 0.8)
    mask = tas_mask(sss, tree, normalize(code), profile)
    hottest = max(profile, key=lambda line: profile[line][1])
    lines = SourceLines(code)
    # Every token of the statements on the hottest line; a `;` between two
    # statements belongs to neither.
    on_hottest = [
        t for t in normalize(code) if lines.line_of(t.start) == hottest and t.string != ";"
    ]
    assert on_hottest and all(mask.kept(t.start) for t in on_hottest)

"""TAS: the SSS skeleton plus hot statements, the reference's own and those of the other
solutions that reach it through their best-matching statement."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.render import CharMask, SourceLines, render
from effiskel.skeleton.sms import normalize
from effiskel.skeleton.sss import candidates, parse, similarity, sss_mask
from effiskel.skeleton.tas import best_match, hot_lines, hot_parts, statement_parts, tas_mask
from tests.skeleton.programs import programs


def parts_of(code: str):
    return statement_parts(parse(code), normalize(code), SourceLines(code))


def parts(code: str) -> list[str]:
    return sorted(code[p.start : p.end] for p in parts_of(code))


def tas(code: str, profile: dict, others: list[str] = (), other_profiles: list[dict] = (),
        with_sss: bool = True) -> str:
    """TAS of `code` against `others`; with_sss=False leaves SSS out, to see hot parts alone."""
    ref = candidates(parse(code), SourceLines(code))
    rest = [candidates(parse(o), SourceLines(o)) for o in others]
    sss = sss_mask(code, ref, rest, 0.8) if with_sss else CharMask.from_spans(code, [])
    ref_hot = hot_lines(profile, SourceLines(code).count)
    others_hot = [hot_parts(parts_of(o), hot_lines(p, SourceLines(o).count))
                  for o, p in zip(others, other_profiles)]
    return render(tas_mask(sss, parts_of(code), ref_hot, others_hot, 0.8))


def test_delta_is_the_mean_over_executed_lines():
    profile = {1: (1, 100), 2: (5, 400), 3: (0, 0), 4: (2, 300), 5: (0, 999)}
    # Executed: 100, 400, 300, mean 266.7; line 5 never ran, so its time does not count.
    assert hot_lines(profile, 5) == {2, 4}


def test_a_flat_profile_has_no_hot_line_unless_the_hottest_is_asked_for():
    assert hot_lines({1: (1, 50), 2: (1, 50)}, 2) == set()  # the paper's rule: t > δ
    assert hot_lines({1: (1, 50), 2: (1, 50)}, 2, include_hottest=True) == {1, 2}
    assert hot_lines({1: (1, 50), 2: (1, 80), 3: (1, 80)}, 3) == {2, 3}
    assert hot_lines({1: (3, 0)}, 1, include_hottest=True) == set()  # nothing took time


def test_profile_keys_may_be_strings_as_after_json():
    assert hot_lines({"1": [1, 10], "2": [1, 30]}, 2) == {2}


@pytest.mark.parametrize(
    "profile, problem",
    [
        ({7: (1, 10)}, "names line 7 but the code has 3 lines"),
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
    got = tas(code, {1: (1, 10), 2: (9, 30), 3: (8, 500), 4: (8, 20), 5: (1, 10)},
              with_sss=False)
    assert got == "<MASK>\n<MASK>\n    s = i * i\n    <MASK>\n<MASK>\n"
    got = tas(code, {1: (1, 10), 2: (9, 900), 3: (8, 50), 4: (8, 20), 5: (1, 10)},
              with_sss=False)
    assert got == "<MASK>\nfor i in range(n):\n    <MASK>\n    <MASK>\n<MASK>\n"


def test_multi_line_statement_is_added_whole():
    code = "x = f(1,\n      2)\ny = 3\n"
    got = tas(code, {1: (1, 5), 2: (1, 90), 3: (1, 5)}, with_sss=False)
    assert got == "x = f(1,\n      2)\n<MASK>\n"


REF = "n = int(input())\ntotal = 0\nfor i in range(n):\n    total += i * i\nprint(total)\n"
COLD = {1: (1, 10), 2: (1, 10), 3: (1, 10), 4: (1, 10), 5: (1, 40)}  # only line 5 is hot


def test_another_solutions_hot_statement_reaches_its_best_match_in_the_reference():
    other = "m = int(input())\nacc = 0\nfor k in range(m):\n    acc += k * k\nprint(acc)\n"
    hot_body = {1: (1, 10), 2: (1, 10), 3: (9, 20), 4: (8, 900), 5: (1, 10)}
    got = tas(REF, COLD, [other], [hot_body], with_sss=False)
    assert got == "<MASK>\n<MASK>\n<MASK>\n    total += i * i\nprint(total)\n"
    # A hot loop header reaches the reference's header, not its body.
    hot_header = {1: (1, 10), 2: (1, 10), 3: (9, 900), 4: (8, 20), 5: (1, 10)}
    got = tas(REF, COLD, [other], [hot_header], with_sss=False)
    assert got == "<MASK>\n<MASK>\nfor i in range(n):\n    <MASK>\nprint(total)\n"


def test_a_hot_statement_without_a_match_above_the_threshold_adds_nothing():
    # `acc = sum(k * k for k in range(m))` is no statement of REF's shape (best Dice < 0.8).
    other = "m = int(input())\nacc = sum(k * k for k in range(m))\nprint(acc)\n"
    hot = {1: (1, 10), 2: (1, 900), 3: (1, 10)}
    assert tas(REF, COLD, [other], [hot], with_sss=False) == (
        "<MASK>\n<MASK>\n<MASK>\n    <MASK>\nprint(total)\n")
    assert best_match(parts_of(other)[1], parts_of(REF), 0.8) is None


def test_small_statements_are_not_matched_across_solutions():
    # `while True:`, `del x`, `break`: too few nodes for a meaningful Dice (min_nodes = 3,
    # as SSS), so the other's identical hot lines 2-3 do not reach the reference.
    ref = "while True:\n    del x\n    break\n"
    other = "while True:\n    del a\n    break\n"
    assert [p.shape is None for p in parts_of(ref)] == [True, True, True]
    hot = {1: (1, 1), 2: (1, 90), 3: (1, 90)}
    got = tas(ref, {1: (1, 90), 2: (1, 1), 3: (1, 1)}, [other], [hot], with_sss=False)
    assert got == "while True:\n    <MASK>\n    <MASK>\n"


def test_ties_go_to_the_statement_at_the_same_place():
    # `l, r = map(...)` has the shape of line 1 and of line 3; the hot one is in the loop.
    ref = "n, q = map(int, input().split())\nfor _ in range(q):\n    l, r = map(int, input().split())\n    print(r - l)\n"
    other = "import sys\nn, q = map(int, input().split())\nfor _ in range(q):\n    a, b = map(int, input().split())\n    print(b - a)\n"
    hot = {1: (1, 1), 2: (1, 1), 3: (1, 1), 4: (9, 900), 5: (9, 10)}
    ref_profile = {1: (1, 1), 2: (1, 1), 3: (1, 1), 4: (1, 9)}  # line 4 hot
    got = tas(ref, ref_profile, [other], [hot], with_sss=False)
    assert got == "<MASK>\n<MASK>\n    l, r = map(int, input().split())\n    print(r - l)\n"


@settings(max_examples=60, deadline=None)
@given(programs(), st.integers(1, 6))
def test_statement_profiles_reused_from_the_candidates_are_the_same(code, min_nodes):
    tree, lines = parse(code), SourceLines(code)
    reused = statement_parts(tree, normalize(code), lines, min_nodes,
                             candidates(tree, lines, min_nodes))
    assert reused == statement_parts(tree, normalize(code), lines, min_nodes)


def test_best_match_is_the_most_similar():
    ref = "a = x + y\nb = x * y - z\nc = f(x, y)\n"
    (s,) = [p for p in parts_of("q = u * v - w\n")]
    match = best_match(s, parts_of(ref), 0.5)
    assert ref[match.start : match.end] == "b = x * y - z"


def naive_hot(code, others, profile, other_profiles) -> CharMask:
    """The definition spelled out, SSS aside: the reference's hot parts, and for each hot
    part of another solution the reference part of the highest Dice above 0.8, nearest
    its place on ties, then first."""
    ref_parts = parts_of(code)
    hot = hot_lines(profile, SourceLines(code).count)
    spans = [(p.start, p.end) for p in ref_parts
             if set(range(p.first_line, p.last_line + 1)) & hot]
    for o, prof in zip(others, other_profiles):
        o_hot = hot_lines(prof, SourceLines(o).count)
        for s in parts_of(o):
            if s.shape is None or not set(range(s.first_line, s.last_line + 1)) & o_hot:
                continue
            scored = [(similarity(s.shape, p.shape), -abs(p.where - s.where), -k, p)
                      for k, p in enumerate(ref_parts) if p.shape is not None]
            scored = [t for t in scored if t[0] > 0.8]
            if scored:
                p = max(scored, key=lambda t: t[:3])[3]
                spans.append((p.start, p.end))
    return CharMask.from_spans(code, spans)


def draw_profile(data, code: str) -> dict:
    statement_lines = sorted({n.lineno for n in ast.walk(parse(code)) if isinstance(n, ast.stmt)})
    executed = data.draw(st.lists(st.sampled_from(statement_lines), min_size=1, unique=True))
    times = data.draw(
        st.lists(st.integers(1, 10**6), min_size=len(executed), max_size=len(executed))
    )
    return {line: (1, t) for line, t in zip(executed, times)}


@settings(max_examples=60, deadline=None)
@given(st.lists(programs(), min_size=2, max_size=4), st.data())
def test_tas_is_the_definition_and_contains_sss_and_every_hot_line(codes, data):
    if any(not [n for n in ast.walk(parse(c)) if isinstance(n, ast.stmt)] for c in codes):
        return
    code, others = codes[0], codes[1:]
    profiles = [draw_profile(data, c) for c in codes]
    ref = candidates(parse(code), SourceLines(code))
    rest = [candidates(parse(c), SourceLines(c)) for c in others]
    sss = sss_mask(code, ref, rest, 0.8)
    lines = SourceLines(code)
    others_hot = [hot_parts(parts_of(o), hot_lines(p, SourceLines(o).count))
                  for o, p in zip(others, profiles[1:])]
    ref_hot = hot_lines(profiles[0], lines.count)
    mask = tas_mask(sss, parts_of(code), ref_hot, others_hot, 0.8)
    hot = naive_hot(code, others, profiles[0], profiles[1:])
    assert mask == sss | hot
    # Without SSS the hot parts are seen alone (SSS often keeps them already).
    assert tas_mask(CharMask.from_spans(code, []), parts_of(code), ref_hot, others_hot) == hot
    # Every token of the statements on a hot line; a `;` between two statements
    # belongs to neither.
    hot = hot_lines(profiles[0], lines.count)
    on_hot = [t for t in normalize(code) if lines.line_of(t.start) in hot and t.string != ";"]
    assert all(mask.kept(t.start) for t in on_hot)

"""SSS: normalized AST profiles, Dice similarity, shared subtrees of the reference."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.render import CharMask, SourceLines, render
from effiskel.skeleton.sss import candidates, maximal_shared, parse, similarity, sss_mask
from tests.skeleton.programs import long_program, programs

THRESHOLDS = st.sampled_from([0.0, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0])


def subtrees(code: str, min_nodes: int = 3):
    return candidates(parse(code), SourceLines(code), min_nodes)


def expression(code: str):
    """The candidate of a one-expression program's expression (not its Expr statement)."""
    return [s for s in subtrees(code + "\n", 1) if s.start == 0 and s.end == len(code)][-1]


def naive_mask(code, ref, others, threshold) -> CharMask:
    """The definition, spelled out: every candidate of ref that every other matches."""
    shared = [
        s for s in ref if all(any(similarity(s, o) > threshold for o in other) for other in others)
    ]
    return CharMask.from_spans(code, [(s.start, s.end) for s in shared])


def test_similarity_ignores_identifiers_and_literal_values_but_not_types():
    assert similarity(expression("total + x[i]"), expression("acc + ys[k]")) == 1.0
    assert similarity(expression("f(1, 2)"), expression("g(7, 9)")) == 1.0
    # (BinOp,0) (Name,1) (Add|Mult,1) (Name,1): three of four pairs in common.
    assert similarity(expression("a + b"), expression("a * b")) == 0.75
    assert similarity(expression("f(1, 2)"), expression("f('1', 2)")) == 0.75


def test_candidates_are_statements_and_expressions_of_min_nodes():
    code = "x = 1\nprint(len(a))\n"
    spans = {code[s.start : s.end] for s in subtrees(code)}
    # `x = 1` is Assign, Name, Constant: three nodes; `len(a)` is Call, Name, Name.
    assert spans == {"x = 1", "print(len(a))", "len(a)"}
    assert {code[s.start : s.end] for s in subtrees(code, min_nodes=4)} == {"print(len(a))"}


def test_spans_are_character_offsets_with_non_ascii_text():
    code = 's = "héllo"\nprint(s.upper())\n'
    spans = {code[s.start : s.end] for s in subtrees(code)}
    assert "print(s.upper())" in spans and 's = "héllo"' in spans


def test_shared_structure_is_kept_and_different_structure_masked():
    ref = "n = int(input())\nfor i in range(n):\n    print(i * i)\n"
    other = "m = int(input())\nfor k in range(m):\n    total += k * 2\n"
    mask = sss_mask(ref, subtrees(ref), [subtrees(other)], 0.8)
    # The loops are too different as wholes (Dice 0.5), so only the shared
    # `range(n)` of the header is kept, not the `for` keyword around it.
    assert render(mask) == "n = int(input())\n<MASK> range(n)<MASK>\n    <MASK>\n"
    # With a body as close as `print(k + 1)` the whole loop is shared (Dice 20/24).
    other = "m = int(input())\nfor k in range(m):\n    print(k + 1)\n"
    assert render(sss_mask(ref, subtrees(ref), [subtrees(other)], 0.8)) == ref


def test_decorators_outside_the_def_span_are_decided_on_their_own():
    ref = "@cache(maxsize=None)\ndef f(x):\n    return x + 1\n"
    other = "@lru(maxsize=None)\ndef g(y):\n    return y + 2\n"
    mask = sss_mask(ref, subtrees(ref), [subtrees(other)], 0.8)
    # ast starts the def at `def`; the decorator call is a separate span and
    # the `@` belongs to neither.
    assert render(mask) == "<MASK>cache(maxsize=None)\ndef f(x):\n    return x + 1\n"


def test_without_other_solutions_every_candidate_is_shared():
    code = "a = b + c\nprint(a)\n"
    assert render(sss_mask(code, subtrees(code), [], 0.8)) == code


@settings(max_examples=60, deadline=None)
@given(st.lists(programs(), min_size=2, max_size=4), THRESHOLDS)
def test_pruned_search_equals_the_definition(codes, threshold):
    ref, *others = [subtrees(c) for c in codes]
    got = sss_mask(codes[0], ref, others, threshold)
    assert got == naive_mask(codes[0], ref, others, threshold)


@settings(max_examples=60, deadline=None)
@given(st.lists(programs(), min_size=2, max_size=4), THRESHOLDS, THRESHOLDS)
def test_kept_set_is_monotone_in_the_threshold(codes, t1, t2):
    low, high = sorted((t1, t2))
    ref, *others = [subtrees(c) for c in codes]
    assert sss_mask(codes[0], ref, others, high).is_subset(sss_mask(codes[0], ref, others, low))


def test_maximal_shared_skips_subtrees_of_a_shared_one():
    code = "for i in range(n):\n    s += a[i] * 2\n"
    ref = subtrees(code)
    kept = maximal_shared(ref, [subtrees(code)], 0.8)
    assert [code[s.start : s.end] for s in kept] == [code.rstrip("\n")]


@pytest.mark.parametrize(
    "code, problem",
    [
        ("def f(:\n", "does not parse"),
        ("x = 1\x00\n", "does not parse"),
        ('x = "\ud800"\n', "UTF-8"),
    ],
)
def test_parse_names_the_problem(code, problem):
    with pytest.raises(SkeletonInputError, match=problem):
        parse(code)


def test_long_programs_stay_fast():
    codes = [long_program(seed) for seed in range(5)]
    assert all(500 <= c.count("\n") <= 700 for c in codes)
    start = time.process_time()
    ref, *others = [subtrees(c) for c in codes]
    mask = sss_mask(codes[0], ref, others, 0.8)
    elapsed = time.process_time() - start
    assert elapsed < 10, f"SSS took {elapsed:.1f} s CPU on five ~600-line programs"
    assert "<MASK>" in render(mask) and mask.kept_spans()

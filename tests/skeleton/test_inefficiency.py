"""The inefficiency skeleton (SkelDPO's rejected skeleton): a slow solution's statements
with no matching subtree in the fast one, plus its own hot lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.inefficiency import inefficiency_skeleton
from effiskel.skeleton.render import MASK
from tests.skeleton.programs import programs

# Maximum subarray sum: the slow solution tries every subarray, the fast one is Kadane's.
SLOW = """\
n = int(input())
a = list(map(int, input().split()))
best = 0
for i in range(n):
    for j in range(i, n):
        best = max(best, sum(a[i:j + 1]))
print(best)
"""
FAST = """\
n = int(input())
a = list(map(int, input().split()))
best = cur = 0
for x in a:
    cur = max(0, cur + x)
    best = max(best, cur)
print(best)
"""
# Line 2 (reading a long input) and line 6 (the inner body) exceed the mean over executed
# lines, 155,600 / 7 = 22,229 ns; line 5 (20,000 ns) does not.
PROFILE = {1: (1, 2_000), 2: (1, 40_000), 3: (1, 100), 4: (11, 3_000), 5: (65, 20_000),
           6: (55, 90_000), 7: (1, 500)}
FLAT = {line: (1, 10) for line in range(1, 8)}


def skeleton(slow=SLOW, fast=FAST, profile=PROFILE) -> str:
    return inefficiency_skeleton("slow", slow, "fast", fast, profile).skeleton


def test_both_loops_and_the_quadratic_body_are_kept_and_the_shared_statements_masked():
    # Lines 1, 2 and 7 are in FAST verbatim; `best = 0` matches `best = cur = 0` (Dice 6/7).
    # Neither loop's subtree has a match, so both headers are kept, and so is the body.
    assert skeleton(profile=FLAT) == (
        "<MASK>\n"
        "<MASK>\n"
        "<MASK>\n"
        "for i in range(n):\n"
        "    for j in range(i, n):\n"
        "        best = max(best, sum(a[i:j + 1]))\n"
        "<MASK>\n"
    )


def test_a_hot_line_is_kept_even_where_it_matches_the_fast_solution():
    result = inefficiency_skeleton("slow", SLOW, "fast", FAST, PROFILE)
    assert result.skeleton == (
        "<MASK>\n"
        "a = list(map(int, input().split()))\n"  # shared, but hot
        "<MASK>\n"
        "for i in range(n):\n"
        "    for j in range(i, n):\n"  # unmatched, not hot: kept all the same
        "        best = max(best, sum(a[i:j + 1]))\n"  # unmatched and hot
        "<MASK>\n"
    )
    assert (result.unmatched, result.hot) == (3, 2)
    assert result.mask.to_string().count("1") == sum(
        len(line) for line in ("a = list(map(int, input().split()))", "for i in range(n):",
                               "for j in range(i, n):", "best = max(best, sum(a[i:j + 1]))"))


def test_a_loop_that_gained_a_statement_shows_its_header_and_that_statement_only():
    slow = "s = 0\nfor x in a:\n    s += x\n    a = sorted(a)\nprint(s)\n"
    fast = "s = 0\nfor x in a:\n    s += x\nprint(s)\n"
    flat = {line: (1, 10) for line in range(1, 6)}
    assert skeleton(slow, fast, flat) == "<MASK>\nfor x in a:\n    <MASK>\n    a = sorted(a)\n<MASK>\n"


def test_identical_programs_keep_nothing_but_the_hot_lines():
    # Masked lines keep their indentation, as in every skeleton.
    assert skeleton(SLOW, SLOW, FLAT) == "<MASK>\n" * 4 + "    <MASK>\n        <MASK>\n<MASK>\n"
    assert skeleton(SLOW, SLOW, PROFILE) == (
        "<MASK>\n"
        "a = list(map(int, input().split()))\n"
        "<MASK>\n"
        "<MASK>\n"
        "    <MASK>\n"
        "        best = max(best, sum(a[i:j + 1]))\n"
        "<MASK>\n"
    )


@settings(max_examples=60, deadline=None)
@given(programs())
def test_any_program_against_itself_keeps_exactly_its_hot_lines(code):
    lines = code.count("\n") + 1
    flat = {line: (1, 10) for line in range(1, lines + 1)}
    result = inefficiency_skeleton("p", code, "p", code, flat)
    assert (result.unmatched, result.hot) == (0, 0)
    assert set(result.mask.to_string()) <= {"0"}


@pytest.mark.parametrize(
    "slow, fast, profile, problem",
    [
        ("for i in range(3)\n    pass\n", FAST, {1: (1, 5)},
         "slow solution 'slow' does not parse: expected ':' at line 1"),
        (SLOW, "def f(:\n", PROFILE, "fast solution 'fast' does not parse"),
        ("# only a comment\n", FAST, {1: (1, 5)}, "slow solution 'slow' has no code tokens"),
        (SLOW, FAST, None, "needs the line profile of slow solution 'slow'"),
        (SLOW, FAST, {9: (1, 5)},
         "line profile of slow solution 'slow': line profile names line 9 but the code has"),
        (SLOW, FAST, {1: (0, 0)}, "line profile of slow solution 'slow': line profile has no "
                                  "executed line"),
        (f"x = '{MASK}'\n", FAST, {1: (1, 5)}, "contains the text <MASK>"),
    ],
)
def test_unusable_input_is_an_error_naming_the_solution_and_the_reason(slow, fast, profile,
                                                                      problem):
    with pytest.raises(SkeletonInputError) as e:
        inefficiency_skeleton("slow", slow, "fast", fast, profile)
    assert problem in str(e.value)

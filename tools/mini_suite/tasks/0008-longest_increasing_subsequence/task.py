"""Mini task 0008: longest strictly increasing subsequence."""

from __future__ import annotations

from bisect import bisect_left

from tools.mini_suite.inputs import array_input, fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    Given a sequence of n integers, find the length of its longest strictly
    increasing subsequence: the largest m such that there are indices
    i_1 < i_2 < ... < i_m with a_{i_1} < a_{i_2} < ... < a_{i_m}.
"""
INPUT_FORMAT = """
    The first line contains n (1 <= n <= 950). The second line contains
    a_1, ..., a_n (|a_i| <= 10^9).
"""
OUTPUT_FORMAT = "Print the length of the longest strictly increasing subsequence."
EXAMPLE = fmt(8, [10, 9, 2, 5, 3, 7, 101, 18])
EDGE_CASES = (
    fmt(1, [5]),
    fmt(6, [4, 4, 4, 4, 4, 4]),
    fmt(7, [7, 6, 5, 4, 3, 2, 1]),
    fmt(7, [1, 3, 3, 5, 5, 6, 6]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    tails: list[int] = []
    for x in t[1 : 1 + t[0]]:
        i = bisect_left(tails, x)
        tails[i : i + 1] = [x]
    return str(len(tails))


def large(rng):
    return [
        array_input(rng, 950, -(10**9), 10**9),
        array_input(rng, 950, 1, 200),
    ]


def small(rng):
    return array_input(rng, rng.randint(1, 10), 1, rng.randint(1, 8))


SOLUTIONS = (
    ac("dp_quadratic", "O(n^2)"),
    ac("dp_quadratic_comprehension", "O(n^2)"),
    ac("fenwick_max", "O(n log n)"),
    ac("patience_manual_search", "O(n log n)"),
    ac("patience_bisect", "O(n log n)"),
    # bisect_right lets an equal value extend a pile: this is the longest
    # non-decreasing subsequence, wrong as soon as values repeat.
    wrong("patience_bisect_right", "O(n log n)"),
)

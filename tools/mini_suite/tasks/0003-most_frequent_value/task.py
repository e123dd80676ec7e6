"""Mini task 0003: most frequent value (counting)."""

from __future__ import annotations

from collections import Counter

from tools.mini_suite.inputs import array_input, fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    Find the value that occurs most often in a sequence of n integers. If
    several values occur equally often, choose the smallest of them.
"""
INPUT_FORMAT = """
    The first line contains n (1 <= n <= 2100). The second line contains
    a_1, ..., a_n (|a_i| <= 10^9).
"""
OUTPUT_FORMAT = "Print the value and the number of times it occurs."
EXAMPLE = fmt(7, [4, -1, 4, 2, -1, 3, 4])
EDGE_CASES = (
    fmt(1, [-5]),
    fmt(6, [9, 9, 2, 2, 7, 7]),
    fmt(5, [3, 1, 2, 5, 4]),
)


def reference(inp: str) -> str:
    cnt = Counter(tokens(inp)[1:])
    value, count = min(cnt.items(), key=lambda kv: (-kv[1], kv[0]))
    return f"{value} {count}"


def _frequent_input(rng, distinct: int, max_count: int, ties: int) -> str:
    """`ties` values share the top count; shuffled until the first of them to
    appear is not the smallest (so first-seen tie-breaking is caught)."""
    values = rng.sample(range(-(10**9), 10**9), distinct)
    counts = [rng.randint(1, max_count) for _ in values]
    for i in range(ties):
        counts[i] = max_count + 1
    a = [v for v, c in zip(values, counts) for _ in range(c)]
    top = set(values[:ties])
    while True:
        rng.shuffle(a)
        first = next(x for x in a if x in top)
        if ties == 1 or first != min(top):
            return fmt(len(a), a)


def large(rng):
    return [
        _frequent_input(rng, 2000, 1, 1),
        _frequent_input(rng, 400, 6, 4),
        _frequent_input(rng, 230, 16, 3),
    ]


def small(rng):
    return array_input(rng, rng.randint(1, 9), -3, 3)


SOLUTIONS = (
    ac("count_each", "O(n^2)"),
    ac("count_each_distinct", "O(n*d)"),
    ac("sort_runs", "O(n log n)"),
    ac("dict_count", "O(n)"),
    ac("counter_max", "O(n)"),
    # most_common() breaks ties by first appearance, not by value.
    wrong("most_common_first_seen", "O(n)"),
)

"""Mini task 0019: occurrences of a pattern (overlapping)."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, periodic
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    Count how many times the pattern p occurs in the text t. Occurrences may
    overlap: "aa" occurs three times in "aaaa".
"""
INPUT_FORMAT = """
    The first line contains t, the second line contains p; both consist of 1 to
    20000 lowercase English letters.
"""
OUTPUT_FORMAT = "Print the number of positions i such that p starts at position i of t."
EXAMPLE = fmt("abracadabra", "abra")
EDGE_CASES = (
    fmt("aaaa", "aa"),
    fmt("ab", "abc"),
    fmt("x", "x"),
)


def reference(inp: str) -> str:
    t, p = inp.split()
    count, i = 0, t.find(p)
    while i != -1:
        count, i = count + 1, t.find(p, i + 1)
    return str(count)


def large(rng):
    return [
        fmt(periodic(rng, 20000, "ab", 0.01), "abababab"),
        fmt(periodic(rng, 15000, "a", 0.02), "a" * 20),
        fmt("a" * 6000, "a" * 59 + "b"),
    ]


def small(rng):
    return fmt(
        periodic(rng, rng.randint(1, 14), "ab"[: rng.randint(1, 2)], 0.3),
        periodic(rng, rng.randint(1, 4), "ab"[: rng.randint(1, 2)], 0.3),
    )


SOLUTIONS = (
    ac("char_by_char", "O(n*m)"),
    ac("z_function", "O(n + m)"),
    ac("kmp", "O(n + m)"),
    ac("slice_compare", "O(n*m)"),
    ac("find_loop", "O(n*m)"),
    # str.count counts non-overlapping occurrences only.
    wrong("str_count", "O(n*m)"),
)

"""Mini task 0029: largest rectangle in a histogram (monotonic stack)."""

from __future__ import annotations

from tools.mini_suite.inputs import array_input, fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    A histogram has n bars of width 1 standing side by side; bar i has height
    h_i. Find the area of the largest axis-parallel rectangle that fits inside
    the histogram.
"""
INPUT_FORMAT = """
    The first line contains n (1 <= n <= 800). The second line contains
    h_1, ..., h_n (1 <= h_i <= 10^9).
"""
OUTPUT_FORMAT = "Print the largest area."
EXAMPLE = fmt(6, [2, 1, 5, 6, 2, 3])
EDGE_CASES = (
    fmt(1, [7]),
    fmt(5, [1, 2, 3, 4, 5]),
    fmt(4, [10**9, 10**9, 10**9, 10**9]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    h = t[1 : 1 + t[0]] + [0]
    best, stack = 0, []  # stack of (start index, height)
    for i, x in enumerate(h):
        start = i
        while stack and stack[-1][1] >= x:
            start, top = stack.pop()
            best = max(best, top * (i - start))
        stack.append((start, x))
    return str(best)


def _rising(rng, n: int, jitter: int) -> list[int]:
    return [max(1, 10 * i + rng.randint(-jitter, jitter)) for i in range(n)]


def large(rng):
    return [
        array_input(rng, 800, 1, 10**9),
        array_input(rng, 800, 1, 4),
        fmt(800, _rising(rng, 800, 30)),
    ]


def small(rng):
    return array_input(rng, rng.randint(1, 9), 1, 6)


SOLUTIONS = (
    ac("all_ranges", "O(n^2)"),
    ac("expand_each_bar", "O(n^2)"),
    # The widest rectangle of a range has the range's lowest bar as height;
    # the others lie left or right of that bar.
    ac("split_at_minimum", "O(n log n) average, O(n^2) worst"),
    ac("smaller_neighbours", "O(n)"),
    ac("stack_one_pass", "O(n)"),
    # Without the final zero bar, rectangles still open at the end are never
    # measured: wrong whenever the best one reaches the last bar.
    wrong("stack_not_flushed", "O(n)"),
)

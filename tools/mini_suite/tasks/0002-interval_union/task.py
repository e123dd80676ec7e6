"""Mini task 0002: union of intervals."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    Each of n closed intervals [l, r] covers the integer points l, l+1, ..., r.
    Consider all points covered by at least one interval. Print how many
    maximal blocks of consecutive covered points there are, and how many
    points are covered in total.
"""
INPUT_FORMAT = """
    The first line contains n (1 <= n <= 3000). Each of the next n lines contains
    l and r (1 <= l <= r <= 200000).
"""
OUTPUT_FORMAT = "Print two integers: the number of blocks and the number of covered points."
EXAMPLE = fmt(4, (1, 3), (2, 5), (8, 9), (12, 12))
EDGE_CASES = (
    fmt(1, (7, 7)),
    fmt(3, (1, 2), (3, 4), (6, 6)),
    fmt(3, (5, 10), (1, 20), (20, 21)),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    intervals = sorted(zip(t[1 : 1 + 2 * t[0] : 2], t[2 : 2 + 2 * t[0] : 2]))
    blocks, covered = 0, 0
    cur_lo, cur_hi = intervals[0]
    for lo, hi in intervals[1:] + [(None, None)]:
        if lo is not None and lo <= cur_hi + 1:  # overlapping or touching
            cur_hi = max(cur_hi, hi)
        else:
            blocks, covered = blocks + 1, covered + cur_hi - cur_lo + 1
            cur_lo, cur_hi = lo, hi
    return f"{blocks} {covered}"


def _intervals_input(rng, n: int, top: int, max_len: int) -> str:
    rows = []
    for _ in range(n):
        length = rng.randint(1, min(max_len, top))
        start = rng.randint(1, top - length + 1)
        rows.append((start, start + length - 1))
    return fmt(n, *rows)


def large(rng):
    return [
        _intervals_input(rng, 2000, 200000, 20),
        _intervals_input(rng, 3000, 200000, 230),
    ]


def small(rng):
    return _intervals_input(rng, rng.randint(1, 6), rng.randint(1, 15), 4)


SOLUTIONS = (
    ac("mark_points", "O(sum of lengths + max r)"),
    ac("difference_array", "O(n + max r)"),
    # At equal coordinates openings sort before closings (key -delta), so
    # touching intervals never drop the depth to zero.
    ac("sweep_events", "O(n log n)"),
    ac("sort_and_merge", "O(n log n)"),
    # Marks with slice assignment; point 0 is never covered, so each block
    # starts with the byte pair 00 01.
    ac("mark_slices", "O(sum of lengths + max r) in C"),
    # Merges only overlapping intervals: [1, 2] and [3, 4] touch and cover
    # one block of points, but stay two blocks here.
    wrong("merge_overlapping_only", "O(n log n)"),
)

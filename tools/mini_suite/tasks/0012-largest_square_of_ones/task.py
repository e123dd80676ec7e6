"""Mini task 0012: largest square of ones."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    Find the side length of the largest square made only of 1s in an n x m grid
    of 0s and 1s (0 if the grid has no 1).
"""
INPUT_FORMAT = """
    The first line contains n and m (1 <= n, m <= 80). Each of the next n lines
    contains m characters, each '0' or '1'.
"""
OUTPUT_FORMAT = "Print the side length of the largest all-ones square."
EXAMPLE = fmt((4, 5), "10100", "10111", "11111", "10010")
EDGE_CASES = (
    fmt((1, 1), "0"),
    fmt((2, 3), "111", "111"),
    fmt((3, 3), "110", "111", "011"),
)


def reference(inp: str) -> str:
    lines = inp.split()
    n, m, g = int(lines[0]), int(lines[1]), lines[2:]
    best, prev = 0, [0] * (m + 1)
    for i in range(n):
        cur = [0] * (m + 1)
        for j in range(m):
            if g[i][j] == "1":
                cur[j + 1] = 1 + min(prev[j], prev[j + 1], cur[j])
                best = max(best, cur[j + 1])
        prev = cur
    return str(best)


def _square_input(rng, n: int, m: int, zero: float) -> str:
    rows = ["".join("0" if rng.random() < zero else "1" for _ in range(m)) for _ in range(n)]
    return fmt((n, m), *rows)


def large(rng):
    return [
        _square_input(rng, 80, 80, 0.25),
        _square_input(rng, 80, 80, 0.03),
    ]


def small(rng):
    return _square_input(rng, rng.randint(1, 5), rng.randint(1, 5), 0.3)


SOLUTIONS = (
    # Grows a square from every top-left cell, checking each new border.
    ac("grow_each_corner", "O(n*m*s^2)"),
    ac("prefix_sums_grow", "O(n*m*s)"),
    # A k-square exists iff some window sum is k*k; existence is monotone in k.
    ac("binary_search_side", "O(n*m log min(n, m))"),
    ac("dp_table", "O(n*m)"),
    ac("dp_one_row", "O(n*m)"),
    # Ignores the diagonal neighbour: an L of ones passes for a square.
    wrong("dp_without_diagonal", "O(n*m)"),
)

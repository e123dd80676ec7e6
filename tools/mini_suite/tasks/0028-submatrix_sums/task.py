"""Mini task 0028: sums of submatrices (2D prefix sums)."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, nums, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    You are given an n x m matrix of integers and q queries. A query r1 c1 r2 c2
    asks for the sum of the entries in rows r1..r2 and columns c1..c2.
"""
INPUT_FORMAT = """
    The first line contains n, m and q (1 <= n, m <= 100, 1 <= q <= 1700). Each of
    the next n lines contains m integers of absolute value at most 1000. Each of
    the next q lines contains a query r1 c1 r2 c2 (1 <= r1 <= r2 <= n,
    1 <= c1 <= c2 <= m, r2 - r1 < 30, c2 - c1 < 30).
"""
OUTPUT_FORMAT = "Print q lines: the sum for each query, in order."
EXAMPLE = fmt(
    (3, 4, 3),
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
    (1, 1, 2, 2),
    (1, 2, 3, 3),
    (2, 1, 3, 4),
)
EDGE_CASES = (
    fmt((1, 1, 1), [-1000], (1, 1, 1, 1)),
    fmt((2, 3, 3), [1, -1, 1], [-1, 1, -1], (2, 2, 2, 3), (1, 1, 2, 3), (2, 1, 2, 1)),
    fmt((3, 3, 2), [0, 0, 0], [0, 7, 0], [0, 0, 0], (2, 2, 3, 3), (2, 1, 2, 3)),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    n, m, q = t[0], t[1], t[2]
    grid = [t[3 + i * m : 3 + (i + 1) * m] for i in range(n)]
    P = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n):
        for j in range(m):
            P[i + 1][j + 1] = grid[i][j] + P[i][j + 1] + P[i + 1][j] - P[i][j]
    qs = t[3 + n * m :]
    out = []
    for k in range(0, 4 * q, 4):
        r1, c1, r2, c2 = qs[k : k + 4]
        out.append(P[r2][c2] - P[r1 - 1][c2] - P[r2][c1 - 1] + P[r1 - 1][c1 - 1])
    return "\n".join(map(str, out))


def _submatrix_input(rng, n: int, m: int, q: int, side: int) -> str:
    rows = [nums(rng, m, -99, 99) for _ in range(n)]
    qs = []
    for _ in range(q):
        h, w = rng.randint(1, min(n, side)), rng.randint(1, min(m, side))
        r1, c1 = rng.randint(1, n - h + 1), rng.randint(1, m - w + 1)
        qs.append((r1, c1, r1 + h - 1, c1 + w - 1))
    return fmt((n, m, q), *rows, *qs)


def large(rng):
    return [
        _submatrix_input(rng, 60, 60, 1000, 30),
        _submatrix_input(rng, 100, 100, 1700, 30),
    ]


def small(rng):
    return _submatrix_input(rng, rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4), 4)


SOLUTIONS = (
    ac("sum_each_cell", "O(q*area)"),
    ac("sum_row_slices", "O(q*area) in C"),
    ac("row_prefix_sums", "O(n*m + q*rows)"),
    ac("prefix_2d", "O(n*m + q)"),
    ac("prefix_2d_accumulate", "O(n*m + q)"),
    # Inclusion-exclusion without adding back the corner block: right only
    # when the query touches row 1 or column 1 (the corner is empty).
    wrong("prefix_2d_no_corner", "O(n*m + q)"),
)

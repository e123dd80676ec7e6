"""Mini task 0022: gcd of ranges."""

from __future__ import annotations

import math
from functools import reduce

from tools.mini_suite.inputs import fmt, ranges, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    You are given n positive integers a_1, ..., a_n and q queries l, r. For each
    query print the greatest common divisor of a_l, a_{l+1}, ..., a_r.
"""
INPUT_FORMAT = """
    The first line contains n and q (1 <= n <= 4000, 1 <= q <= 1200). The second
    line contains a_1, ..., a_n (1 <= a_i <= 10^9). Each of the next q lines
    contains l and r (1 <= l <= r <= n, r - l < 300).
"""
OUTPUT_FORMAT = "Print q lines: the gcd of each range, in order."
EXAMPLE = fmt((5, 3), [12, 18, 24, 36, 10], (1, 3), (2, 4), (4, 5))
EDGE_CASES = (
    fmt((1, 1), [10**9], (1, 1)),
    fmt((4, 3), [6, 6, 6, 6], (1, 4), (2, 3), (4, 4)),
    fmt((6, 2), [1, 2, 4, 8, 16, 32], (2, 6), (1, 6)),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    n, q = t[0], t[1]
    a, qs = t[2 : 2 + n], t[2 + n :]
    return "\n".join(str(reduce(math.gcd, a[qs[i] - 1 : qs[i + 1]])) for i in range(0, 2 * q, 2))


def _blocks_with_factors(rng, n: int, max_block: int) -> list[int]:
    """Runs of numbers sharing a random factor 2^a 3^b 5^c, so that the gcd of
    a range is rarely 1 and depends on which runs it touches."""
    out: list[int] = []
    while len(out) < n:
        factor = 2 ** rng.randint(0, 6) * 3 ** rng.randint(0, 4) * 5 ** rng.randint(0, 3)
        out += [factor * rng.randint(1, 40) for _ in range(rng.randint(1, max_block))]
    return out[:n]


def _gcd_input(rng, n: int, q: int, max_len: int) -> str:
    return fmt((n, q), _blocks_with_factors(rng, n, 300), *ranges(rng, n, q, max_len))


def large(rng):
    return [
        _gcd_input(rng, 3000, 800, 300),
        _gcd_input(rng, 4000, 1200, 300),
    ]


def small(rng):
    return _gcd_input(rng, rng.randint(1, 9), rng.randint(1, 6), 9)


SOLUTIONS = (
    ac("euclid_per_query", "O(n*q*log A)"),
    ac("math_gcd_per_query", "O(n*q)"),
    ac("gcd_of_slice", "O(n*q)"),
    ac("segment_tree", "O((n + q) log n)"),
    ac("sparse_table", "O(n log n + q)"),
    # Mixes 0- and 1-based ends: the second block ends one element early
    # (and may start one too early), so the last element is left out.
    wrong("sparse_table_off_by_one", "O(n log n + q)"),
)

"""Mini task 0000: range sums (prefix sums)."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, nums, ranges, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    You are given an array of n integers a_1, a_2, ..., a_n and q queries. Each
    query is a pair l, r; answer it with the sum a_l + a_{l+1} + ... + a_r.
"""
INPUT_FORMAT = """
    The first line contains n and q (1 <= n, q <= 4000). The second line contains
    a_1, ..., a_n (|a_i| <= 10^9). Each of the next q lines contains a query
    l r (1 <= l <= r <= n, r - l < 150).
"""
OUTPUT_FORMAT = "Print q lines: the answer to each query, in order."
EXAMPLE = fmt((5, 3), [3, -1, 4, 1, 5], (2, 4), (3, 3), (2, 5))
EDGE_CASES = (
    fmt((1, 1), [-7], (1, 1)),
    fmt((6, 4), [10**9] * 3 + [-(10**9)] * 3, (1, 6), (1, 3), (4, 6), (3, 4)),
    fmt((4, 3), [1, 2, 3, 4], (1, 1), (1, 4), (4, 4)),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    n, q = t[0], t[1]
    prefix = [0]
    for x in t[2 : 2 + n]:
        prefix.append(prefix[-1] + x)
    qs = t[2 + n :]
    return "\n".join(str(prefix[qs[i + 1]] - prefix[qs[i] - 1]) for i in range(0, 2 * q, 2))


def _range_sum_input(rng, n: int, q: int, max_len: int) -> str:
    return fmt((n, q), nums(rng, n, -(10**4), 10**4), *ranges(rng, n, q, max_len))


def large(rng):
    return [
        _range_sum_input(rng, 2000, 2000, 150),
        _range_sum_input(rng, 4000, 4000, 150),
    ]


def small(rng):
    return _range_sum_input(rng, rng.randint(1, 8), rng.randint(1, 8), 8)


SOLUTIONS = (
    ac("naive_loop", "O(n*q)"),
    ac("sqrt_blocks", "O(n + q*sqrt(n))"),
    ac("slice_sum", "O(n*q)"),
    ac("prefix_loop", "O(n + q)"),
    ac("prefix_accumulate", "O(n + q)"),
    # prefix[i] holds a_1..a_{i+1}; for l = 1 the code reads prefix[-1],
    # Python's last element (the whole sum), instead of 0.
    wrong("prefix_negative_index", "O(n + q)"),
)

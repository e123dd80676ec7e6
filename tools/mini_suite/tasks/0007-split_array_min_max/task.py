"""Mini task 0007: split an array into k parts (binary search on the answer)."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, n_k_input, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    Split the array a_1, ..., a_n into exactly k non-empty contiguous parts so
    that the largest sum of a part is as small as possible. Print that sum.
"""
INPUT_FORMAT = """
    The first line contains n and k (1 <= k <= n <= 320). The second line
    contains a_1, ..., a_n (1 <= a_i <= 10^6).
"""
OUTPUT_FORMAT = "Print the smallest possible largest part sum."
EXAMPLE = fmt((5, 2), [7, 2, 5, 10, 8])
EDGE_CASES = (
    fmt((1, 1), [5]),
    fmt((4, 4), [1, 100, 1, 1]),
    fmt((6, 3), [1, 1, 1, 1, 1, 1]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    k, a = t[1], t[2:]

    def parts(limit: int) -> int:
        count, cur = 1, 0
        for x in a:
            if cur + x > limit:
                count, cur = count + 1, x
            else:
                cur += x
        return count

    lo, hi = max(a), sum(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if parts(mid) <= k:
            hi = mid
        else:
            lo = mid + 1
    return str(lo)


def large(rng):
    return [
        n_k_input(rng, 250, 6, 1, 10**6),
        n_k_input(rng, 320, 4, 1, 10**6),
    ]


def small(rng):
    return n_k_input(rng, rng.randint(1, 8), None, 1, 9)


SOLUTIONS = (
    ac("dp_all_cuts", "O(k*n^2)"),
    # best[p] grows with p and the last part's sum shrinks with p, so the
    # best cut is where they cross: binary search it.
    ac("dp_bisect_cut", "O(k*n log n)"),
    # The crossing point only moves right as i grows: one pointer per row.
    ac("dp_monotone_pointer", "O(k*n)"),
    ac("binary_search_greedy", "O(n log S)"),
    # The greedy check jumps a whole part at a time with bisect on prefix sums.
    ac("binary_search_bisect", "O(k log n log S)"),
    # Starts the search at 0 instead of max(a): the greedy check then
    # accepts limits below the largest element (that element alone
    # overflows its part), which matters only when k is large.
    wrong("binary_search_from_zero", "O(n log S)"),
)

"""Mini task 0006: longest window with at most k distinct values."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, n_k_input, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    Find the length of the longest contiguous part of the array a_1, ..., a_n
    that contains at most k distinct values.
"""
INPUT_FORMAT = """
    The first line contains n and k (1 <= k <= n <= 6000). The second line
    contains a_1, ..., a_n (|a_i| <= 10^6).
"""
OUTPUT_FORMAT = "Print the length of the longest such part."
EXAMPLE = fmt((7, 2), [1, 2, 1, 2, 3, 3, 4])
EDGE_CASES = (
    fmt((1, 1), [10**6]),
    fmt((5, 5), [1, 2, 3, 4, 5]),
    fmt((6, 1), [2, 2, 3, 3, 3, 2]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    k, a = t[1], t[2:]
    counts: dict[int, int] = {}
    best = left = 0
    for right, x in enumerate(a):
        counts[x] = counts.get(x, 0) + 1
        while len(counts) > k:
            counts[a[left]] -= 1
            if counts[a[left]] == 0:
                del counts[a[left]]
            left += 1
        best = max(best, right - left + 1)
    return str(best)


def _walk_input(rng, n: int, k: int) -> str:
    """A random walk: windows with k distinct values are about k^2 long."""
    a = [rng.randint(-50, 50)]
    for _ in range(n - 1):
        a.append(a[-1] + rng.choice((-1, 0, 1)))
    return fmt((n, k), a)


def large(rng):
    return [
        _walk_input(rng, 6000, 5),
        _walk_input(rng, 4000, 8),
    ]


def small(rng):
    return n_k_input(rng, rng.randint(1, 9), None, 1, 4)


SOLUTIONS = (
    ac("extend_each_start", "O(n*answer)"),
    # A window of length L fits iff some window of that length does; that
    # is monotone in L, so binary search L with a sliding check.
    ac("binary_search_length", "O(n log n)"),
    ac("two_pointers_dict", "O(n)"),
    # The walk's values span at most n, so a count array replaces the dict.
    ac("two_pointers_array", "O(n)"),
    # The window never shrinks: when it holds too many values it slides by
    # one instead, so its final length is the best length seen.
    ac("non_shrinking_window", "O(n)"),
    # Never deletes keys whose count fell to zero, so len(counts) overstates
    # the distinct values and the window shrinks too far.
    wrong("stale_zero_counts", "O(n)"),
)

"""Mini task 0001: pairs with a given sum (hashing)."""

from __future__ import annotations

from collections import Counter

from tools.mini_suite.inputs import fmt, nums, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    Given n integers a_1, ..., a_n and a target k, count the pairs of indices
    (i, j) with i < j and a_i + a_j = k.
"""
INPUT_FORMAT = """
    The first line contains n and k (1 <= n <= 2000, |k| <= 2*10^9). The second
    line contains a_1, ..., a_n (|a_i| <= 10^9).
"""
OUTPUT_FORMAT = "Print the number of pairs."
EXAMPLE = fmt((6, 7), [1, 6, 3, 4, 5, 2])
EDGE_CASES = (
    fmt((1, 2), [1]),
    fmt((5, 4), [2, 2, 2, 2, 2]),
    fmt((4, 0), [10**9, -(10**9), 5, -5]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    k, a = t[1], t[2:]
    cnt = Counter(a)
    total = 0
    for x, c in cnt.items():
        y = k - x
        if x < y:
            total += c * cnt[y] if y in cnt else 0
        elif x == y:
            total += c * (c - 1) // 2
    return str(total)


def _pair_sum_input(rng, n: int, spread: int, k: int | None = None) -> str:
    a = nums(rng, n, -spread, spread)
    if k is None:
        k = rng.choice(a) + rng.choice(a)
    return fmt((n, k), a)


def large(rng):
    return [
        _pair_sum_input(rng, 1400, 10**9),
        _pair_sum_input(rng, 1400, 200, k=0),
        _pair_sum_input(rng, 1400, 300),
    ]


def small(rng):
    return _pair_sum_input(rng, rng.randint(1, 9), rng.randint(1, 5))


SOLUTIONS = (
    ac("double_loop", "O(n^2)"),
    ac("suffix_count", "O(n^2)"),
    ac("sort_bisect", "O(n log n)"),
    ac("two_pointers_runs", "O(n log n)"),
    ac("hash_one_pass", "O(n)"),
    ac("counter_pairs", "O(n)"),
    # Moves both pointers after a match, as if all values were distinct:
    # with duplicates it misses the pairs between equal runs.
    wrong("two_pointers_distinct", "O(n log n)"),
)

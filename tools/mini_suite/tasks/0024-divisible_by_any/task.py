"""Mini task 0024: numbers divisible by at least one of k given numbers."""

from __future__ import annotations

import math

from tools.mini_suite.inputs import fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    Count the integers x with 1 <= x <= N that are divisible by at least one of
    the k given numbers d_1, ..., d_k.
"""
INPUT_FORMAT = """
    The first line contains N and k (1 <= N <= 10^5, 1 <= k <= 10). The second line
    contains k distinct integers d_1, ..., d_k (2 <= d_i <= 100).
"""
OUTPUT_FORMAT = "Print the count."
EXAMPLE = fmt((20, 2), [3, 5])
EDGE_CASES = (
    fmt((1, 1), [2]),
    fmt((100, 3), [4, 6, 10]),
    fmt((30, 3), [2, 4, 8]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    n, ds = t[0], t[2:]
    total = 0
    # inclusion-exclusion over all subsets, lcm-based
    k = len(ds)
    for mask in range(1, 1 << k):
        m, bits = 1, 0
        for i in range(k):
            if mask >> i & 1:
                m = math.lcm(m, ds[i])
                bits += 1
        total += (n // m) * (1 if bits % 2 else -1)
    return str(total)


def _divisible_input(rng, n: int, k: int, lo: int, hi: int) -> str:
    return fmt((n, k), rng.sample(range(lo, hi + 1), k))


def large(rng):
    return [
        _divisible_input(rng, 60000, 10, 2, 100),
        _divisible_input(rng, 90000, 10, 6, 60),
    ]


def small(rng):
    return _divisible_input(rng, rng.randint(1, 60), rng.randint(1, 4), 2, 12)


SOLUTIONS = (
    ac("check_every_number", "O(N*k)"),
    ac("mark_multiples", "O(N * sum 1/d_i)"),
    ac("inclusion_exclusion_masks", "O(2^k * k)"),
    ac("mark_slices", "O(N * sum 1/d_i) in C"),
    # Depth-first inclusion-exclusion: a branch stops as soon as its lcm
    # exceeds N, since every extension only adds floor(N / lcm) = 0 terms.
    ac("inclusion_exclusion_pruned", "O(subsets with lcm <= N)"),
    # Uses the product of a subset as its lcm: right for pairwise coprime
    # numbers, wrong once two of them share a factor (like 4 and 6).
    wrong("product_not_lcm", "O(2^k * k)"),
)

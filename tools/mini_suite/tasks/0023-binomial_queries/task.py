"""Mini task 0023: binomial coefficients mod p."""

from __future__ import annotations

import math

from tools.mini_suite.inputs import fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    For each of q pairs (n, r) print the binomial coefficient C(n, r), the
    number of ways to choose r items out of n, modulo 1000000007.
"""
INPUT_FORMAT = """
    The first line contains q (1 <= q <= 1000). Each of the next q lines contains
    n and r (0 <= r <= n <= 700).
"""
OUTPUT_FORMAT = "Print q lines: C(n, r) mod 1000000007 for each pair, in order."
EXAMPLE = fmt(4, (5, 2), (10, 0), (10, 10), (12, 6))
EDGE_CASES = (
    fmt(1, (0, 0)),
    fmt(3, (12, 6), (13, 6), (700, 350)),
    fmt(2, (1, 1), (100, 1)),
)


MOD = 10**9 + 7


def reference(inp: str) -> str:
    t = tokens(inp)
    return "\n".join(str(math.comb(t[i], t[i + 1]) % MOD) for i in range(1, 1 + 2 * t[0], 2))


def _binomial_input(rng, q: int, top: int) -> str:
    qs = []
    for _ in range(q):
        n = rng.randint(0, top)
        qs.append((n, rng.randint(0, n)))
    qs[rng.randrange(q)] = (top, top // 2)
    return fmt(q, *qs)


def large(rng):
    return [
        _binomial_input(rng, 1000, 300),
        _binomial_input(rng, 1000, 700),
    ]


def small(rng):
    return _binomial_input(rng, rng.randint(1, 5), rng.randint(0, 40))


SOLUTIONS = (
    ac("pascal_triangle", "O(N^2 + q)"),
    ac("multiplicative_per_query", "O(q*N)"),
    ac("math_comb", "O(q*N) big-int"),
    ac("factorials_fermat", "O(N + q log p)"),
    ac("inverse_factorials", "O(N + q)"),
    # Divides residues: fact[n] // (fact[r] * fact[n - r]) is only right while
    # no factorial has wrapped around the modulus (n <= 12).
    wrong("divide_residues", "O(N + q)"),
)

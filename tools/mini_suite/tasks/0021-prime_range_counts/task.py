"""Mini task 0021: primes in ranges (sieve)."""

from __future__ import annotations

import math

from tools.mini_suite.inputs import fmt, ranges, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    Answer q questions of the form "how many prime numbers are there between l
    and r, inclusive?". A prime is an integer greater than 1 whose only positive
    divisors are 1 and itself.
"""
INPUT_FORMAT = """
    The first line contains q (1 <= q <= 1000). Each of the next q lines contains
    l and r (1 <= l <= r <= 22000).
"""
OUTPUT_FORMAT = "Print q lines: the number of primes in each range, in order."
EXAMPLE = fmt(3, (10, 20), (11, 13), (26, 48))
EDGE_CASES = (
    fmt(1, (1, 1)),
    fmt(4, (2, 2), (4, 4), (1, 9), (25, 25)),
    fmt(2, (48, 50), (1, 100)),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    q, qs = t[0], t[1:]
    top = max(qs)
    is_prime = [False, False] + [True] * (top - 1)
    for p in range(2, math.isqrt(top) + 1):
        if is_prime[p]:
            for m in range(p * p, top + 1, p):
                is_prime[m] = False
    out = [sum(is_prime[qs[i] : qs[i + 1] + 1]) for i in range(0, 2 * q, 2)]
    return "\n".join(map(str, out))


def _prime_input(rng, q: int, top: int, max_len: int) -> str:
    rs = ranges(rng, top, q - 1, max_len) + [(1, top)]  # one query reaches the top
    rng.shuffle(rs)
    return fmt(q, *rs)


def large(rng):
    return [
        _prime_input(rng, 500, 12000, 12000),
        _prime_input(rng, 1000, 22000, 22000),
    ]


def small(rng):
    return _prime_input(rng, rng.randint(1, 5), rng.randint(1, 60), 60)


SOLUTIONS = (
    ac("trial_division", "O(N*sqrt(N) + q)"),
    ac("trial_by_primes", "O(N*sqrt(N)/log N + q)"),
    ac("sieve_loops", "O(N log log N + q)"),
    ac("sieve_slices", "O(N log log N + q)"),
    ac("odd_sieve_bisect", "O(N log log N + q log N)"),
    # Stops trial division one step early (d*d < x): squares of primes such
    # as 4, 9 and 25 are taken for primes.
    wrong("trial_division_strict_bound", "O(N*sqrt(N) + q)"),
)

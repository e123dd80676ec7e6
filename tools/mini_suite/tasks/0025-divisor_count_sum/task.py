"""Mini task 0025: sum of divisor counts."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    Let d(i) be the number of positive divisors of i (d(6) = 4: 1, 2, 3, 6).
    Given N, compute d(1) + d(2) + ... + d(N).
"""
INPUT_FORMAT = "One line with N (1 <= N <= 7500)."
OUTPUT_FORMAT = "Print d(1) + d(2) + ... + d(N)."
EXAMPLE = fmt(3)
EDGE_CASES = (fmt(1), fmt(16), fmt(100))


def reference(inp: str) -> str:
    n = int(inp.split()[0])
    return str(sum(n // d for d in range(1, n + 1)))


def large(rng):
    return [fmt(rng.randint(3000, 6000)), fmt(7500)]


def small(rng):
    return fmt(rng.randint(1, 200))


SOLUTIONS = (
    ac("trial_divisors", "O(N*sqrt(N))"),
    ac("divisor_sieve", "O(N log N)"),
    # d(1) + ... + d(N) counts pairs (d, m) with d*m <= N: N // d per d.
    ac("floor_sum_loop", "O(N)"),
    ac("floor_sum_map", "O(N)"),
    # Dirichlet's hyperbola: count pairs with d <= sqrt(N) twice and remove
    # the s*s pairs counted in both halves.
    ac("hyperbola", "O(sqrt(N))"),
    # Subtracts s instead of s*s: equal only while s = 1 (N < 4).
    wrong("hyperbola_minus_s", "O(sqrt(N))"),
)

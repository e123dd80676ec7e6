"""Mini task 0009: number of distinct subset sums (0/1 knapsack feasibility)."""

from __future__ import annotations

from tools.mini_suite.inputs import array_input, fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    You have n weights w_1, ..., w_n. Choosing any subset of them (possibly
    empty, each weight at most once) gives a total. How many different totals
    can you get?
"""
INPUT_FORMAT = """
    The first line contains n (1 <= n <= 100). The second line contains
    w_1, ..., w_n (1 <= w_i <= 1000, w_1 + ... + w_n <= 10^4).
"""
OUTPUT_FORMAT = "Print the number of different totals, counting the empty subset's 0."
EXAMPLE = fmt(3, [2, 3, 7])
EDGE_CASES = (
    fmt(1, [1000]),
    fmt(5, [4, 4, 4, 4, 4]),
    fmt(4, [1, 2, 4, 8]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    reach = {0}
    for w in t[1 : 1 + t[0]]:
        reach |= {s + w for s in reach}
    return str(len(reach))


def large(rng):
    return [
        array_input(rng, 50, 1, 150),
        array_input(rng, 40, 50, 250),
    ]


def small(rng):
    return array_input(rng, rng.randint(1, 7), 1, rng.randint(1, 10))


SOLUTIONS = (
    ac("table_2d", "O(n*S)"),
    ac("dp_1d_reverse", "O(n*S)"),
    # Only totals up to the sum of the weights seen so far can be reached.
    ac("dp_1d_bounded", "O(n*S)"),
    ac("set_of_sums", "O(n*distinct sums)"),
    ac("bitset_int", "O(n*S/64)"),
    # Scanning totals upwards reuses a weight already placed in this round,
    # so it counts sums of multisets (unbounded knapsack), not subsets.
    wrong("dp_1d_forward", "O(n*S)"),
)

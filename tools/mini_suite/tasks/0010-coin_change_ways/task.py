"""Mini task 0010: coin change: number of ways."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    There are m kinds of coins with distinct values c_1, ..., c_m, and an
    unlimited supply of each. In how many ways can you pay exactly S? Two ways
    differ if some kind of coin is used a different number of times (the order
    of coins does not matter). Print the answer modulo 1000000007.
"""
INPUT_FORMAT = """
    The first line contains S and m (1 <= S <= 3000, 1 <= m <= 15). The second
    line contains the distinct coin values c_1, ..., c_m (1 <= c_i <= 3000).
"""
OUTPUT_FORMAT = "Print the number of ways modulo 1000000007."
EXAMPLE = fmt((5, 3), [1, 2, 5])
EDGE_CASES = (
    fmt((3, 1), [2]),
    fmt((10, 2), [5, 10]),
    fmt((300, 4), [1, 2, 5, 10]),
)


MOD = 10**9 + 7


def reference(inp: str) -> str:
    t = tokens(inp)
    total, coins = t[0], t[2:]
    ways = [1] + [0] * total
    for c in coins:
        for s in range(c, total + 1):
            ways[s] = (ways[s] + ways[s - c]) % MOD
    return str(ways[total])


def _coin_input(rng, total: int, m: int, lo: int, hi: int) -> str:
    return fmt((total, m), sorted(rng.sample(range(lo, hi + 1), m)))


def large(rng):
    return [
        _coin_input(rng, 1500, 12, 5, 100),
        fmt((500, 12), list(range(1, 13))),  # over 10^13 ways: the modulus matters
        _coin_input(rng, 3000, 15, 40, 200),
    ]


def small(rng):
    return _coin_input(rng, rng.randint(1, 20), rng.randint(1, 4), 1, 8)


SOLUTIONS = (
    ac("memo_recursion", "O(m*S)"),
    ac("count_copies", "O(S^2 * sum 1/c_i)"),
    ac("table_2d", "O(m*S)"),
    ac("dp_1d", "O(m*S)"),
    # Adding coin c turns ways[] into running sums along each residue class
    # mod c: ways[r], ways[r + c], ... -- one accumulate() per class.
    ac("residue_prefix_sums", "O(m*S) in C"),
    # Amounts in the outer loop count ordered sequences of coins
    # (1+2 and 2+1 twice), not combinations.
    wrong("counts_orderings", "O(m*S)"),
    # Never reduces modulo 1000000007: right while the count stays small.
    wrong("no_modulo", "O(m*S)"),
)

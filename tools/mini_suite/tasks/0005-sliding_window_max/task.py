"""Mini task 0005: sliding window maximum."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, n_k_input, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    For an array a_1, ..., a_n and a window length k, print the maximum of every
    window of k consecutive elements, from left to right.
"""
INPUT_FORMAT = """
    The first line contains n and k (1 <= k <= n <= 5000). The second line
    contains a_1, ..., a_n (1 <= a_i <= 10^9).
"""
OUTPUT_FORMAT = "Print n - k + 1 integers: the maximum of each window, in order."
EXAMPLE = fmt((8, 3), [1, 3, 2, 5, 4, 1, 2, 6])
EDGE_CASES = (
    fmt((1, 1), [5]),
    fmt((5, 2), [7, 7, 1, 7, 7]),
    fmt((4, 4), [2, 9, 9, 3]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    n, k, a = t[0], t[1], t[2:]
    # sparse table of maxima: two overlapping power-of-two blocks cover a window
    table, step = [a], 1
    while 2 * step <= k:
        prev = table[-1]
        table.append([max(prev[i], prev[i + step]) for i in range(len(prev) - step)])
        step *= 2
    row = table[-1]
    return " ".join(str(max(row[i], row[i + k - step])) for i in range(n - k + 1))


def large(rng):
    return [
        n_k_input(rng, 5000, 8, 1, 10**9),
        n_k_input(rng, 4000, 60, 1, 100),
        n_k_input(rng, 5000, 120, 1, 10**4),
    ]


def small(rng):
    return n_k_input(rng, rng.randint(1, 9), None, 1, 4)


SOLUTIONS = (
    ac("scan_each_window", "O(n*k)"),
    ac("max_of_slice", "O(n*k) in C"),
    # Max-heap of (-value, index); entries that slid out are dropped lazily
    # when they reach the top.
    ac("heap_lazy_delete", "O(n log n)"),
    ac("monotonic_deque", "O(n)"),
    # Cut the array into blocks of k: a window spans the end of one block and
    # the start of the next, so its maximum is max(suffix max, prefix max).
    ac("block_prefix_suffix", "O(n)"),
    # A deque of values that also pops equal values: when the first of two
    # equal maxima leaves the window, the second is gone too.
    wrong("value_deque_pops_equal", "O(n)"),
)

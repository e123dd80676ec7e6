"""Mini task 0026: next greater element (monotonic stack)."""

from __future__ import annotations

from tools.mini_suite.inputs import array_input, fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    For every element of a sequence a_1, ..., a_n find the nearest element to
    its right that is strictly greater than it, and print that element's value,
    or -1 if there is none.
"""
INPUT_FORMAT = """
    The first line contains n (1 <= n <= 1000). The second line contains
    a_1, ..., a_n (1 <= a_i <= 10^9).
"""
OUTPUT_FORMAT = "Print n integers separated by spaces: the answer for each element, in order."
EXAMPLE = fmt(6, [2, 7, 3, 5, 4, 6])
EDGE_CASES = (
    fmt(1, [42]),
    fmt(5, [3, 3, 3, 3, 3]),
    fmt(6, [5, 1, 5, 2, 5, 9]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    a = t[1 : 1 + t[0]]
    res, stack = [-1] * len(a), []
    for i in range(len(a) - 1, -1, -1):
        while stack and stack[-1] <= a[i]:
            stack.pop()
        if stack:
            res[i] = stack[-1]
        stack.append(a[i])
    return " ".join(map(str, res))


def _descending(rng, n: int, hi: int, jitter: int) -> list[int]:
    """A mostly decreasing sequence (next greater elements are far away) with repeats."""
    return [max(1, hi - i * hi // n + rng.randint(-jitter, jitter)) for i in range(n)]


def large(rng):
    return [
        array_input(rng, 1000, 1, 10**9),
        fmt(1000, _descending(rng, 1000, 5000, 3)),
    ]


def small(rng):
    return array_input(rng, rng.randint(1, 10), 1, 5)


SOLUTIONS = (
    ac("scan_right", "O(n^2)"),
    ac("scan_right_generator", "O(n^2)"),
    # Jumps over blocks of a sparse table of maxima: from i+1, skip every
    # power-of-two block whose maximum is <= a_i, largest first.
    ac("sparse_table_jumps", "O(n log n)"),
    ac("stack_left_to_right", "O(n)"),
    ac("stack_right_to_left", "O(n)"),
    # Pops only strictly smaller values, so an equal value can be reported
    # as "greater".
    wrong("stack_keeps_equal", "O(n)"),
)

"""Mini task 0004: inversions (sorting)."""

from __future__ import annotations

from tools.mini_suite.inputs import array_input, fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    An inversion of a sequence a_1, ..., a_n is a pair of indices i < j with
    a_i > a_j. Count the inversions.
"""
INPUT_FORMAT = """
    The first line contains n (1 <= n <= 1500). The second line contains
    a_1, ..., a_n (|a_i| <= 10^9).
"""
OUTPUT_FORMAT = "Print the number of inversions."
EXAMPLE = fmt(5, [2, 4, 1, 3, 5])
EDGE_CASES = (
    fmt(1, [0]),
    fmt(4, [3, 3, 3, 3]),
    fmt(6, [6, 5, 4, 3, 2, 1]),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    a = t[1 : 1 + t[0]]

    def sort(xs: list[int]) -> tuple[list[int], int]:
        if len(xs) <= 1:
            return xs, 0
        left, x = sort(xs[: len(xs) // 2])
        right, y = sort(xs[len(xs) // 2 :])
        merged, inv, i, j = [], x + y, 0, 0
        while i < len(left) and j < len(right):
            if left[i] <= right[j]:
                merged.append(left[i])
                i += 1
            else:
                merged.append(right[j])
                inv += len(left) - i
                j += 1
        return merged + left[i:] + right[j:], inv

    return str(sort(a)[1])


def large(rng):
    return [
        array_input(rng, 1500, -(10**9), 10**9),
        array_input(rng, 1500, 1, 50),
    ]


def small(rng):
    return array_input(rng, rng.randint(1, 9), 1, 4)


SOLUTIONS = (
    ac("double_loop", "O(n^2)"),
    ac("count_smaller_after", "O(n^2)"),
    ac("merge_sort", "O(n log n)"),
    ac("fenwick_tree", "O(n log n)"),
    ac("insort_prefix", "O(n log n) compares, O(n^2) memmove"),
    # Takes the right element on ties (<), so equal pairs count as inversions.
    wrong("merge_sort_strict", "O(n log n)"),
)

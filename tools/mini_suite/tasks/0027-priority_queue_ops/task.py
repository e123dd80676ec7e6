"""Mini task 0027: priority queue operations (heap)."""

from __future__ import annotations

import heapq

from tools.mini_suite.inputs import fmt
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    Start with an empty multiset of integers and process q operations:
    "+ x" adds x to the multiset; "-" removes the smallest element and prints
    it, or prints EMPTY if the multiset is empty.
"""
INPUT_FORMAT = """
    The first line contains q (1 <= q <= 10^4). Each of the next q lines contains
    an operation, "+ x" (|x| <= 10^6) or "-". At least one operation is "-".
"""
OUTPUT_FORMAT = 'Print one line per "-" operation: the removed value or EMPTY.'
EXAMPLE = fmt(6, "+ 5", "+ 1", "-", "+ 3", "-", "-")
EDGE_CASES = (
    fmt(1, "-"),
    fmt(5, "+ 2", "+ 2", "-", "-", "-"),
    fmt(4, "+ -7", "+ 1000000", "-", "-"),
)


def reference(inp: str) -> str:
    lines = inp.split("\n")
    heap: list[int] = []
    out = []
    for line in lines[1 : 1 + int(lines[0])]:
        if line[0] == "+":
            heapq.heappush(heap, int(line[2:]))
        else:
            out.append(str(heapq.heappop(heap)) if heap else "EMPTY")
    return "\n".join(out)


def _pq_input(rng, body: int, size: int, drain: bool) -> str:
    """`body` random operations that keep between `size` and 2*size elements
    once filled, then one pop, or with drain, pops until three past empty."""
    ops, cur = [], 0
    for _ in range(body):
        if cur < size or (cur < 2 * size and rng.random() < 0.5):
            ops.append(f"+ {rng.randint(-(10**6), 10**6)}")
            cur += 1
        else:
            ops.append("-")
            cur -= 1
    ops += ["-"] * (cur + 3 if drain else 1)
    return fmt(len(ops), *ops)


def large(rng):
    return [
        _pq_input(rng, 5000, 40, True),
        _pq_input(rng, 9999, 60, False),
    ]


def small(rng):
    return _pq_input(rng, rng.randint(1, 10), rng.randint(0, 4), rng.random() < 0.5)


SOLUTIONS = (
    ac("scan_for_min", "O(q*size)"),
    ac("min_and_remove", "O(q*size)"),
    ac("sorted_list_insort", "O(q*size) memmove"),
    ac("heapq", "O(q log size)"),
    ac("heapq_bulk_read", "O(q log size)"),
    # Forgets the empty case: heappop on an empty heap raises IndexError.
    wrong("heapq_no_empty_check", "O(q log size)", "RE"),
)

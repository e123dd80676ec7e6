"""Mini task 0016: lexicographically smallest topological order."""

from __future__ import annotations

import heapq

from tools.mini_suite.inputs import fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    There are n jobs numbered 1..n and m rules "job a must be done before job b".
    Print an order of all jobs that obeys every rule; if several orders do,
    print the lexicographically smallest one (the one with the smallest first
    job, then the smallest second job, and so on). If no order obeys all rules,
    print -1.
"""
INPUT_FORMAT = """
    The first line contains n and m (1 <= n <= 1200, 0 <= m <= 2000). Each of the
    next m lines contains a rule a b (1 <= a, b <= n, a != b).
"""
OUTPUT_FORMAT = "Print n job numbers separated by spaces, or -1."
EXAMPLE = fmt((4, 3), (2, 1), (3, 1), (1, 4))
EDGE_CASES = (
    fmt((1, 0)),
    fmt((3, 3), (1, 2), (2, 3), (3, 1)),
    fmt((4, 2), (4, 1), (2, 1)),
    fmt((5, 4), (3, 1), (3, 2), (5, 2), (2, 4)),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    n, m = t[0], t[1]
    adj: list[list[int]] = [[] for _ in range(n + 1)]
    indeg = [0] * (n + 1)
    for i in range(m):
        a, b = t[2 + 2 * i], t[3 + 2 * i]
        adj[a].append(b)
        indeg[b] += 1
    ready = [v for v in range(1, n + 1) if indeg[v] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        u = heapq.heappop(ready)
        order.append(u)
        for v in adj[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                heapq.heappush(ready, v)
    return " ".join(map(str, order)) if len(order) == n else "-1"


def _dag_input(rng, n: int, m: int, span: int, cycle: bool = False) -> str:
    """m constraints consistent with a hidden random order, each between jobs at
    most `span` apart in it; with cycle, one constraint points backwards."""
    hidden = list(range(1, n + 1))
    rng.shuffle(hidden)
    edges = []
    for _ in range(m):
        i = rng.randrange(n - 1)
        edges.append((hidden[i], hidden[min(n - 1, i + rng.randint(1, span))]))
    if cycle:
        i = rng.randrange(n - 1)
        j = min(n - 1, i + rng.randint(1, span))
        edges[rng.randrange(m)] = (hidden[j], hidden[i])
        edges.append((hidden[i], hidden[j]))
    return fmt((n, len(edges)), *edges)


def large(rng):
    return [
        _dag_input(rng, 1000, 1999, 30, cycle=True),
        _dag_input(rng, 1200, 1500, 600),
    ]


def small(rng):
    return _dag_input(rng, rng.randint(2, 7), rng.randint(1, 8), 3, rng.random() < 0.3)


SOLUTIONS = (
    # Each step rescans the jobs for the smallest one with no rule pending.
    ac("rescan_for_smallest", "O(n^2 + m)"),
    ac("min_of_ready_set", "O(n*ready + m)"),
    # Ready jobs stay sorted by -job, so the smallest job is at the end.
    ac("sorted_ready_list", "O((n + m) log n) compares, O(n*ready) memmove"),
    ac("heap_kahn", "O((n + m) log n)"),
    ac("heap_kahn_bulk_read", "O((n + m) log n)"),
    # A FIFO queue gives a valid order, but not the smallest one.
    wrong("fifo_kahn", "O(n + m)"),
)

"""Mini task 0015: shortest paths with weights (Dijkstra)."""

from __future__ import annotations

import heapq

from tools.mini_suite.inputs import fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    A road network has n towns and m two-way roads; road i joins towns u_i and
    v_i and takes w_i minutes. For every town print the least number of minutes
    needed to reach it from town 1, or -1 if it cannot be reached.
"""
INPUT_FORMAT = """
    The first line contains n and m (1 <= n <= 300, 0 <= m <= 1200). Each of the
    next m lines contains u, v and w (1 <= u, v <= n, 1 <= w <= 1000). Roads
    may repeat and may join a town to itself.
"""
OUTPUT_FORMAT = "Print n integers: the answer for towns 1, 2, ..., n."
EXAMPLE = fmt((5, 5), (1, 2, 4), (1, 3, 1), (3, 4, 2), (2, 4, 1), (4, 4, 3))
EDGE_CASES = (
    fmt((1, 0)),
    fmt((3, 1), (2, 3, 5)),
    fmt((4, 5), (1, 2, 7), (1, 3, 2), (3, 2, 3), (2, 4, 1), (3, 4, 8)),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    n, m = t[0], t[1]
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n + 1)]
    for i in range(m):
        u, v, w = t[2 + 3 * i : 5 + 3 * i]
        adj[u].append((v, w))
        adj[v].append((u, w))
    dist = [-1] * (n + 1)
    heap = [(0, 1)]
    while heap:
        d, u = heapq.heappop(heap)
        if dist[u] >= 0:
            continue
        dist[u] = d
        for v, w in adj[u]:
            if dist[v] < 0:
                heapq.heappush(heap, (d + w, v))
    return " ".join(map(str, dist[1:]))


def _weighted_input(rng, n: int, m: int, max_w: int, reach: int, isolated: int = 0) -> str:
    """m random roads, each joining towns at most `reach` apart in numbering,
    among the first n - isolated towns (the rest are unreachable)."""
    live = n - isolated
    edges = []
    for _ in range(m):
        u = rng.randint(1, live)
        v = min(live, max(1, u + rng.randint(-reach, reach)))
        edges.append((u, v, rng.randint(1, max_w)))
    return fmt((n, m), *edges)


def _chain_input(rng, n: int, m: int, max_w: int, reach: int) -> str:
    """A connected "long" network: roads i -- i+1 for every i, plus m - (n - 1)
    roads between towns at most `reach` apart, all in random order. Shortest
    paths from town 1 take many roads, so edge-relaxation rounds add up."""
    edges = [(i, i + 1, rng.randint(1, max_w)) for i in range(1, n)]
    for _ in range(m - (n - 1)):
        u = rng.randint(1, n)
        edges.append((u, min(n, u + rng.randint(1, reach)), rng.randint(1, max_w)))
    rng.shuffle(edges)
    return fmt((n, m), *edges)


def large(rng):
    return [
        _weighted_input(rng, 200, 1200, 1000, 200, isolated=5),
        _chain_input(rng, 300, 750, 100, 3),
    ]


def small(rng):
    return _weighted_input(rng, rng.randint(1, 6), rng.randint(0, 8), 9, 6)


SOLUTIONS = (
    ac("bellman_ford", "O(n*m)"),
    ac("dijkstra_array", "O(n^2 + m)"),
    ac("bellman_ford_early_exit", "O(n*m) worst, rounds = hops"),
    ac("dijkstra_heap", "O(m log n)"),
    ac("dijkstra_heap_bulk_read", "O(m log n)"),
    # Fixes a town's distance when it is first pushed (like BFS), so a
    # longer first-found road beats a shorter path found later.
    wrong("final_on_push", "O(m log n)"),
)

"""Mini task 0014: connected components."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, tokens
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    An undirected graph has n vertices numbered 1..n and m edges (self-loops and
    repeated edges may occur). Find the number of its connected components and
    the number of vertices in the largest one.
"""
INPUT_FORMAT = """
    The first line contains n and m (1 <= n <= 1000, 0 <= m <= 5000). Each of the
    next m lines contains an edge u v (1 <= u, v <= n).
"""
OUTPUT_FORMAT = "Print two integers: the number of components and the size of the largest."
EXAMPLE = fmt((6, 4), (1, 2), (2, 3), (4, 5), (5, 4))
EDGE_CASES = (
    fmt((1, 0)),
    fmt((3, 1), (2, 2)),
    fmt((5, 4), (1, 2), (3, 4), (2, 3), (4, 5)),
)


def reference(inp: str) -> str:
    t = tokens(inp)
    n, m = t[0], t[1]
    parent = list(range(n + 1))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(m):
        a, b = find(t[2 + 2 * i]), find(t[3 + 2 * i])
        parent[a] = b
    sizes: dict[int, int] = {}
    for v in range(1, n + 1):
        r = find(v)
        sizes[r] = sizes.get(r, 0) + 1
    return f"{len(sizes)} {max(sizes.values())}"


def _components_input(rng, n: int, m: int, groups: int) -> str:
    """m random edges inside `groups` random vertex groups (so several components)."""
    group = [rng.randrange(groups) for _ in range(n + 1)]
    members: dict[int, list[int]] = {}
    for v in range(1, n + 1):
        members.setdefault(group[v], []).append(v)
    edges = []
    for _ in range(m):
        g = members[group[rng.randint(1, n)]]
        edges.append((rng.choice(g), rng.choice(g)))
    return fmt((n, m), *edges)


def large(rng):
    return [
        _components_input(rng, 800, 3000, 40),
        _components_input(rng, 800, 5000, 5),
    ]


def small(rng):
    return _components_input(rng, rng.randint(1, 8), rng.randint(0, 8), 3)


SOLUTIONS = (
    # Quick-find: every union relabels the whole component array.
    ac("quick_find_loop", "O(n^2 + m)"),
    ac("quick_find_comprehension", "O(n^2 + m)"),
    ac("bfs_adjacency", "O(n + m)"),
    ac("dsu_path_halving", "O((n + m) alpha(n))"),
    ac("dsu_bulk_read", "O((n + m) alpha(n))"),
    # Links the endpoints instead of their roots: parent[u] = v detaches u
    # from its old tree, so earlier unions can be lost.
    wrong("dsu_links_endpoints", "O((n + m) alpha(n))"),
)

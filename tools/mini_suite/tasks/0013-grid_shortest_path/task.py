"""Mini task 0013: shortest path on a grid (BFS)."""

from __future__ import annotations

from collections import deque

from tools.mini_suite.inputs import fmt
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    A robot stands on the cell S of a rectangular grid and must reach the cell T.
    In one move it goes to a side-adjacent cell; it cannot leave the grid or
    enter a wall cell '#'. Find the minimum number of moves, or -1 if T cannot
    be reached.
"""
INPUT_FORMAT = """
    The first line contains R and C (1 <= R, C <= 100, R*C >= 2). Each of the next
    R lines contains C characters: '.' (free), '#' (wall), 'S' or 'T'. There is
    exactly one S and exactly one T.
"""
OUTPUT_FORMAT = "Print the minimum number of moves from S to T, or -1."
EXAMPLE = fmt((4, 5), "S.#..", ".##.#", "...#T", "#....")
EDGE_CASES = (
    fmt((1, 2), "ST"),
    fmt((3, 3), "S#.", "##.", "..T"),
    fmt((2, 5), "T...S", "....."),
)


def reference(inp: str) -> str:
    lines = inp.split("\n")
    rows, cols = map(int, lines[0].split())
    grid = lines[1 : 1 + rows]
    cells = {(r, c): ch for r in range(rows) for c, ch in enumerate(grid[r])}
    start = next(p for p, ch in cells.items() if ch == "S")
    dist = {start: 0}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        if cells[r, c] == "T":
            return str(dist[r, c])
        for nxt in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if cells.get(nxt, "#") != "#" and nxt not in dist:
                dist[nxt] = dist[r, c] + 1
                queue.append(nxt)
    return "-1"


def _grid_input(rng, rows: int, cols: int, wall: float, reachable: bool | None = None) -> str:
    """A random grid with S and T in opposite corners. reachable=True/False keeps
    drawing until T can / cannot be reached (the draws stay deterministic)."""
    while True:
        g = [["#" if rng.random() < wall else "." for _ in range(cols)] for _ in range(rows)]
        g[0][0], g[-1][-1] = "S", "T"
        text = fmt((rows, cols), *("".join(row) for row in g))
        if reachable is None or (reference(text) != "-1") == reachable:
            return text


def small(rng) -> str:
    rows, cols = rng.randint(1, 5), rng.randint(1, 5)
    while rows * cols < 2:
        cols += 1
    g = [["#" if rng.random() < 0.3 else "." for _ in range(cols)] for _ in range(rows)]
    s, t = rng.sample(range(rows * cols), 2)
    g[s // cols][s % cols], g[t // cols][t % cols] = "S", "T"
    return fmt((rows, cols), *("".join(row) for row in g))


def large(rng):
    return [
        _grid_input(rng, 60, 60, 0.45, reachable=False),
        _grid_input(rng, 70, 70, 0.3, reachable=True),
    ]


SOLUTIONS = (
    # Grows the distance-d frontier by rescanning the whole grid for each d.
    ac("wavefront_rescans", "O(R*C*D)"),
    ac("bfs_queue_module", "O(R*C)"),
    ac("dijkstra_heap", "O(R*C log(R*C))"),
    ac("bfs_deque", "O(R*C)"),
    # Pads the grid with a wall border and flattens it, so a neighbour is an
    # index offset and needs no bounds check; expands one level at a time.
    ac("bfs_flat_levels", "O(R*C)"),
    # Depth-first search keeps the distance at which it first reaches a cell,
    # which is the length of some path, not the shortest one.
    wrong("dfs_first_visit", "O(R*C)"),
)

"""Graph tasks: grid BFS, connected components, weighted shortest paths, DAG order."""

from __future__ import annotations

import heapq
from collections import deque

from .spec import Task, ac, fmt, tokens, wrong

# ---- shortest path on a grid (BFS) ---------------------------------------------


def _grid_path(inp: str) -> str:
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
        if reachable is None or (_grid_path(text) != "-1") == reachable:
            return text


def _grid_small(rng) -> str:
    rows, cols = rng.randint(1, 5), rng.randint(1, 5)
    while rows * cols < 2:
        cols += 1
    g = [["#" if rng.random() < 0.3 else "." for _ in range(cols)] for _ in range(rows)]
    s, t = rng.sample(range(rows * cols), 2)
    g[s // cols][s % cols], g[t // cols][t % cols] = "S", "T"
    return fmt((rows, cols), *("".join(row) for row in g))


GRID_PATH = Task(
    name="grid_shortest_path",
    difficulty="interview",
    statement="""
        A robot stands on the cell S of a rectangular grid and must reach the cell T.
        In one move it goes to a side-adjacent cell; it cannot leave the grid or
        enter a wall cell '#'. Find the minimum number of moves, or -1 if T cannot
        be reached.
    """,
    input_format="""
        The first line contains R and C (1 <= R, C <= 100, R*C >= 2). Each of the next
        R lines contains C characters: '.' (free), '#' (wall), 'S' or 'T'. There is
        exactly one S and exactly one T.
    """,
    output_format="Print the minimum number of moves from S to T, or -1.",
    reference=_grid_path,
    example=fmt((4, 5), "S.#..", ".##.#", "...#T", "#...."),
    edge_cases=(
        fmt((1, 2), "ST"),
        fmt((3, 3), "S#.", "##.", "..T"),
        fmt((2, 5), "T...S", "....."),
    ),
    large=lambda rng: [
        _grid_input(rng, 60, 60, 0.45, reachable=False),
        _grid_input(rng, 70, 70, 0.3, reachable=True),
    ],
    small=_grid_small,
    solutions=(
        # Grows the distance-d frontier by rescanning the whole grid for each d.
        ac(
            "wavefront_rescans",
            "O(R*C*D)",
            r"""
            def main():
                R, C = map(int, input().split())
                grid = [input() for _ in range(R)]
                dist = [[-1] * C for _ in range(R)]
                for r in range(R):
                    for c in range(C):
                        if grid[r][c] == "S":
                            dist[r][c] = 0
                        elif grid[r][c] == "T":
                            tr, tc = r, c
                d = 0
                changed = True
                while dist[tr][tc] == -1 and changed:
                    changed = False
                    for r in range(R):
                        for c in range(C):
                            if dist[r][c] == d:
                                for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                                    if 0 <= nr < R and 0 <= nc < C and grid[nr][nc] != "#" and dist[nr][nc] == -1:
                                        dist[nr][nc] = d + 1
                                        changed = True
                    d += 1
                print(dist[tr][tc])

            main()
        """,
        ),
        ac(
            "bfs_queue_module",
            "O(R*C)",
            r"""
            import queue

            R, C = map(int, input().split())
            grid = [input() for _ in range(R)]
            for r in range(R):
                for c in range(C):
                    if grid[r][c] == "S":
                        start = (r, c)
            dist = {start: 0}
            q = queue.Queue()
            q.put(start)
            answer = -1
            while not q.empty():
                r, c = q.get()
                if grid[r][c] == "T":
                    answer = dist[(r, c)]
                    break
                for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                    if 0 <= nr < R and 0 <= nc < C and grid[nr][nc] != "#" and (nr, nc) not in dist:
                        dist[(nr, nc)] = dist[(r, c)] + 1
                        q.put((nr, nc))
            print(answer)
        """,
        ),
        ac(
            "dijkstra_heap",
            "O(R*C log(R*C))",
            r"""
            import heapq
            import sys

            def main():
                input = sys.stdin.readline
                R, C = map(int, input().split())
                grid = [input().strip() for _ in range(R)]
                INF = float("inf")
                dist = [[INF] * C for _ in range(R)]
                heap = []
                for r in range(R):
                    for c in range(C):
                        if grid[r][c] == "S":
                            dist[r][c] = 0
                            heap.append((0, r, c))
                while heap:
                    d, r, c = heapq.heappop(heap)
                    if d > dist[r][c]:
                        continue
                    if grid[r][c] == "T":
                        print(d)
                        return
                    for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                        if 0 <= nr < R and 0 <= nc < C and grid[nr][nc] != "#" and d + 1 < dist[nr][nc]:
                            dist[nr][nc] = d + 1
                            heapq.heappush(heap, (d + 1, nr, nc))
                print(-1)

            main()
        """,
        ),
        ac(
            "bfs_deque",
            "O(R*C)",
            r"""
            import sys
            from collections import deque

            def main():
                input = sys.stdin.readline
                R, C = map(int, input().split())
                grid = [input().strip() for _ in range(R)]
                dist = [[-1] * C for _ in range(R)]
                q = deque()
                for r in range(R):
                    c = grid[r].find("S")
                    if c >= 0:
                        dist[r][c] = 0
                        q.append((r, c))
                while q:
                    r, c = q.popleft()
                    if grid[r][c] == "T":
                        print(dist[r][c])
                        return
                    for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                        if 0 <= nr < R and 0 <= nc < C and dist[nr][nc] < 0 and grid[nr][nc] != "#":
                            dist[nr][nc] = dist[r][c] + 1
                            q.append((nr, nc))
                print(-1)

            main()
        """,
        ),
        # Pads the grid with a wall border and flattens it, so a neighbour is an
        # index offset and needs no bounds check; expands one level at a time.
        ac(
            "bfs_flat_levels",
            "O(R*C)",
            r"""
            import sys

            def main():
                data = sys.stdin.read().split()
                R, C = int(data[0]), int(data[1])
                W = C + 2
                cells = "#" * W + "".join("#" + row + "#" for row in data[2:2 + R]) + "#" * W
                blocked = [ch == "#" for ch in cells]
                start, target = cells.index("S"), cells.index("T")
                blocked[start] = True
                frontier, steps = [start], 0
                while frontier:
                    nxt = []
                    for p in frontier:
                        if p == target:
                            print(steps)
                            return
                        for q in (p - W, p + W, p - 1, p + 1):
                            if not blocked[q]:
                                blocked[q] = True
                                nxt.append(q)
                    frontier = nxt
                    steps += 1
                print(-1)

            main()
        """,
        ),
        # Depth-first search keeps the distance at which it first reaches a cell,
        # which is the length of some path, not the shortest one.
        wrong(
            "dfs_first_visit",
            "O(R*C)",
            r"""
            def main():
                R, C = map(int, input().split())
                grid = [input() for _ in range(R)]
                dist = [[-1] * C for _ in range(R)]
                stack = []
                for r in range(R):
                    for c in range(C):
                        if grid[r][c] == "S":
                            dist[r][c] = 0
                            stack.append((r, c))
                while stack:
                    r, c = stack.pop()
                    for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                        if 0 <= nr < R and 0 <= nc < C and grid[nr][nc] != "#" and dist[nr][nc] == -1:
                            dist[nr][nc] = dist[r][c] + 1
                            stack.append((nr, nc))
                for r in range(R):
                    for c in range(C):
                        if grid[r][c] == "T":
                            print(dist[r][c])

            main()
        """,
        ),
    ),
)


# ---- connected components --------------------------------------------------------


def _components(inp: str) -> str:
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


COMPONENTS = Task(
    name="connected_components",
    difficulty="introductory",
    statement="""
        An undirected graph has n vertices numbered 1..n and m edges (self-loops and
        repeated edges may occur). Find the number of its connected components and
        the number of vertices in the largest one.
    """,
    input_format="""
        The first line contains n and m (1 <= n <= 1000, 0 <= m <= 5000). Each of the
        next m lines contains an edge u v (1 <= u, v <= n).
    """,
    output_format="Print two integers: the number of components and the size of the largest.",
    reference=_components,
    example=fmt((6, 4), (1, 2), (2, 3), (4, 5), (5, 4)),
    edge_cases=(
        fmt((1, 0)),
        fmt((3, 1), (2, 2)),
        fmt((5, 4), (1, 2), (3, 4), (2, 3), (4, 5)),
    ),
    large=lambda rng: [
        _components_input(rng, 800, 3000, 40),
        _components_input(rng, 800, 5000, 5),
    ],
    small=lambda rng: _components_input(rng, rng.randint(1, 8), rng.randint(0, 8), 3),
    solutions=(
        # Quick-find: every union relabels the whole component array.
        ac(
            "quick_find_loop",
            "O(n^2 + m)",
            r"""
            n, m = map(int, input().split())
            comp = list(range(n + 1))
            for _ in range(m):
                u, v = map(int, input().split())
                cu, cv = comp[u], comp[v]
                if cu != cv:
                    for i in range(1, n + 1):
                        if comp[i] == cv:
                            comp[i] = cu
            sizes = {}
            for i in range(1, n + 1):
                sizes[comp[i]] = sizes.get(comp[i], 0) + 1
            print(len(sizes), max(sizes.values()))
        """,
        ),
        ac(
            "quick_find_comprehension",
            "O(n^2 + m)",
            r"""
            import sys
            from collections import Counter

            def main():
                input = sys.stdin.readline
                n, m = map(int, input().split())
                comp = list(range(n + 1))
                for _ in range(m):
                    u, v = map(int, input().split())
                    cu, cv = comp[u], comp[v]
                    if cu != cv:
                        comp = [cu if c == cv else c for c in comp]
                sizes = Counter(comp[1:])
                print(len(sizes), max(sizes.values()))

            main()
        """,
        ),
        ac(
            "bfs_adjacency",
            "O(n + m)",
            r"""
            from collections import deque

            def main():
                n, m = map(int, input().split())
                adj = [[] for _ in range(n + 1)]
                for _ in range(m):
                    u, v = map(int, input().split())
                    adj[u].append(v)
                    adj[v].append(u)
                seen = [False] * (n + 1)
                count = largest = 0
                for s in range(1, n + 1):
                    if seen[s]:
                        continue
                    count += 1
                    seen[s] = True
                    q = deque([s])
                    size = 0
                    while q:
                        u = q.popleft()
                        size += 1
                        for v in adj[u]:
                            if not seen[v]:
                                seen[v] = True
                                q.append(v)
                    largest = max(largest, size)
                print(count, largest)

            main()
        """,
        ),
        ac(
            "dsu_path_halving",
            "O((n + m) alpha(n))",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n, m = map(int, input().split())
                parent = list(range(n + 1))
                size = [1] * (n + 1)

                def find(x):
                    while parent[x] != x:
                        parent[x] = parent[parent[x]]
                        x = parent[x]
                    return x

                count = n
                for _ in range(m):
                    u, v = map(int, input().split())
                    a, b = find(u), find(v)
                    if a != b:
                        if size[a] < size[b]:
                            a, b = b, a
                        parent[b] = a
                        size[a] += size[b]
                        count -= 1
                print(count, max(size[v] for v in range(1, n + 1) if parent[v] == v))

            main()
        """,
        ),
        ac(
            "dsu_bulk_read",
            "O((n + m) alpha(n))",
            r"""
            import sys

            def main():
                data = list(map(int, sys.stdin.buffer.read().split()))
                n = data[0]
                parent = list(range(n + 1))
                size = [1] * (n + 1)
                count = n
                it = iter(data[2:])
                for u, v in zip(it, it):
                    while parent[u] != u:
                        parent[u] = u = parent[parent[u]]
                    while parent[v] != v:
                        parent[v] = v = parent[parent[v]]
                    if u != v:
                        if size[u] < size[v]:
                            u, v = v, u
                        parent[v] = u
                        size[u] += size[v]
                        count -= 1
                print(count, max(size[v] for v in range(1, n + 1) if parent[v] == v))

            main()
        """,
        ),
        # Links the endpoints instead of their roots: parent[u] = v detaches u
        # from its old tree, so earlier unions can be lost.
        wrong(
            "dsu_links_endpoints",
            "O((n + m) alpha(n))",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n, m = map(int, input().split())
                parent = list(range(n + 1))

                def find(x):
                    while parent[x] != x:
                        x = parent[x]
                    return x

                for _ in range(m):
                    u, v = map(int, input().split())
                    if find(u) != find(v):
                        parent[u] = v
                sizes = {}
                for v in range(1, n + 1):
                    r = find(v)
                    sizes[r] = sizes.get(r, 0) + 1
                print(len(sizes), max(sizes.values()))

            main()
        """,
        ),
    ),
)


# ---- shortest paths with weights (Dijkstra) ------------------------------------------


def _dijkstra(inp: str) -> str:
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


DIJKSTRA = Task(
    name="weighted_shortest_paths",
    difficulty="interview",
    statement="""
        A road network has n towns and m two-way roads; road i joins towns u_i and
        v_i and takes w_i minutes. For every town print the least number of minutes
        needed to reach it from town 1, or -1 if it cannot be reached.
    """,
    input_format="""
        The first line contains n and m (1 <= n <= 300, 0 <= m <= 1200). Each of the
        next m lines contains u, v and w (1 <= u, v <= n, 1 <= w <= 1000). Roads
        may repeat and may join a town to itself.
    """,
    output_format="Print n integers: the answer for towns 1, 2, ..., n.",
    reference=_dijkstra,
    example=fmt((5, 5), (1, 2, 4), (1, 3, 1), (3, 4, 2), (2, 4, 1), (4, 4, 3)),
    edge_cases=(
        fmt((1, 0)),
        fmt((3, 1), (2, 3, 5)),
        fmt((4, 5), (1, 2, 7), (1, 3, 2), (3, 2, 3), (2, 4, 1), (3, 4, 8)),
    ),
    large=lambda rng: [
        _weighted_input(rng, 200, 1200, 1000, 200, isolated=5),
        _chain_input(rng, 300, 750, 100, 3),
    ],
    small=lambda rng: _weighted_input(rng, rng.randint(1, 6), rng.randint(0, 8), 9, 6),
    solutions=(
        ac(
            "bellman_ford",
            "O(n*m)",
            r"""
            n, m = map(int, input().split())
            edges = [tuple(map(int, input().split())) for _ in range(m)]
            INF = float("inf")
            dist = [INF] * (n + 1)
            dist[1] = 0
            for _ in range(n - 1):
                for u, v, w in edges:
                    if dist[u] + w < dist[v]:
                        dist[v] = dist[u] + w
                    if dist[v] + w < dist[u]:
                        dist[u] = dist[v] + w
            print(*[d if d < INF else -1 for d in dist[1:]])
        """,
        ),
        ac(
            "dijkstra_array",
            "O(n^2 + m)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n, m = map(int, input().split())
                adj = [[] for _ in range(n + 1)]
                for _ in range(m):
                    u, v, w = map(int, input().split())
                    adj[u].append((v, w))
                    adj[v].append((u, w))
                INF = float("inf")
                dist = [INF] * (n + 1)
                dist[1] = 0
                done = [False] * (n + 1)
                for _ in range(n):
                    u, best = -1, INF
                    for v in range(1, n + 1):
                        if not done[v] and dist[v] < best:
                            u, best = v, dist[v]
                    if u < 0:
                        break
                    done[u] = True
                    for v, w in adj[u]:
                        if best + w < dist[v]:
                            dist[v] = best + w
                print(" ".join(str(d) if d < INF else "-1" for d in dist[1:]))

            main()
        """,
        ),
        ac(
            "bellman_ford_early_exit",
            "O(n*m) worst, rounds = hops",
            r"""
            def main():
                n, m = map(int, input().split())
                edges = [tuple(map(int, input().split())) for _ in range(m)]
                INF = float("inf")
                dist = [INF] * (n + 1)
                dist[1] = 0
                changed = True
                while changed:
                    changed = False
                    for u, v, w in edges:
                        if dist[u] + w < dist[v]:
                            dist[v] = dist[u] + w
                            changed = True
                        if dist[v] + w < dist[u]:
                            dist[u] = dist[v] + w
                            changed = True
                print(*[d if d < INF else -1 for d in dist[1:]])

            main()
        """,
        ),
        ac(
            "dijkstra_heap",
            "O(m log n)",
            r"""
            import heapq

            def main():
                n, m = map(int, input().split())
                adj = [[] for _ in range(n + 1)]
                for _ in range(m):
                    u, v, w = map(int, input().split())
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
                print(*dist[1:])

            main()
        """,
        ),
        ac(
            "dijkstra_heap_bulk_read",
            "O(m log n)",
            r"""
            import sys
            from heapq import heappop, heappush

            def main():
                data = list(map(int, sys.stdin.buffer.read().split()))
                n, m = data[0], data[1]
                adj = [[] for _ in range(n + 1)]
                for k in range(2, 2 + 3 * m, 3):
                    u, v, w = data[k], data[k + 1], data[k + 2]
                    adj[u].append((w, v))
                    adj[v].append((w, u))
                INF = float("inf")
                dist = [INF] * (n + 1)
                dist[1] = 0
                heap = [(0, 1)]
                while heap:
                    d, u = heappop(heap)
                    if d > dist[u]:
                        continue
                    for w, v in adj[u]:
                        nd = d + w
                        if nd < dist[v]:
                            dist[v] = nd
                            heappush(heap, (nd, v))
                sys.stdout.write(" ".join(str(d) if d < INF else "-1" for d in dist[1:]) + "\n")

            main()
        """,
        ),
        # Fixes a town's distance when it is first pushed (like BFS), so a
        # longer first-found road beats a shorter path found later.
        wrong(
            "final_on_push",
            "O(m log n)",
            r"""
            import heapq

            def main():
                n, m = map(int, input().split())
                adj = [[] for _ in range(n + 1)]
                for _ in range(m):
                    u, v, w = map(int, input().split())
                    adj[u].append((v, w))
                    adj[v].append((u, w))
                dist = [-1] * (n + 1)
                dist[1] = 0
                heap = [(0, 1)]
                while heap:
                    d, u = heapq.heappop(heap)
                    for v, w in adj[u]:
                        if dist[v] < 0:
                            dist[v] = d + w
                            heapq.heappush(heap, (d + w, v))
                print(*dist[1:])

            main()
        """,
        ),
    ),
)


# ---- lexicographically smallest topological order ------------------------------------


def _topo_order(inp: str) -> str:
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


TOPO_ORDER = Task(
    name="smallest_topological_order",
    difficulty="interview",
    statement="""
        There are n jobs numbered 1..n and m rules "job a must be done before job b".
        Print an order of all jobs that obeys every rule; if several orders do,
        print the lexicographically smallest one (the one with the smallest first
        job, then the smallest second job, and so on). If no order obeys all rules,
        print -1.
    """,
    input_format="""
        The first line contains n and m (1 <= n <= 1200, 0 <= m <= 2000). Each of the
        next m lines contains a rule a b (1 <= a, b <= n, a != b).
    """,
    output_format="Print n job numbers separated by spaces, or -1.",
    reference=_topo_order,
    example=fmt((4, 3), (2, 1), (3, 1), (1, 4)),
    edge_cases=(
        fmt((1, 0)),
        fmt((3, 3), (1, 2), (2, 3), (3, 1)),
        fmt((4, 2), (4, 1), (2, 1)),
        fmt((5, 4), (3, 1), (3, 2), (5, 2), (2, 4)),
    ),
    large=lambda rng: [
        _dag_input(rng, 1000, 1999, 30, cycle=True),
        _dag_input(rng, 1200, 1500, 600),
    ],
    small=lambda rng: _dag_input(rng, rng.randint(2, 7), rng.randint(1, 8), 3, rng.random() < 0.3),
    solutions=(
        # Each step rescans the jobs for the smallest one with no rule pending.
        ac(
            "rescan_for_smallest",
            "O(n^2 + m)",
            r"""
            n, m = map(int, input().split())
            after = [[] for _ in range(n + 1)]
            pending = [0] * (n + 1)
            for _ in range(m):
                a, b = map(int, input().split())
                after[a].append(b)
                pending[b] += 1
            done = [False] * (n + 1)
            order = []
            for _ in range(n):
                job = 0
                for v in range(1, n + 1):
                    if not done[v] and pending[v] == 0:
                        job = v
                        break
                if job == 0:
                    break
                done[job] = True
                order.append(job)
                for v in after[job]:
                    pending[v] -= 1
            if len(order) == n:
                print(*order)
            else:
                print(-1)
        """,
        ),
        ac(
            "min_of_ready_set",
            "O(n*ready + m)",
            r"""
            def main():
                n, m = map(int, input().split())
                after = [[] for _ in range(n + 1)]
                pending = [0] * (n + 1)
                for _ in range(m):
                    a, b = map(int, input().split())
                    after[a].append(b)
                    pending[b] += 1
                ready = {v for v in range(1, n + 1) if pending[v] == 0}
                order = []
                while ready:
                    job = min(ready)
                    ready.remove(job)
                    order.append(job)
                    for v in after[job]:
                        pending[v] -= 1
                        if pending[v] == 0:
                            ready.add(v)
                print(" ".join(map(str, order)) if len(order) == n else -1)

            main()
        """,
        ),
        # Ready jobs stay sorted by -job, so the smallest job is at the end.
        ac(
            "sorted_ready_list",
            "O((n + m) log n) compares, O(n*ready) memmove",
            r"""
            from bisect import insort

            n, m = map(int, input().split())
            after = [[] for _ in range(n + 1)]
            pending = [0] * (n + 1)
            for _ in range(m):
                a, b = map(int, input().split())
                after[a].append(b)
                pending[b] += 1
            ready = sorted(-v for v in range(1, n + 1) if pending[v] == 0)
            order = []
            while ready:
                job = -ready.pop()
                order.append(job)
                for v in after[job]:
                    pending[v] -= 1
                    if pending[v] == 0:
                        insort(ready, -v)
            print(" ".join(map(str, order)) if len(order) == n else -1)
        """,
        ),
        ac(
            "heap_kahn",
            "O((n + m) log n)",
            r"""
            import heapq
            import sys

            def main():
                input = sys.stdin.readline
                n, m = map(int, input().split())
                after = [[] for _ in range(n + 1)]
                pending = [0] * (n + 1)
                for _ in range(m):
                    a, b = map(int, input().split())
                    after[a].append(b)
                    pending[b] += 1
                heap = [v for v in range(1, n + 1) if pending[v] == 0]
                heapq.heapify(heap)
                order = []
                while heap:
                    job = heapq.heappop(heap)
                    order.append(job)
                    for v in after[job]:
                        pending[v] -= 1
                        if pending[v] == 0:
                            heapq.heappush(heap, v)
                print(" ".join(map(str, order)) if len(order) == n else -1)

            main()
        """,
        ),
        ac(
            "heap_kahn_bulk_read",
            "O((n + m) log n)",
            r"""
            import sys
            from heapq import heapify, heappop, heappush

            def main():
                data = list(map(int, sys.stdin.buffer.read().split()))
                n, m = data[0], data[1]
                after = [[] for _ in range(n + 1)]
                pending = [0] * (n + 1)
                for a, b in zip(data[2::2], data[3::2]):
                    after[a].append(b)
                    pending[b] += 1
                heap = [v for v in range(1, n + 1) if not pending[v]]
                heapify(heap)
                order = []
                while heap:
                    job = heappop(heap)
                    order.append(job)
                    for v in after[job]:
                        pending[v] -= 1
                        if not pending[v]:
                            heappush(heap, v)
                sys.stdout.write((" ".join(map(str, order)) if len(order) == n else "-1") + "\n")

            main()
        """,
        ),
        # A FIFO queue gives a valid order, but not the smallest one.
        wrong(
            "fifo_kahn",
            "O(n + m)",
            r"""
            from collections import deque

            def main():
                n, m = map(int, input().split())
                after = [[] for _ in range(n + 1)]
                pending = [0] * (n + 1)
                for _ in range(m):
                    a, b = map(int, input().split())
                    after[a].append(b)
                    pending[b] += 1
                queue = deque(v for v in range(1, n + 1) if pending[v] == 0)
                order = []
                while queue:
                    job = queue.popleft()
                    order.append(job)
                    for v in after[job]:
                        pending[v] -= 1
                        if pending[v] == 0:
                            queue.append(v)
                print(" ".join(map(str, order)) if len(order) == n else -1)

            main()
        """,
        ),
    ),
)


TASKS = [GRID_PATH, COMPONENTS, DIJKSTRA, TOPO_ORDER]

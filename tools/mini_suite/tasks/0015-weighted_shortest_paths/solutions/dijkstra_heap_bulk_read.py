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

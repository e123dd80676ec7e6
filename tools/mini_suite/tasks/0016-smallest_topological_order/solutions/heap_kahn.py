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

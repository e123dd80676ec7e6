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

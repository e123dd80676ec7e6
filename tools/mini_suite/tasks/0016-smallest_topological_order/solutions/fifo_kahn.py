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

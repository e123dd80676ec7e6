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

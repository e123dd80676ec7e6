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

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

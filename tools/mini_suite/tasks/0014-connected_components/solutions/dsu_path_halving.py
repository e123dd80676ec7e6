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

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

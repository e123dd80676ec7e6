n, m = map(int, input().split())
g = [input().strip() for _ in range(n)]
best = 0
for i in range(n):
    for j in range(m):
        k = 0
        while i + k < n and j + k < m:
            ok = True
            for t in range(k + 1):
                if g[i + k][j + t] != "1" or g[i + t][j + k] != "1":
                    ok = False
                    break
            if not ok:
                break
            k += 1
        if k > best:
            best = k
print(best)

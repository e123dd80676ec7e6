s = input().strip()
n = len(s)
d = s + s
best = 0
for k in range(1, n):
    if d[k:k + n] <= d[best:best + n]:
        best = k
print(best)

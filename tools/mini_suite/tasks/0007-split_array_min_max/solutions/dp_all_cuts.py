n, k = map(int, input().split())
a = list(map(int, input().split()))
prefix = [0]
for x in a:
    prefix.append(prefix[-1] + x)
INF = float("inf")
best = prefix[:]  # best[i]: one part covering a[0:i]
for parts in range(2, k + 1):
    new = [INF] * (n + 1)
    for i in range(parts, n + 1):
        for p in range(parts - 1, i):
            cost = max(best[p], prefix[i] - prefix[p])
            if cost < new[i]:
                new[i] = cost
    best = new
print(best[n])

n, k = map(int, input().split())
a = list(map(int, input().split()))
prefix = [0]
for x in a:
    prefix.append(prefix[-1] + x)
best = prefix[:]
for parts in range(2, k + 1):
    new = [0] * (n + 1)
    for i in range(parts, n + 1):
        lo, hi = parts - 1, i - 1
        while lo < hi:  # first p with best[p] >= prefix[i] - prefix[p]
            mid = (lo + hi) // 2
            if best[mid] >= prefix[i] - prefix[mid]:
                hi = mid
            else:
                lo = mid + 1
        cost = max(best[lo], prefix[i] - prefix[lo])
        if lo > parts - 1:
            cost = min(cost, max(best[lo - 1], prefix[i] - prefix[lo - 1]))
        new[i] = cost
    best = new
print(best[n])

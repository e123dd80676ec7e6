n, k = map(int, input().split())
a = list(map(int, input().split()))
best = 0
for i in range(n):
    seen = set()
    j = i
    while j < n:
        seen.add(a[j])
        if len(seen) > k:
            break
        j += 1
    if j - i > best:
        best = j - i
print(best)

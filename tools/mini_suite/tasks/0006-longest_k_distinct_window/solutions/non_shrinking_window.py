from collections import defaultdict

n, k = map(int, input().split())
a = list(map(int, input().split()))
counts = defaultdict(int)
left = 0
for x in a:
    counts[x] += 1
    if len(counts) > k:
        y = a[left]
        counts[y] -= 1
        if counts[y] == 0:
            del counts[y]
        left += 1
print(n - left)

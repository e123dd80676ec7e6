n = int(input())
h = list(map(int, input().split()))
best = 0
for i in range(n):
    low = h[i]
    for j in range(i, n):
        if h[j] < low:
            low = h[j]
        if low * (j - i + 1) > best:
            best = low * (j - i + 1)
print(best)

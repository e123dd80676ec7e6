n = int(input())
a = sorted(map(int, input().split()))
best, best_count = a[0], 0
i = 0
while i < n:
    j = i
    while j < n and a[j] == a[i]:
        j += 1
    if j - i > best_count:
        best, best_count = a[i], j - i
    i = j
print(best, best_count)

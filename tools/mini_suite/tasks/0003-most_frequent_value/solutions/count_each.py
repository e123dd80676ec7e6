n = int(input())
a = list(map(int, input().split()))
best, best_count = None, 0
for x in a:
    c = a.count(x)
    if c > best_count or (c == best_count and x < best):
        best, best_count = x, c
print(best, best_count)

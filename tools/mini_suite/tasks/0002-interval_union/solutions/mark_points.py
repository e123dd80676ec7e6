n = int(input())
intervals = [tuple(map(int, input().split())) for _ in range(n)]
top = max(r for _, r in intervals)
covered = [False] * (top + 2)
for l, r in intervals:
    for x in range(l, r + 1):
        covered[x] = True
blocks = total = 0
for x in range(1, top + 1):
    if covered[x]:
        total += 1
        if not covered[x - 1]:
            blocks += 1
print(blocks, total)

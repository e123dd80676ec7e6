n = int(input())
w = list(map(int, input().split()))
total = sum(w)
can = [False] * (total + 1)
can[0] = True
for x in w:
    for s in range(total, x - 1, -1):
        if can[s - x]:
            can[s] = True
print(sum(can))

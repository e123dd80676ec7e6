n = int(input())
w = list(map(int, input().split()))
total = sum(w)
can = [[False] * (total + 1) for _ in range(n + 1)]
can[0][0] = True
for i in range(1, n + 1):
    wi = w[i - 1]
    for s in range(total + 1):
        can[i][s] = can[i - 1][s] or (s >= wi and can[i - 1][s - wi])
print(sum(can[n]))

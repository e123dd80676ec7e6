MOD = 10**9 + 7
S, m = map(int, input().split())
coins = list(map(int, input().split()))
table = [[0] * (S + 1) for _ in range(m + 1)]
table[0][0] = 1
for i in range(1, m + 1):
    c = coins[i - 1]
    prev, row = table[i - 1], table[i]
    for s in range(S + 1):
        row[s] = prev[s]
        if s >= c:
            row[s] = (row[s] + row[s - c]) % MOD
print(table[m][S])

MOD = 10**9 + 7
q = int(input())
queries = [tuple(map(int, input().split())) for _ in range(q)]
top = max(n for n, _ in queries)
rows = [[1]]
for n in range(1, top + 1):
    prev = rows[-1]
    row = [1] * (n + 1)
    for r in range(1, n):
        row[r] = (prev[r - 1] + prev[r]) % MOD
    rows.append(row)
for n, r in queries:
    print(rows[n][r])

import sys
input = sys.stdin.readline

n, m, q = map(int, input().split())
P = [[0] * (m + 1) for _ in range(n + 1)]
for i in range(1, n + 1):
    row = list(map(int, input().split()))
    for j in range(1, m + 1):
        P[i][j] = row[j - 1] + P[i - 1][j] + P[i][j - 1] - P[i - 1][j - 1]
out = []
for _ in range(q):
    r1, c1, r2, c2 = map(int, input().split())
    out.append(P[r2][c2] - P[r1 - 1][c2] - P[r2][c1 - 1])
print("\n".join(map(str, out)))

def main():
    n, m = map(int, input().split())
    g = [input().strip() for _ in range(n)]
    P = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n):
        for j in range(m):
            P[i + 1][j + 1] = (g[i][j] == "1") + P[i][j + 1] + P[i + 1][j] - P[i][j]
    best = 0
    for i in range(n):
        for j in range(m):
            k = 1
            while i + k <= n and j + k <= m and \
                    P[i + k][j + k] - P[i][j + k] - P[i + k][j] + P[i][j] == k * k:
                k += 1
            best = max(best, k - 1)
    print(best)

main()

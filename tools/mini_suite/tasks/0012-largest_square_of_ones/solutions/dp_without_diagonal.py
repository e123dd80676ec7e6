def main():
    n, m = map(int, input().split())
    g = [input().strip() for _ in range(n)]
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    best = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if g[i - 1][j - 1] == "1":
                dp[i][j] = 1 + min(dp[i - 1][j], dp[i][j - 1])
                best = max(best, dp[i][j])
    print(best)

main()

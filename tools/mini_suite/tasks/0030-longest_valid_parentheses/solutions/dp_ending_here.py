def main():
    s = input().strip()
    n = len(s)
    dp = [0] * n
    for i in range(1, n):
        if s[i] == ")":
            j = i - dp[i - 1] - 1
            if j >= 0 and s[j] == "(":
                dp[i] = dp[i - 1] + 2 + (dp[j - 1] if j >= 1 else 0)
    print(max(dp, default=0))

main()

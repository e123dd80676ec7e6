def main():
    n, m = map(int, input().split())
    g = [input().strip() for _ in range(n)]
    P = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n):
        for j in range(m):
            P[i + 1][j + 1] = (g[i][j] == "1") + P[i][j + 1] + P[i + 1][j] - P[i][j]

    def exists(k):
        area = k * k
        for i in range(n - k + 1):
            top, bottom = P[i], P[i + k]
            for j in range(m - k + 1):
                if bottom[j + k] - top[j + k] - bottom[j] + top[j] == area:
                    return True
        return False

    lo, hi = 0, min(n, m)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if exists(mid):
            lo = mid
        else:
            hi = mid - 1
    print(lo)

main()

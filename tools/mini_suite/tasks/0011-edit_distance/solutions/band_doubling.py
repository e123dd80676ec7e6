import sys

def within(a, b, d):
    n, m = len(a), len(b)
    INF = d + 1
    prev = [j if j <= d else INF for j in range(m + 1)]
    for i in range(1, n + 1):
        cur = [INF] * (m + 1)
        if i <= d:
            cur[0] = i
        ca = a[i - 1]
        for j in range(max(1, i - d), min(m, i + d) + 1):
            v = prev[j - 1] + (ca != b[j - 1])
            if prev[j] + 1 < v:
                v = prev[j] + 1
            if cur[j - 1] + 1 < v:
                v = cur[j - 1] + 1
            cur[j] = v
        prev = cur
    return prev[m] if prev[m] <= d else None

def main():
    a, b = sys.stdin.read().split()
    d = max(1, abs(len(a) - len(b)))
    while (answer := within(a, b, d)) is None:
        d *= 2
    print(answer)

main()

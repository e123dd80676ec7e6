import sys

MOD = 10**9 + 7

def comb(n, r):
    r = min(r, n - r)
    num = den = 1
    for i in range(r):
        num = num * (n - i) % MOD
        den = den * (i + 1) % MOD
    return num * pow(den, MOD - 2, MOD) % MOD

def main():
    input = sys.stdin.readline
    q = int(input())
    out = []
    for _ in range(q):
        n, r = map(int, input().split())
        out.append(comb(n, r))
    print("\n".join(map(str, out)))

main()

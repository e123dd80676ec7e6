import sys

MOD = 10**9 + 7

def main():
    input = sys.stdin.readline
    q = int(input())
    queries = [tuple(map(int, input().split())) for _ in range(q)]
    top = max(n for n, _ in queries)
    fact = [1] * (top + 1)
    for i in range(1, top + 1):
        fact[i] = fact[i - 1] * i % MOD
    out = []
    for n, r in queries:
        out.append(fact[n] * pow(fact[r] * fact[n - r] % MOD, MOD - 2, MOD) % MOD)
    print("\n".join(map(str, out)))

main()

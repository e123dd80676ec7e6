import sys

def main():
    MOD = 10**9 + 7
    input = sys.stdin.readline
    q = int(input())
    queries = [tuple(map(int, input().split())) for _ in range(q)]
    top = max(n for n, _ in queries)
    fact = [1] * (top + 1)
    for i in range(1, top + 1):
        fact[i] = fact[i - 1] * i % MOD
    for n, r in queries:
        print(fact[n] // (fact[r] * fact[n - r]) % MOD)

main()

import sys

def main():
    MOD = 10**9 + 7
    data = list(map(int, sys.stdin.buffer.read().split()))
    ns, rs = data[1::2], data[2::2]
    top = max(ns)
    fact = [1] * (top + 1)
    for i in range(1, top + 1):
        fact[i] = fact[i - 1] * i % MOD
    inv = [1] * (top + 1)
    inv[top] = pow(fact[top], MOD - 2, MOD)
    for i in range(top, 0, -1):
        inv[i - 1] = inv[i] * i % MOD
    print("\n".join([str(fact[n] * inv[r] % MOD * inv[n - r] % MOD) for n, r in zip(ns, rs)]))

main()

MOD = 10**9 + 7
S, m = map(int, input().split())
coins = list(map(int, input().split()))
ways = [1] + [0] * S
for c in coins:
    for s in range(c, S + 1):
        ways[s] = (ways[s] + ways[s - c]) % MOD
print(ways[S])

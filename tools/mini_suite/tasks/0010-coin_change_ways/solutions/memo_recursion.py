import sys
from functools import lru_cache

sys.setrecursionlimit(10000)
MOD = 10**9 + 7

S, m = map(int, input().split())
coins = list(map(int, input().split()))

@lru_cache(maxsize=None)
def ways(i, s):
    # ways to pay s with coins[0..i]
    if s == 0:
        return 1
    if i < 0:
        return 0
    total = ways(i - 1, s)
    if s >= coins[i]:
        total += ways(i, s - coins[i])
    return total % MOD

print(ways(m - 1, S))

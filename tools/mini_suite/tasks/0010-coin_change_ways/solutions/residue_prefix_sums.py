import sys
from itertools import accumulate

def main():
    MOD = 10**9 + 7
    S, m, *coins = map(int, sys.stdin.read().split())
    ways = [1] + [0] * S
    for c in coins:
        for r in range(min(c, S + 1)):
            ways[r::c] = map(MOD.__rmod__, accumulate(ways[r::c]))
    print(ways[S])

main()

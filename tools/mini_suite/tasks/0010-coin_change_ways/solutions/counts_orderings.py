def main():
    MOD = 10**9 + 7
    S, m = map(int, input().split())
    coins = list(map(int, input().split()))
    ways = [1] + [0] * S
    for s in range(1, S + 1):
        for c in coins:
            if c <= s:
                ways[s] = (ways[s] + ways[s - c]) % MOD
    print(ways[S])

main()

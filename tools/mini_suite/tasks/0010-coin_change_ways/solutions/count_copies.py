def main():
    MOD = 10**9 + 7
    S, m = map(int, input().split())
    coins = list(map(int, input().split()))
    ways = [1] + [0] * S
    for c in coins:
        new = [0] * (S + 1)
        for s in range(S + 1):
            total = 0
            for rest in range(s, -1, -c):  # use (s - rest) / c coins of c
                total += ways[rest]
            new[s] = total % MOD
        ways = new
    print(ways[S])

main()

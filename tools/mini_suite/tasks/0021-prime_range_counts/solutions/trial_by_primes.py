import sys

def main():
    input = sys.stdin.readline
    q = int(input())
    queries = [tuple(map(int, input().split())) for _ in range(q)]
    top = max(r for _, r in queries)
    primes = []
    count = [0] * (top + 1)
    for x in range(2, top + 1):
        for p in primes:
            if p * p > x:
                primes.append(x)
                break
            if x % p == 0:
                break
        else:
            primes.append(x)
        count[x] = len(primes)
    print("\n".join(str(count[r] - count[l - 1]) for l, r in queries))

main()

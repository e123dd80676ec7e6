from itertools import accumulate

q = int(input())
queries = [tuple(map(int, input().split())) for _ in range(q)]
top = max(r for _, r in queries)
sieve = bytearray([1]) * (top + 1)
sieve[0] = sieve[1] = 0
for p in range(2, int(top ** 0.5) + 1):
    if sieve[p]:
        sieve[p * p::p] = bytes(len(range(p * p, top + 1, p)))
count = list(accumulate(sieve))
for l, r in queries:
    print(count[r] - count[l - 1])

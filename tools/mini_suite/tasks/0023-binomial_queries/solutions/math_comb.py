import math

q = int(input())
for _ in range(q):
    n, r = map(int, input().split())
    print(math.comb(n, r) % 1000000007)

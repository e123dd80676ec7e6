import sys
from math import gcd

def main():
    input = sys.stdin.readline
    n, q = map(int, input().split())
    a = list(map(int, input().split()))
    out = []
    for _ in range(q):
        l, r = map(int, input().split())
        g = 0
        for x in a[l - 1:r]:
            g = gcd(g, x)
        out.append(g)
    print("\n".join(map(str, out)))

main()

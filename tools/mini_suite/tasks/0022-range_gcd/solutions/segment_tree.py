import sys
from math import gcd

def main():
    input = sys.stdin.readline
    n, q = map(int, input().split())
    tree = [0] * n + list(map(int, input().split()))
    for i in range(n - 1, 0, -1):
        tree[i] = gcd(tree[2 * i], tree[2 * i + 1])
    out = []
    for _ in range(q):
        l, r = map(int, input().split())
        l += n - 1
        r += n
        g = 0
        while l < r:
            if l & 1:
                g = gcd(g, tree[l])
                l += 1
            if r & 1:
                r -= 1
                g = gcd(g, tree[r])
            l >>= 1
            r >>= 1
        out.append(g)
    print("\n".join(map(str, out)))

main()

import math
import sys

def main():
    input = sys.stdin.readline
    n, q = map(int, input().split())
    a = list(map(int, input().split()))
    size = max(1, math.isqrt(n))
    blocks = [sum(a[i:i + size]) for i in range(0, n, size)]
    out = []
    for _ in range(q):
        l, r = map(int, input().split())
        i, total = l - 1, 0
        while i < r and i % size:
            total += a[i]
            i += 1
        while i + size <= r:
            total += blocks[i // size]
            i += size
        while i < r:
            total += a[i]
            i += 1
        out.append(total)
    print("\n".join(map(str, out)))

main()

import sys
from math import lcm

def main():
    n, k = map(int, sys.stdin.readline().split())
    ds = sorted(map(int, sys.stdin.readline().split()))
    total = 0
    stack = [(0, 1, -1)]
    while stack:
        start, l, sign = stack.pop()
        for i in range(start, k):
            m = lcm(l, ds[i])
            if m <= n:
                total -= sign * (n // m)
                stack.append((i + 1, m, -sign))
    print(total)

main()

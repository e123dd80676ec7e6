import sys
from collections import Counter

def main():
    n, k, *a = map(int, sys.stdin.buffer.read().split())
    cnt = Counter(a)
    count = 0
    for x, c in cnt.items():
        y = k - x
        if x < y:
            count += c * cnt.get(y, 0)
        elif x == y:
            count += c * (c - 1) // 2
    print(count)

main()
